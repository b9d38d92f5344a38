#pragma once

#include <string>
#include <string_view>

#include "probe/core/clock.h"
#include "probe/core/expected.h"

namespace pushprobe {

/// \brief Parses a Prometheus-style duration: one or more NUMBER UNIT pairs,
/// units from largest to smallest, each at most once, no spaces, no fractions.
///
/// Units: y (365 d), w (7 d), d (24 h), h, m, s, ms. "0" alone is zero.
/// Examples: "30s", "2m", "1h30m", "500ms", "1d".
/// Never throws; errors read `invalid duration "TEXT": REASON`.
Expected<Duration> ParseDuration(std::string_view text);

/// \brief Formats \p d the way ParseDuration reads it, largest units first:
/// "30s", "2m", "1m30s", "500ms", "1d". Zero is "0s". Any sub-millisecond
/// remainder is dropped (no unit for it exists in this syntax); negative
/// durations get a leading "-".
std::string FormatDuration(Duration d);

}  // namespace pushprobe
