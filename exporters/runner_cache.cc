#include "exporters/runner_cache.h"

namespace pushprobe::exporter {

std::shared_ptr<ProbeRunner> RunnerCache::Get(std::uint64_t id, const TargetConfig& target) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = index_.find(id); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  // Made outside the lock: loading a CA file is slow and must not hold up
  // the runs of other targets.
  auto runner = std::make_shared<ProbeRunner>(target, clock_, guids_);
  std::shared_ptr<ProbeRunner> evicted;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(id); it != index_.end()) return it->second->second;
  lru_.emplace_front(id, runner);
  index_.emplace(id, lru_.begin());
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return runner;
}

std::size_t RunnerCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace pushprobe::exporter
