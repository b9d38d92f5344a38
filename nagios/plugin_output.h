#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "nagios/check_evaluation.h"
#include "probe/core/probe_result.h"

namespace pushprobe::nagios {

/// The bound on everything the plugin prints: Nagios 2 and some NRPE setups
/// cut a plugin's output at 4 KB, so it ends before that, on a line boundary.
inline constexpr std::size_t kMaxOutputBytes = 4000;

/// The service name at the start of the first line.
inline constexpr std::string_view kServiceName = "EXCHANGE PUSH";

/// \brief The plugin's output for a judged run, Nagios plugin guidelines style:
///
/// \code
/// EXCHANGE PUSH CRITICAL - token refused by auth server: AADSTS700027 key not found (fabrikam.com)
/// | 'time'=0.105s;;;0 ...
/// \_[OK] configuration 0.000s
/// \_[OK] certificate 0.002s
///   \_[OK] auth certificate expires 2027-11-25 (365 days)
/// \_[CRITICAL] token 0.045s oauth_error: token refused by auth server ...
/// \_[SKIPPED] publish
/// \endcode
///
/// \p verbosity 0: the first line only; 1: one line per subcheck (stages, their
/// certificates, total time); 2: each stage's facts under it; 3: then the
/// diagnostic transcript (render::RenderText). Every line ends in "\n". Numbers
/// are in the C locale whatever the process locale; "|" in texts becomes "/"
/// so it cannot start perfdata. The whole stays under kMaxOutputBytes: the first
/// line is always kept, later lines are dropped whole and a last line says so.
/// From verbosity 1, each of \p warnings (SecretFileWarnings) is a line
/// "WARNING: ..." before the subchecks, kept as long as the failing stage's.
/// Never throws.
std::string FormatPluginOutput(const CheckEvaluation& evaluation, const ProbeResult& result,
                               int verbosity, const std::vector<std::string>& warnings = {});

/// The first line for a check that could not run at all (bad arguments,
/// unreadable configuration): "EXCHANGE PUSH UNKNOWN - <message>\n", no perfdata.
std::string FormatUnknown(std::string_view message);

/// Perfdata, space-separated: 'label'=value[uom];[warn];[crit];[min];[max],
/// trailing empty fields dropped, "U" for a value that could not be determined.
std::string FormatPerfdata(const std::vector<PerfDatum>& perfdata);

}  // namespace pushprobe::nagios
