#pragma once

#include <ctime>
#include <optional>
#include <string_view>

#include "probe/core/clock.h"

namespace pushprobe::net_internal {

/// Parses an HTTP date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), and,
/// liberally, the obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and
/// asctime ("Sun Nov  6 08:49:37 1994") forms (RFC 7231 section 7.1.1.1).
/// Returns nullopt for anything else.
std::optional<WallTime> ParseHttpDate(std::string_view text);

/// A broken-down UTC time as a WallTime, independent of the process's TZ;
/// nullopt when a field is out of range.
std::optional<WallTime> WallTimeFromUtc(const std::tm& tm);

}  // namespace pushprobe::net_internal
