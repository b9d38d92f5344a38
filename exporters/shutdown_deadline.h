#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "exporters/logger.h"
#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief The exporter's stop has a deadline of its own.
///
/// A run stuck past its own deadline (in a call no deadline reaches) keeps
/// the workers from joining, so a stop that waited for it would never end and
/// systemd would have to kill the service. Armed when the stop begins: unless
/// Disarm() comes within \p deadline, it logs one warning naming the runs it
/// abandons (\p in_flight, asked at that moment) and calls \p exit, which
/// ends the process.
class ShutdownDeadline {
 public:
  using InFlight = std::function<std::string()>;
  using Exit = std::function<void()>;

  /// \p logger must outlive this object. The default \p exit is
  /// std::_Exit(0): nothing may be destroyed under the stuck run's feet, and
  /// the stop was asked for, so the exit is not a failure.
  ShutdownDeadline(Duration deadline, Logger& logger, InFlight in_flight, Exit exit = {});
  /// Disarm(), then waits for the watcher.
  ~ShutdownDeadline();
  ShutdownDeadline(const ShutdownDeadline&) = delete;
  ShutdownDeadline& operator=(const ShutdownDeadline&) = delete;

  /// The stop finished in time: nothing is logged and nothing exits.
  void Disarm();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool disarmed_ = false;
  std::thread watcher_;
};

}  // namespace pushprobe::exporter
