#pragma once

#include <functional>

#include "exporters/scheduler.h"
#include "probe/core/clock.h"
#include "probe/core/target_config.h"
#include "probe/engine/guid_source.h"

namespace pushprobe::exporter {

/// Makes the function that runs one target's check. Called once per target
/// per configuration that changes it, so the function may keep state between
/// runs (ProbeRunner keeps its TLS session cache).
using ProbeFactory = std::function<ProbeFunction(const TargetConfig&)>;

/// \brief The production factory: one pushprobe::ProbeRunner per target.
/// \p clock and \p guids must outlive every function it makes.
ProbeFactory EngineProbeFactory(const Clock& clock, GuidSource& guids);

}  // namespace pushprobe::exporter
