#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pushprobe {

/// \brief A fixed set of threads that send a run's requests beside the run's
/// own thread (the challenge, the publish connection opened ahead).
///
/// Bounded on purpose: an exporter runs thousands of checks, and a thread per
/// check per request would grow with them. A task is only taken when a thread
/// is idle for it; otherwise TryRun says no and the caller does the work itself
/// in stage order, as a sequential run does, so a busy process degrades to
/// today's order instead of queueing a request behind other checks' deadlines.
///
/// Threads start when work first finds none idle, up to the limit: the plugin
/// runs one check and needs two, not the set an exporter fills (each thread
/// started costs a clone, an 8 MB stack mapping and its first pages).
class HelperThreads {
 public:
  /// At most \p limit threads (0: TryRun always says no); none started yet.
  explicit HelperThreads(std::size_t limit);
  /// Waits for running tasks and stops the threads.
  ~HelperThreads();
  HelperThreads(const HelperThreads&) = delete;
  HelperThreads& operator=(const HelperThreads&) = delete;

  /// Runs \p task on an idle thread (started now when none is idle and the
  /// limit allows) and returns true, or returns false at once when \p limit
  /// threads are busy or no thread can be started. \p task must not throw.
  bool TryRun(std::function<void()> task);

  /// Threads busy or claimed now.
  std::size_t busy() const;
  /// Threads started so far.
  std::size_t started() const;

  /// Waits until every thread started is idle, at most \p timeout; false if
  /// one is still busy then (a task that does not end: what cancelling prevents).
  bool WaitUntilIdle(std::chrono::milliseconds timeout) const;

  /// The engine's threads, shared by every runner of the process: up to twice
  /// the cores, at least 4 and at most 32 (two per check in flight).
  static HelperThreads& Shared();

 private:
  void Work();

  const std::size_t limit_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  mutable std::condition_variable became_idle_;  // a thread finished its task
  std::deque<std::function<void()>> tasks_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pushprobe
