#include "tests/emulator/stats_recorder.h"

namespace pushprobe::emulator {

void StatsRecorder::Record(Stage stage, Outcome outcome) {
  counters_[static_cast<std::size_t>(stage) * kOutcomes + static_cast<std::size_t>(outcome)]
      .fetch_add(1, std::memory_order_relaxed);
}

void StatsRecorder::RecordUnknown() { unknown_.fetch_add(1, std::memory_order_relaxed); }

Stats StatsRecorder::Snapshot() const {
  auto read = [&](Stage stage) {
    std::size_t base = static_cast<std::size_t>(stage) * kOutcomes;
    EndpointStats s;
    s.accepted = counters_[base].load(std::memory_order_relaxed);
    s.rejected = counters_[base + 1].load(std::memory_order_relaxed);
    s.faulted = counters_[base + 2].load(std::memory_order_relaxed);
    return s;
  };
  Stats stats;
  stats.metadata = read(Stage::kMetadata);
  stats.challenge = read(Stage::kChallenge);
  stats.token = read(Stage::kToken);
  stats.publish = read(Stage::kPublish);
  stats.unknown = unknown_.load(std::memory_order_relaxed);
  return stats;
}

void StatsRecorder::Reset() {
  for (auto& c : counters_) c.store(0, std::memory_order_relaxed);
  unknown_.store(0, std::memory_order_relaxed);
}

}  // namespace pushprobe::emulator
