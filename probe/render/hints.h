#pragma once

#include <string>

#include "probe/core/probe_result.h"

namespace pushprobe::render {

/// \brief The specific next step for a run's outcome, as someone who runs
/// hybrid Exchange would give it: which cmdlet, which setting, which host.
///
/// Chosen from a table of (stage or any stage, reason, optional condition on
/// the result) in order, first match wins, so a specific rule (AADSTS700027,
/// a trailing slash in the service URI) sits before the general one for its
/// reason. Every reason has at least a general rule.
///
/// For a failed run: never empty. For a successful run: a warning when the
/// Auth certificate expires within 30 days (counted from started_at), else
/// empty. Lines are separated by "\n"; the text holds no secrets (it quotes
/// only the result's own facts). Deterministic; never throws.
std::string HintFor(const ProbeResult& result);

/// Days before the Auth certificate's expiry from which a successful run
/// already carries a renewal hint.
inline constexpr int kCertRenewalWarningDays = 30;

}  // namespace pushprobe::render
