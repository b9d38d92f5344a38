#pragma once

#include <cstdint>
#include <functional>

#include "probe/core/clock.h"

namespace pushprobe::exporter {

using TimerId = std::uint64_t;

/// \brief Runs callbacks at points in monotonic time.
///
/// Injected into the scheduler, so production uses a thread (ThreadTimerQueue)
/// while tests advance a ManualClock and fire what is due (ManualTimerQueue)
/// without sleeping. Implementations are thread-safe and never call a
/// callback while holding their own lock, so a callback may schedule or
/// cancel timers.
class TimerQueue {
 public:
  virtual ~TimerQueue() = default;
  /// Arranges for \p callback to run once at or after \p at. Returns an id
  /// for Cancel; ids are never 0 and never reused.
  virtual TimerId Schedule(SteadyTime at, std::function<void()> callback) = 0;
  /// Cancels a timer that has not fired yet; unknown or fired ids are ignored.
  /// A callback that is already running is not interrupted.
  virtual void Cancel(TimerId id) = 0;
};

}  // namespace pushprobe::exporter
