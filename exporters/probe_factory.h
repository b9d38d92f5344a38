#pragma once

#include <functional>
#include <memory>

#include "exporters/scheduler.h"
#include "probe/core/clock.h"
#include "probe/core/target_config.h"
#include "probe/engine/guid_source.h"
#include "probe/net/http_client_pool.h"

namespace pushprobe::exporter {

/// Makes the function that runs one target's check. Called once per target
/// per configuration that changes it, so the function may keep state between
/// runs (ProbeRunner keeps its TLS session cache).
/// The configuration is shared (never null), not copied.
using ProbeFactory = std::function<ProbeFunction(const std::shared_ptr<const TargetConfig>&)>;

/// \brief The production factory: each target's function runs its own
/// pushprobe::ProbeRunner, whose HTTP client (TLS context, trust store, TLS
/// session cache) comes from \p clients, shared with every target that has
/// the same CA file, connect_to rules and proxy. A runner without its own TLS
/// context costs little more than its TargetConfig, so every target keeps one.
/// \p clock and \p guids must outlive every function made; \p clients need not.
ProbeFactory EngineProbeFactory(HttpClientPool& clients, const Clock& clock, GuidSource& guids);

}  // namespace pushprobe::exporter
