#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exporters/executor.h"

namespace pushprobe::exporter {

/// \brief A fixed number of worker threads taking tasks in FIFO order.
///
/// The pool does not bound its queue: the scheduler bounds how many runs it
/// hands over at once.
class ThreadPool final : public Executor {
 public:
  /// Starts \p threads workers (at least one), named \p name (thread_name.h);
  /// each calls \p on_start, when given, before its first task (the
  /// exporter's: EnterCheckNice).
  explicit ThreadPool(std::size_t threads, const std::function<void()>& on_start = {},
                      const std::string& name = "pp-pool");
  /// Shutdown().
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(std::function<void()> task) override;
  /// Lets queued tasks finish, then joins the workers. Later posts are dropped.
  void Shutdown();
  std::size_t size() const { return size_; }

 private:
  void Work(const std::function<void()>& on_start);

  std::size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pushprobe::exporter
