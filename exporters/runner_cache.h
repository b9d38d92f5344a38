#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "probe/core/clock.h"
#include "probe/core/target_config.h"
#include "probe/engine/guid_source.h"
#include "probe/engine/probe_runner.h"

namespace pushprobe::exporter {

/// \brief Keeps at most `capacity` ProbeRunners alive, least recently used
/// out first.
///
/// A ProbeRunner owns a TLS context (about 23 KB with a one-certificate CA
/// file), so one per target would cost 230 MB at 10,000 targets. Runners of
/// recently run targets are kept, so a target that runs often still resumes
/// its TLS sessions; an evicted target gets a fresh runner on its next run
/// (every run verifies the server and fetches a fresh token either way).
/// Thread-safe; a runner in use survives eviction until its run ends.
class RunnerCache {
 public:
  /// \p clock and \p guids must outlive the cache and every runner it made.
  RunnerCache(std::size_t capacity, const Clock& clock, GuidSource& guids)
      : capacity_(capacity < 1 ? 1 : capacity), clock_(clock), guids_(guids) {}

  /// The runner for \p target, made on first use. \p id identifies this
  /// exact configuration of the target (a changed configuration gets a new
  /// id, so never an old runner).
  std::shared_ptr<ProbeRunner> Get(std::uint64_t id, const TargetConfig& target);

  std::size_t size() const;

 private:
  using Entry = std::pair<std::uint64_t, std::shared_ptr<ProbeRunner>>;
  const std::size_t capacity_;
  const Clock& clock_;
  GuidSource& guids_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  ///< most recently used first
  std::unordered_map<std::uint64_t, std::list<Entry>::iterator> index_;
};

}  // namespace pushprobe::exporter
