#pragma once

#include <cstdint>
#include <string>

#include "probe/core/target_config.h"

namespace pushprobe {

/// \brief What `pushprobe shard --config FILE --of N` prints: how N exporter
/// replicas started with --scheduler.shard=I/N split \p config's targets.
///
/// A table of each shard's count, share and distance from an even split,
/// the largest shard against an even split (the replica that needs the most
/// capacity), then each shard's targets in file order. The split is the one
/// the exporter schedules by (ShardHolds), so the report cannot disagree
/// with the replicas. \p shards must be at least 1.
std::string ShardReport(const Config& config, std::uint64_t shards);

}  // namespace pushprobe
