#pragma once

#include <functional>

namespace pushprobe::exporter {

/// \brief Runs tasks somewhere else: a worker pool in production, a queue the
/// test drains by hand in tests. Thread-safe.
class Executor {
 public:
  virtual ~Executor() = default;
  /// Queues \p task; it runs exactly once unless the executor is shut down first.
  virtual void Post(std::function<void()> task) = 0;
};

}  // namespace pushprobe::exporter
