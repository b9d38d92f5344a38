#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pushprobe::exporter {

/// \brief A fixed set of workers with a bounded queue: TryPost refuses once
/// `threads` tasks run and `queue` more wait.
///
/// The bound counts tasks taken and not yet finished, never which workers
/// happen to be waiting for one: a worker not yet scheduled (just started)
/// would otherwise shrink the lane, and a server starting under load refused
/// requests its idle workers were about to take. Unlike ThreadPool, whose
/// caller bounds what it hands over, this lane refuses so the caller can answer
/// at once (the HTTP server's 429).
class BoundedLane {
 public:
  /// Starts \p threads workers (at least one) taking at most \p queue waiting
  /// tasks, each named \p name (thread_name.h).
  BoundedLane(std::size_t threads, std::size_t queue, const std::string& name = "pp-lane");
  /// Shutdown().
  ~BoundedLane();
  BoundedLane(const BoundedLane&) = delete;
  BoundedLane& operator=(const BoundedLane&) = delete;

  /// Queues \p task; false (and \p task dropped) when the lane is full or shut down.
  bool TryPost(std::function<void()> task);
  /// Tasks running or waiting for a worker now.
  std::size_t outstanding() const;
  /// Drops what waits, lets running tasks finish, joins. Idempotent.
  void Shutdown();

 private:
  void Work();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::size_t outstanding_ = 0;  ///< posted and not finished: queued or running
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pushprobe::exporter
