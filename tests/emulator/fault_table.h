#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "tests/emulator/fault.h"

namespace pushprobe::emulator {

/// \brief The faults in force, consumed by the request handlers. Thread-safe.
///
/// Faults act in the order they were added; a fault with a count is removed
/// when its count is used up, one without stays until Clear().
class FaultTable {
 public:
  enum class WaitResult { kElapsed, kCleared, kStopped };

  void Add(Fault fault);
  /// Removes every fault and wakes every pending Wait() with kCleared.
  void Clear();
  /// The first fault for \p stage, using up one of its count.
  std::optional<Fault> Take(Stage stage);
  std::vector<Fault> List() const;

  /// Blocks for \p delay, returning early when the faults are cleared or the
  /// table is stopped. This is how slow answers wait, so that Stop() never
  /// waits for a fault's delay.
  WaitResult Wait(std::chrono::milliseconds delay);
  /// Wakes every Wait() with kStopped, and makes later ones return at once.
  void Stop();
  /// Undoes Stop(), for a restarted emulator.
  void Resume();
  /// Requests inside Wait() right now.
  int waiting() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Fault> faults_;
  std::uint64_t generation_ = 0;
  bool stopped_ = false;
  int waiting_ = 0;
};

}  // namespace pushprobe::emulator
