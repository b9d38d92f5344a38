#include "probe/engine/helper_threads.h"

#include "probe/core/thread_name.h"
#include "probe/engine/check_priority.h"

#include <algorithm>
#include <system_error>

namespace pushprobe {

HelperThreads::HelperThreads(std::size_t limit) : limit_(limit) { threads_.reserve(limit); }

HelperThreads::~HelperThreads() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool HelperThreads::TryRun(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_ <= tasks_.size()) {
      if (threads_.size() >= limit_) return false;
      try {
        threads_.emplace_back([this] { Work(); });
      } catch (const std::system_error&) {
        return false;  // no thread to be had: the caller does the work itself
      }
      ++idle_;  // counted from its start: the task queued next is its own
    }
    tasks_.push_back(std::move(task));
  }
  ready_.notify_all();
  return true;
}

std::size_t HelperThreads::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size() - idle_ + tasks_.size();
}

std::size_t HelperThreads::started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

bool HelperThreads::WaitUntilIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return became_idle_.wait_for(lock, timeout,
                               [&] { return idle_ == threads_.size() && tasks_.empty(); });
}

void HelperThreads::Work() {
  // A helper thread runs nothing but checks' requests, for scheduled runs and
  // /probe alike: it takes the check threads' priority (SetCheckNice).
  NameThisThread("pp-helper");
  EnterCheckNice();
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, nothing left
    --idle_;
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
    ++idle_;
    became_idle_.notify_all();
  }
}

HelperThreads& HelperThreads::Shared() {
  // Never destroyed: a static destructor would join threads while other
  // static objects they may touch are already gone.
  static HelperThreads* shared = new HelperThreads(
      std::clamp<std::size_t>(2 * std::max(1u, std::thread::hardware_concurrency()), 4, 32));
  return *shared;
}

}  // namespace pushprobe
