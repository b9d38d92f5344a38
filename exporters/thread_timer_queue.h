#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "exporters/timer_queue.h"
#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief A TimerQueue served by one background thread.
///
/// Callbacks run on that thread, one at a time, so they must be short (the
/// scheduler's only hand work to its worker pool). Waits are computed from
/// the injected clock; with SystemClock a timer fires within the OS's wakeup
/// latency of its time.
class ThreadTimerQueue final : public TimerQueue {
 public:
  /// Starts the thread. \p clock must outlive the queue.
  explicit ThreadTimerQueue(const Clock& clock);
  /// Stops the thread; pending timers are dropped.
  ~ThreadTimerQueue() override;
  ThreadTimerQueue(const ThreadTimerQueue&) = delete;
  ThreadTimerQueue& operator=(const ThreadTimerQueue&) = delete;

  TimerId Schedule(SteadyTime at, std::function<void()> callback) override;
  void Cancel(TimerId id) override;

 private:
  void Loop();

  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  TimerId next_id_ = 1;
  std::map<std::pair<SteadyTime, TimerId>, std::function<void()>> timers_;
  std::map<TimerId, SteadyTime> when_;
  std::thread thread_;
};

}  // namespace pushprobe::exporter
