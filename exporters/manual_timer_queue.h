#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "exporters/timer_queue.h"
#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief A TimerQueue that fires only when told to; for tests.
///
/// RunDue() runs, in time order, every timer due at the clock's current
/// steady time, including timers scheduled by those callbacks that are
/// already due. Nothing happens in the background.
class ManualTimerQueue final : public TimerQueue {
 public:
  /// \p clock must outlive the queue.
  explicit ManualTimerQueue(const Clock& clock) : clock_(clock) {}

  TimerId Schedule(SteadyTime at, std::function<void()> callback) override;
  void Cancel(TimerId id) override;

  /// Fires every due timer; returns how many fired.
  std::size_t RunDue();
  /// The time of the earliest pending timer.
  std::optional<SteadyTime> NextDue() const;
  /// Pending timers.
  std::size_t size() const;

 private:
  const Clock& clock_;
  mutable std::mutex mu_;
  TimerId next_id_ = 1;
  std::map<std::pair<SteadyTime, TimerId>, std::function<void()>> timers_;
  std::map<TimerId, SteadyTime> when_;
};

}  // namespace pushprobe::exporter
