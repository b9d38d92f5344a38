#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/target_config.h"

namespace pushprobe::exporter {

/// FNV-1a 64 of \p s: stable across runs, builds and machines.
std::uint64_t StableHash(std::string_view s);

/// \brief Where in its interval each target starts, so n targets start evenly
/// spread rather than all at once.
///
/// Targets are ranked by (StableHash(name), name); the target of rank i out
/// of n starts at interval * i / n. The rank depends only on the set of
/// names, so reloading an unchanged file gives the same offsets, and adding
/// or removing one target moves each other target by at most one slot.
std::map<std::string, Duration> SpreadStartOffsets(const std::vector<TargetConfig>& targets);

/// As above, for targets given as (name, interval).
std::map<std::string, Duration> SpreadStartOffsets(
    const std::vector<std::pair<std::string_view, Duration>>& targets);

}  // namespace pushprobe::exporter
