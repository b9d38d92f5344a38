#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/core/clock.h"
#include "probe/core/time_format.h"

namespace pushprobe::render {

/// \brief Formatting shared by every rendering of a ProbeResult (text, JSON,
/// Exchange's list, the exporter's metrics and status page, the plugin).
///
/// All functions are pure: they never read the clock or the locale, so the
/// same input always gives the same bytes. Times are always UTC.

/// RFC 3339 UTC, e.g. "2026-11-25T11:20:56Z" (\p fraction_digits 0) or
/// "2026-11-25T11:20:56.123Z" (3). \p fraction_digits is clamped to 0..9; the
/// fraction is truncated, never rounded, so a second never rolls over.
std::string FormatRfc3339(WallTime t, int fraction_digits = 0);

/// The UTC calendar date, "2027-11-25".
std::string FormatDate(WallTime t);

// Durations: their home is probe/core/time_format.h, where the HTTP client
// reaches them too.
using pushprobe::FormatMillis;
using pushprobe::FormatSeconds;
using pushprobe::FormatSignedSeconds;

/// Seconds since the Unix epoch with \p decimals decimals: "1764069656.000".
std::string FormatUnixSeconds(WallTime t, int decimals = 3);

/// Whole days from \p now until \p t, rounded towards negative infinity: a
/// certificate that expires in 23 hours has 0 days left, one that expired an
/// hour ago has -1.
std::int64_t DaysLeft(WallTime t, WallTime now);

/// "expires 2027-11-25 (365 days)", "expires 2026-11-26 (today)" for less
/// than a day, "expired 2026-11-20 (5 days ago)".
std::string FormatExpiry(WallTime not_after, WallTime now);

/// \p s with every line after the first prefixed by \p indent spaces. CR LF
/// and lone CR count as line ends, so Windows texts (ACS's "\r\nTrace ID")
/// render cleanly. Trailing whitespace of each line is dropped.
std::string IndentContinuation(std::string_view s, std::size_t indent);

/// \p s without trailing spaces and tabs.
std::string_view TrimRight(std::string_view s);

}  // namespace pushprobe::render
