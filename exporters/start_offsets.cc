#include "exporters/start_offsets.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace pushprobe::exporter {

std::uint64_t StableHash(std::string_view s) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::map<std::string, Duration> SpreadStartOffsets(const std::vector<TargetConfig>& targets) {
  std::vector<std::pair<std::string_view, Duration>> named;
  named.reserve(targets.size());
  for (const TargetConfig& t : targets) named.emplace_back(t.name, t.interval);
  return SpreadStartOffsets(named);
}

std::map<std::string, Duration> SpreadStartOffsets(
    const std::vector<std::pair<std::string_view, Duration>>& targets) {
  std::vector<std::tuple<std::uint64_t, std::string_view, Duration>> ranked;
  ranked.reserve(targets.size());
  for (const auto& [name, interval] : targets)
    ranked.emplace_back(StableHash(name), name, interval);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  std::map<std::string, Duration> offsets;
  const auto n = static_cast<Duration::rep>(ranked.size());
  for (Duration::rep i = 0; i < n; ++i) {
    const Duration interval = std::get<2>(ranked[static_cast<std::size_t>(i)]);
    // interval.count() * i stays far below 2^63 ns for any interval the
    // loader accepts (hours) and any plausible number of targets.
    offsets.emplace(std::string(std::get<1>(ranked[static_cast<std::size_t>(i)])),
                    Duration(interval.count() / n * i + interval.count() % n * i / n));
  }
  return offsets;
}

}  // namespace pushprobe::exporter
