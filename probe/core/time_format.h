#pragma once

#include <cstdio>
#include <string>

#include "probe/core/clock.h"

namespace pushprobe {

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
