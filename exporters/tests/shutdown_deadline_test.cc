#include "exporters/shutdown_deadline.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <sstream>

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;

TEST(ShutdownDeadlineTest, AStopThatEndsInTimeNeitherLogsNorExits) {
  std::ostringstream log;
  ManualClock clock;
  Logger logger(log, clock, LogLevel::kDebug, LogFormat::kLogfmt);
  bool exited = false;
  {
    ShutdownDeadline deadline(
        1h, logger, [] { return std::string("a (scheduled)"); }, [&exited] { exited = true; });
    deadline.Disarm();
  }  // joins at once: the watcher wakes on Disarm, not after the hour
  EXPECT_FALSE(exited);
  EXPECT_EQ(log.str(), "");
}

TEST(ShutdownDeadlineTest, AStopPastItsDeadlineLogsWhatItAbandonsAndExits) {
  std::ostringstream log;
  ManualClock clock;
  Logger logger(log, clock, LogLevel::kDebug, LogFormat::kLogfmt);
  std::promise<void> exited;
  ShutdownDeadline deadline(
      20ms, logger, [] { return std::string("fabrikam (scheduled), contoso (/probe)"); },
      [&exited] { exited.set_value(); });
  ASSERT_EQ(exited.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_NE(log.str().find("level=warn msg=\"shutdown deadline passed, exiting and abandoning runs "
                           "in flight\" deadline=20ms abandoned=\"fabrikam (scheduled), contoso "
                           "(/probe)\""),
            std::string::npos)
      << log.str();
}

// Named like the exporter's other threads, so ps -L and top -H show what a
// stuck stop is waiting on.
TEST(ShutdownDeadlineTest, TheWatcherThreadIsNamed) {
  std::ostringstream log;
  ManualClock clock;
  Logger logger(log, clock);
  std::promise<std::string> comm;
  ShutdownDeadline deadline(1ms, logger, {}, [&comm] {
    std::ifstream in("/proc/thread-self/comm");
    std::string name;
    std::getline(in, name);
    comm.set_value(name);
  });
  std::future<std::string> named = comm.get_future();
  ASSERT_EQ(named.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(named.get(), "pp-shutdown");
}

}  // namespace
}  // namespace pushprobe::exporter
