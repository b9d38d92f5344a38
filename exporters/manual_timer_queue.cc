#include "exporters/manual_timer_queue.h"

namespace pushprobe::exporter {

TimerId ManualTimerQueue::Schedule(SteadyTime at, std::function<void()> callback) {
  std::lock_guard<std::mutex> lock(mu_);
  TimerId id = next_id_++;
  timers_.emplace(std::make_pair(at, id), std::move(callback));
  when_.emplace(id, at);
  return id;
}

void ManualTimerQueue::Cancel(TimerId id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = when_.find(id);
  if (it == when_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  when_.erase(it);
}

std::size_t ManualTimerQueue::RunDue() {
  std::size_t fired = 0;
  for (;;) {
    std::function<void()> callback;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (timers_.empty() || timers_.begin()->first.first > clock_.SteadyNow()) break;
      auto it = timers_.begin();
      callback = std::move(it->second);
      when_.erase(it->first.second);
      timers_.erase(it);
    }
    callback();
    ++fired;
  }
  return fired;
}

std::optional<SteadyTime> ManualTimerQueue::NextDue() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

std::size_t ManualTimerQueue::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return timers_.size();
}

}  // namespace pushprobe::exporter
