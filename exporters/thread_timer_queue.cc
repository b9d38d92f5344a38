#include "exporters/thread_timer_queue.h"

#include <algorithm>
#include <chrono>

#include "probe/core/thread_name.h"

namespace pushprobe::exporter {

ThreadTimerQueue::ThreadTimerQueue(const Clock& clock) : clock_(clock) {
  thread_ = std::thread([this] {
    NameThisThread("pp-timer");
    Loop();
  });
}

ThreadTimerQueue::~ThreadTimerQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

TimerId ThreadTimerQueue::Schedule(SteadyTime at, std::function<void()> callback) {
  TimerId id;
  bool earliest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    auto it = timers_.emplace(std::make_pair(at, id), std::move(callback)).first;
    when_.emplace(id, at);
    earliest = it == timers_.begin();
  }
  // Only a new earliest timer shortens the thread's current wait.
  if (earliest) cv_.notify_all();
  return id;
}

void ThreadTimerQueue::Cancel(TimerId id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = when_.find(id);
  if (it == when_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  when_.erase(it);
}

void ThreadTimerQueue::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto it = timers_.begin();
    SteadyTime now = clock_.SteadyNow();
    if (it->first.first > now) {
      // Waiting for the difference (rather than until an absolute
      // steady_clock time) keeps this correct for any injected clock; the
      // one-second cap bounds the error if that clock jumps.
      auto wait = std::min<Duration>(it->first.first - now, std::chrono::seconds(1));
      cv_.wait_for(lock, wait);
      continue;
    }
    std::function<void()> callback = std::move(it->second);
    when_.erase(it->first.second);
    timers_.erase(it);
    lock.unlock();
    callback();
    lock.lock();
  }
}

}  // namespace pushprobe::exporter
