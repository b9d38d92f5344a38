#include "exporters/thread_pool.h"

#include <algorithm>
#include <utility>

#include "probe/core/thread_name.h"

namespace pushprobe::exporter {

ThreadPool::ThreadPool(std::size_t threads, const std::function<void()>& on_start,
                       const std::string& name)
    : size_(std::max<std::size_t>(1, threads)) {
  threads_.reserve(size_);
  for (std::size_t i = 0; i < size_; ++i) {
    threads_.emplace_back([this, on_start, name] {
      NameThisThread(name);
      Work(on_start);
    });
  }
}

ThreadPool::~ThreadPool() { Shutdown(); }

void ThreadPool::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void ThreadPool::Work(const std::function<void()>& on_start) {
  if (on_start) on_start();
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and everything queued has run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace pushprobe::exporter
