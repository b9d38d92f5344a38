#include "exporters/probe_factory.h"

#include <atomic>
#include <cstdint>
#include <memory>

#include "probe/engine/probe_runner.h"

namespace pushprobe::exporter {

ProbeFactory EngineProbeFactory(RunnerCache& cache) {
  auto next_id = std::make_shared<std::atomic<std::uint64_t>>(1);
  return [&cache, next_id](const TargetConfig& target) -> ProbeFunction {
    auto config = std::make_shared<const TargetConfig>(target);
    const std::uint64_t id = next_id->fetch_add(1);
    return [&cache, config, id](std::optional<Duration> budget) {
      return cache.Get(id, *config)->Run(budget);
    };
  };
}

}  // namespace pushprobe::exporter
