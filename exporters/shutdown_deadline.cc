#include "exporters/shutdown_deadline.h"

#include <cstdlib>
#include <utility>

#include "probe/config/duration.h"
#include "probe/core/thread_name.h"

namespace pushprobe::exporter {

ShutdownDeadline::ShutdownDeadline(Duration deadline, Logger& logger, InFlight in_flight,
                                   Exit exit) {
  if (!exit) exit = [] { std::_Exit(0); };
  // Real time on purpose: this bounds the process itself, whatever the
  // injected clocks of its parts say.
  watcher_ = std::thread([this, deadline, &logger, in_flight = std::move(in_flight),
                          exit = std::move(exit)] {
    NameThisThread("pp-shutdown");
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, deadline, [this] { return disarmed_; })) return;
    }
    logger.Log(LogLevel::kWarn, "shutdown deadline passed, exiting and abandoning runs in flight",
               {{"deadline", FormatDuration(deadline)},
                {"abandoned", in_flight ? in_flight() : std::string()}});
    exit();
  });
}

ShutdownDeadline::~ShutdownDeadline() {
  Disarm();
  if (watcher_.joinable()) watcher_.join();
}

void ShutdownDeadline::Disarm() {
  std::lock_guard<std::mutex> lock(mu_);
  disarmed_ = true;
  cv_.notify_all();
}

}  // namespace pushprobe::exporter
