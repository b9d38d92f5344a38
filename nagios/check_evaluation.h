#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nagios/plugin_options.h"
#include "nagios/plugin_state.h"
#include "probe/core/probe_result.h"

namespace pushprobe::nagios {

/// \brief One node of the check's tree, as monitoring-plugins' mp_subcheck: a
/// state, a line of text, and children whose worst state it includes.
struct Subcheck {
  /// "metadata", "auth certificate", "TLS certificate of outlook.com", "total time"
  std::string name;
  /// Unset for a stage that was skipped because an earlier one failed: it was
  /// not checked, so it neither passes nor fails and does not count.
  std::optional<State> state;
  std::string text;     ///< what was measured or what went wrong, one line; empty when skipped
  std::string problem;  ///< the phrase for the summary line when state is not OK
  std::vector<std::string> details;  ///< "name: value" facts, shown from -vv on
  std::vector<Subcheck> children;

  /// The worst of state and every child's WorstState(); OK when neither is set.
  State Worst() const;
};

/// \brief One perfdata value: 'label'=value[uom];[warn];[crit];[min];[max].
struct PerfDatum {
  std::string label;
  std::optional<double> value;  ///< unset: not measured, left out of the output
  std::string uom;              ///< "s", or empty for a plain number (days)
  std::string warning;          ///< range text or empty
  std::string critical;         ///< range text or empty
  std::optional<double> min;
  std::optional<double> max;
};

/// \brief A run judged against the plugin's thresholds.
struct CheckEvaluation {
  State state = State::kUnknown;  ///< worst of all subchecks
  /// The first line's text after "EXCHANGE PUSH STATE - ": the worst problem
  /// (the failing stage and why, else a threshold crossed) or what succeeded,
  /// followed by " (ORGANIZATION)".
  std::string summary;
  /// One per stage in kAllStages order, then "next auth certificate" (with a next
  /// certificate), then "clock skew" (when measured), then "total time".
  std::vector<Subcheck> subchecks;
  std::vector<PerfDatum> perfdata;  ///< a fixed set of labels, whatever the outcome
};

/// Perfdata labels, each unique in its first 19 characters (the RRD data
/// source name limit PNP4Nagios and others apply).
inline constexpr const char* kTotalTimeLabel = "time";
inline constexpr const char* kAuthCertDaysLabel = "auth_cert_days";
/// Rollover (only with a next certificate): 1 registered, 0 refused, U unknown;
/// days until the next certificate becomes effective (U when not configured).
inline constexpr const char* kNextCertRegisteredLabel = "next_cert_registered";
inline constexpr const char* kNextCertEffectiveDaysLabel = "next_cert_effective_days";
/// Server Date minus our clock, whole seconds, signed.
inline constexpr const char* kClockSkewLabel = "clock_skew";

/// \brief Judges \p result:
/// - a failed stage: config and internal failures UNKNOWN; a timeout the
///   --timeout-result state; every other failure (network, TLS, HTTP, OAuth,
///   the Auth certificate itself) CRITICAL;
/// - each stage that ran: its time against --stage-warning/--stage-critical;
/// - the Auth certificate and each server's TLS leaf certificate: days left
///   (from result.started_at) against --cert-warning/--cert-critical;
/// - the clock skew seen (server Date minus our clock), when a server sent a
///   Date, against --skew-warning/--skew-critical in either direction, also
///   when the run succeeded;
/// - the rollover step (a target with a next certificate), a subcheck after
///   the stages: WARNING when it failed (not registered, an unusable next
///   certificate, the issuer unreachable), CRITICAL when the next certificate
///   also becomes effective within --rollover-critical days (or already is);
///   no state when it did not reach the issuer because the run failed earlier;
/// - the whole run's time against -w/-c.
/// Perfdata: time, <stage>_time for every stage (U when skipped), auth_cert_days,
/// tls_<endpoint>_days and clock_skew (U when unknown), so graphs keep a stable set;
/// with a next certificate also next_cert_registered and next_cert_effective_days.
/// Deterministic; never throws.
CheckEvaluation EvaluateCheck(const ProbeResult& result, const PluginOptions& options);

/// \brief The state a failure with \p reason maps to, given the configured
/// timeout state.
State StateForFailure(Reason reason, State timeout_result);

/// \brief The summary line's phrase for a failed stage, one grammar for every
/// stage: "<stage> <reason>: <detail>", e.g. "token oauth_error: AADSTS700027
/// key not found", "metadata tls_untrusted: the certificate chain of ... is not
/// trusted". The detail is the message's first line (for OAuth errors with an
/// AADSTS/ACS code, the code and a short phrase); at most 200 bytes.
std::string ShortProblem(const StageResult& stage);

}  // namespace pushprobe::nagios
