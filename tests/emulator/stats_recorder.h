#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "tests/emulator/fault.h"
#include "tests/emulator/stats.h"

namespace pushprobe::emulator {

enum class Outcome { kAccepted, kRejected, kFaulted };

/// \brief Lock-free request counters behind Stats. Thread-safe.
class StatsRecorder {
 public:
  void Record(Stage stage, Outcome outcome);
  void RecordUnknown();
  Stats Snapshot() const;
  void Reset();

 private:
  static constexpr std::size_t kStages = 4;
  static constexpr std::size_t kOutcomes = 3;
  std::array<std::atomic<std::uint64_t>, kStages * kOutcomes> counters_{};
  std::atomic<std::uint64_t> unknown_{0};
};

}  // namespace pushprobe::emulator
