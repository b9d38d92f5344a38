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

/// From this clock difference on (either way) a run that passed still says so:
/// OAuth elsewhere in the hybrid (free/busy, mailbox moves) breaks beyond five
/// minutes while the push check may still succeed.
inline constexpr Duration kClockSkewNotice = std::chrono::seconds(60);

/// \brief A sentence about the clock difference the run saw when it is at
/// least kClockSkewNotice, empty otherwise (or when no server sent a Date):
/// "Clock: server clock is 59 min 59 s ahead of ours (...); ...".
std::string ClockSkewNote(const ProbeResult& result);

/// \brief The next step for the rollover step (ProbeResult::rollover), empty
/// when there is none or it passed. Not registered (an OAuth error): the exact
/// upload command for the next certificate, with its thumbprint and the day it
/// becomes effective. A certificate failure: what is wrong with the next
/// certificate and that it must be fixed before it becomes effective.
std::string RolloverHintFor(const ProbeResult& result);

/// Days before the Auth certificate's expiry from which a successful run
/// already carries a renewal hint.
inline constexpr int kCertRenewalWarningDays = 30;

}  // namespace pushprobe::render
