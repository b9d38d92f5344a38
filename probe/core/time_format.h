#pragma once

#include <cstdio>
#include <ctime>
#include <string>

#include "probe/core/clock.h"

namespace pushprobe {

/// "2026-11-25T11:20:56Z" (UTC, whole seconds).
inline std::string FormatRfc3339(WallTime t) {
  std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// Whole days from \p now until \p t, rounded down; negative once \p t has passed.
inline long long DaysLeft(WallTime t, WallTime now) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
  long long days = secs / 86400;
  if (secs < 0 && secs % 86400 != 0) --days;
  return days;
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
