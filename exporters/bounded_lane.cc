#include "exporters/bounded_lane.h"

#include <algorithm>

#include "probe/core/thread_name.h"

namespace pushprobe::exporter {

BoundedLane::BoundedLane(std::size_t threads, std::size_t queue, const std::string& name)
    : capacity_(std::max<std::size_t>(threads, 1) + queue) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    threads_.emplace_back([this, name] {
      NameThisThread(name);
      Work();
    });
  }
}

BoundedLane::~BoundedLane() { Shutdown(); }

bool BoundedLane::TryPost(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || outstanding_ >= capacity_) return false;
    ++outstanding_;
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

std::size_t BoundedLane::outstanding() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outstanding_;
}

void BoundedLane::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    outstanding_ -= tasks_.size();
    tasks_.clear();
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void BoundedLane::Work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
    std::lock_guard<std::mutex> lock(mu_);
    --outstanding_;
  }
}

}  // namespace pushprobe::exporter
