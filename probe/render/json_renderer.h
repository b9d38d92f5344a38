#pragma once

#include <string>
#include <vector>

#include "probe/core/probe_result.h"

namespace pushprobe::render {

/// The version of the JSON schema in probe/render/JSON_SCHEMA.md. Bumped only
/// when a field is renamed, removed or changes meaning; adding a field is not
/// a new version.
inline constexpr int kJsonSchemaVersion = 1;

struct JsonOptions {
  /// Spaces per nesting level; 0 writes everything on one line (NDJSON).
  int indent = 2;
};

/// \brief One result as a JSON object, in the schema of JSON_SCHEMA.md
/// ("schema_version": 1): every field of ProbeResult, ProbeFacts, StageResult
/// and HttpRequestFacts, plus a few derived ones (hint, days left).
///
/// Stable by construction: keys always in the documented order, every key
/// always present (an empty optional is null, an empty string is ""),
/// enumerations as their stable names, durations as seconds with 6 decimals,
/// times as RFC 3339 UTC strings with milliseconds plus a "<name>_unix"
/// number with 3 decimals. Numbers never depend on the locale. Strings are
/// escaped per RFC 8259 (quote, backslash, control characters); valid UTF-8
/// passes through, invalid bytes become U+FFFD, so the output is always valid
/// UTF-8 JSON. The text ends with "\n". Deterministic; never throws.
std::string RenderJson(const ProbeResult& result, const JsonOptions& options = {});

/// \brief Several results: {"schema_version": 1, "results": [<RenderJson>...]}.
std::string RenderJsonList(const std::vector<ProbeResult>& results,
                           const JsonOptions& options = {});

}  // namespace pushprobe::render
