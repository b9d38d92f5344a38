#pragma once

#include <functional>

#include "exporters/runner_cache.h"
#include "exporters/scheduler.h"
#include "probe/core/clock.h"
#include "probe/core/target_config.h"
#include "probe/engine/guid_source.h"

namespace pushprobe::exporter {

/// Makes the function that runs one target's check. Called once per target
/// per configuration that changes it, so the function may keep state between
/// runs (ProbeRunner keeps its TLS session cache).
using ProbeFactory = std::function<ProbeFunction(const TargetConfig&)>;

/// \brief The production factory: each target's function runs a
/// pushprobe::ProbeRunner taken from \p cache (made on first use, kept while
/// the target runs often enough). \p cache must outlive every function it makes.
ProbeFactory EngineProbeFactory(RunnerCache& cache);

}  // namespace pushprobe::exporter
