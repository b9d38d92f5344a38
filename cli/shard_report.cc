#include "cli/shard_report.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "exporters/shard.h"

namespace pushprobe {

namespace {

std::string Format(const char* format, double a, double b = 0) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, a, b);
  return buffer;
}

std::string Targets(std::size_t n) { return std::to_string(n) + (n == 1 ? " target" : " targets"); }

}  // namespace

std::string ShardReport(const Config& config, std::uint64_t shards) {
  std::vector<std::vector<const TargetConfig*>> by_shard(shards);
  for (const TargetConfig& target : config.targets) {
    by_shard[exporter::HashMod(target.name, shards)].push_back(&target);
  }
  const double total = static_cast<double>(config.targets.size());
  const double even = total / static_cast<double>(shards);
  std::string out = config.path + ": " + Targets(config.targets.size()) + " over " +
                    std::to_string(shards) + (shards == 1 ? " shard" : " shards") +
                    " (Prometheus hashmod of the target name)\n\n";
  out += "shard        targets   share   vs even\n";
  std::size_t largest = 0;
  for (std::uint64_t i = 0; i < shards; ++i) {
    const std::size_t n = by_shard[i].size();
    largest = std::max(largest, n);
    std::string name = ShardName(Shard{i, shards});
    name.resize(std::max<std::size_t>(name.size(), 11), ' ');
    out += name + Format(" %8.0f  %5.1f%%", static_cast<double>(n), 100.0 * n / total) +
           Format("  %+7.1f%%\n", even > 0 ? 100.0 * (n - even) / even : 0.0);
  }
  out += "\nlargest shard: " + Targets(largest) + ", " +
         Format("%.2fx an even split of %.1f\n", even > 0 ? largest / even : 0.0, even);
  for (std::uint64_t i = 0; i < shards; ++i) {
    out += "\nshard " + ShardName(Shard{i, shards}) + " (" + Targets(by_shard[i].size()) + ")\n";
    for (const TargetConfig* target : by_shard[i]) out += "  " + target->name + "\n";
  }
  return out;
}

}  // namespace pushprobe
