#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "probe/core/clock.h"

namespace pushprobe {

namespace time_format_internal {

constexpr std::uint64_t Pow10(int n) {
  std::uint64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Fixed-point formatting of an integer count of 10^-scale units, done with
// integers so the output never depends on the locale or on binary floating point.
inline std::string FormatScaled(std::int64_t value, int scale, int decimals, bool force_sign) {
  decimals = std::clamp(decimals, 0, scale);
  bool negative = value < 0;
  // Negate in unsigned arithmetic so INT64_MIN does not overflow.
  std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
  const std::uint64_t unit = Pow10(scale - decimals);
  const std::uint64_t rounded = magnitude / unit + (magnitude % unit >= (unit + 1) / 2 ? 1 : 0);
  if (rounded == 0) negative = false;  // never print "-0.000"
  const std::uint64_t denominator = Pow10(decimals);
  std::string out;
  if (negative) {
    out += '-';
  } else if (force_sign) {
    out += '+';
  }
  out += std::to_string(rounded / denominator);
  if (decimals > 0) {
    std::string frac = std::to_string(rounded % denominator);
    out += '.';
    out.append(static_cast<std::size_t>(decimals) - frac.size(), '0');
    out += frac;
  }
  return out;
}

inline std::int64_t Nanos(Duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

}  // namespace time_format_internal

/// \p d in seconds with exactly \p decimals decimals (clamped to 0..9), rounded
/// half away from zero, "-" for negative values: "0.045", "-1.250". Every face
/// and the HTTP client's messages word a duration this way.
inline std::string FormatSeconds(Duration d, int decimals = 3) {
  return time_format_internal::FormatScaled(time_format_internal::Nanos(d), 9, decimals, false);
}

/// \p d in milliseconds with \p decimals decimals (clamped to 0..6): "12.3".
inline std::string FormatMillis(Duration d, int decimals = 1) {
  // Scale 9 counts nanoseconds; milliseconds are the same count at scale 6.
  return time_format_internal::FormatScaled(time_format_internal::Nanos(d), 6, decimals, false);
}

/// Like FormatSeconds but always signed ("+0.350", "-2.000"), for clock skews.
inline std::string FormatSignedSeconds(Duration d, int decimals = 3) {
  return time_format_internal::FormatScaled(time_format_internal::Nanos(d), 9, decimals, true);
}

/// A clock difference as every face words it, from \p skew = server Date minus
/// our clock: "server clock is 15 min 0 s ahead of ours". Rounded to whole
/// seconds (the Date header has no more), so two faces never disagree.
inline std::string DescribeClockSkew(Duration skew) {
  const long long total = std::chrono::round<std::chrono::seconds>(skew).count();
  const long long magnitude = total < 0 ? -total : total;
  char buf[96];
  std::snprintf(buf, sizeof buf, "server clock is %lld min %lld s %s ours", magnitude / 60,
                magnitude % 60, total >= 0 ? "ahead of" : "behind");
  return buf;
}

}  // namespace pushprobe
