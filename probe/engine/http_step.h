#pragma once

#include <optional>
#include <string_view>

#include "probe/core/stage_result.h"
#include "probe/engine/run_context.h"
#include "probe/net/http_client.h"

namespace pushprobe {

/// The clock difference beyond which a refused token is blamed on the clock.
inline constexpr Duration kClockSkewTolerance = std::chrono::minutes(5);

/// \brief Sends \p request within the run's deadline and records what was seen.
///
/// Appends the request's facts to \p result, keeps the server's leaf
/// certificate under the stage's tls_endpoint (StageInfo) in the run's facts
/// (even when verification failed) and updates the observed clock skew. On a transport failure the
/// stage is failed with the client's reason and message and nullopt returned.
std::optional<HttpResponse> SendRecorded(RunContext& context, StageResult& result,
                                         const HttpRequest& request);

/// Records \p outcome, sent earlier (possibly on another thread), as
/// SendRecorded records its own.
std::optional<HttpResponse> Record(RunContext& context, StageResult& result, HttpOutcome outcome);

/// When the latest server Date differs from our clock by more than
/// kClockSkewTolerance, turns the stage's failure into kClockSkew (keeping the
/// server's message) and returns true.
bool BlameClockSkew(const RunContext& context, StageResult& result);

/// A short, printable excerpt of a body for messages (control characters escaped).
std::string BodySnippet(std::string_view body, std::size_t max_chars = 120);

/// \brief What a server wrote, as it may be shown: \p secret (what the run sent
/// it: the client assertion, the access token) as \p shown_as, so a server that
/// echoes its request cannot put a credential into the transcript, the
/// plugin's output or the log; and control characters escaped as \xNN (an
/// ESC sequence would reach a terminal), line breaks and tabs kept when
/// \p keep_lines.
std::string ServerText(std::string_view text, const std::string& secret, std::string_view shown_as,
                       bool keep_lines = false);

}  // namespace pushprobe
