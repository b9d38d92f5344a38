#include "probe/engine/helper_threads.h"

#include <algorithm>

namespace pushprobe {

HelperThreads::HelperThreads(std::size_t threads) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  std::unique_lock<std::mutex> lock(mu_);
  // TryRun counts on idle_, so every thread is waiting before the first call.
  ready_.wait(lock, [&] { return idle_ == threads_.size(); });
}

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
    if (idle_ <= tasks_.size()) return false;
    tasks_.push_back(std::move(task));
  }
  ready_.notify_all();
  return true;
}

std::size_t HelperThreads::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size() - idle_ + tasks_.size();
}

void HelperThreads::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    ready_.notify_all();
    ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty()) return;  // stopping, nothing left
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
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
