#include "exporters/probe_factory.h"

#include <memory>

#include "probe/engine/probe_runner.h"

namespace pushprobe::exporter {

ProbeFactory EngineProbeFactory(HttpClientPool& clients, const Clock& clock, GuidSource& guids) {
  return [&clients, &clock,
          &guids](const std::shared_ptr<const TargetConfig>& target) -> ProbeFunction {
    auto runner = std::make_shared<ProbeRunner>(target, clock, guids, clients);
    return [runner](std::optional<Duration> budget) { return runner->Run(budget); };
  };
}

}  // namespace pushprobe::exporter
