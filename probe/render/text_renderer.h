#pragma once

#include <optional>
#include <string>

#include "probe/core/probe_result.h"

namespace pushprobe::render {

struct TextOptions {
  /// 0: a line per stage, the result and the hint. 1 (-v): also each stage's
  /// facts and every HTTP request (address, phase timings, TLS, the server's
  /// chain even when unverified, server Date against the local clock), and
  /// Exchange's own view. 2 (-vv): also certificate thumbprints and validity
  /// starts.
  int verbosity = 0;
  /// ANSI colors on the status tags; off unless the caller knows it writes to
  /// a terminal.
  bool color = false;
};

/// \brief The transcript of one run that a person reads (the diagnostics
/// command, the exporter's debug page, the plugin's long output):
///
/// \code
/// pushprobe check of target "fabrikam" (fabrikam.com) at 2026-11-25T11:20:56Z: Failed, 0.104 s
///   [ ok ]     configuration     0.000 s  organization fabrikam.com
///   [ ok ]     certificate       0.002 s  CN=..., thumbprint 7595..., expires 2027-11-25 (365
///   days) [FAIL]     token             0.045 s  oauth_error: token refused by auth server: ...
///   [skip]     publish                    skipped: token failed
/// Result: Failed at stage token (oauth_error), Exchange category Unknown
/// Clock: <ClockSkewNote(result)>, only when the clocks differ by a minute or more
/// Hint: <HintFor(result)>
/// \endcode
///
/// Stage durations are right-aligned in one column; the detail column starts
/// at a fixed offset (40) and multi-line texts continue under it. Every line
/// ends in "\n" and none has trailing whitespace. Deterministic: times to come
/// (days left) are counted from result.started_at, never from "now". Never
/// throws.
std::string RenderText(const ProbeResult& result, const TextOptions& options = {});

/// The start of a transcript's stage line up to the time column,
/// "  [ ok ]     metadata      " ("[FAIL]", "[skip]"; "[ .. ]" for a stage
/// still running, \p status unset), tags in ANSI colour when \p color; so a
/// live progress line lines up with the transcript.
std::string StageLineHead(std::optional<StageStatus> status, StageId stage, bool color);

}  // namespace pushprobe::render
