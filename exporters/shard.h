#pragma once

#include <cstdint>
#include <string_view>

#include "probe/core/target_config.h"

namespace pushprobe::exporter {

/// \brief Prometheus's `hashmod` relabel action: the MD5 digest of \p value,
/// its last 8 bytes read as a big-endian unsigned integer, modulo \p modulus
/// (prometheus/model/relabel/relabel.go). \p modulus must not be 0.
///
/// With one source label Prometheus hashes that label's value alone, so a
/// `/probe` job whose rule is `source_labels: [__param_target]`,
/// `modulus: N`, `action: hashmod` sends each target to the replica that
/// schedules it.
std::uint64_t HashMod(std::string_view value, std::uint64_t modulus);

/// Whether the replica of \p shard schedules the target named \p target_name:
/// HashMod(target_name, shard.count) == shard.index.
bool ShardHolds(const Shard& shard, std::string_view target_name);

}  // namespace pushprobe::exporter
