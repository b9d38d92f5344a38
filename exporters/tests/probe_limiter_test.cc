#include "exporters/probe_limiter.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

#include "exporters/tests/test_util.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;
using Source = ProbeLimiter::Source;

ProbeResult Result(const std::string& name) {
  return testing::FakeResult(name, WallTime{std::chrono::seconds{1764069656}});
}

TEST(ProbeLimiterTest, RepeatsWithinTheMinimumIntervalGetTheLastResult) {
  ManualClock clock;
  ProbeLimiter limiter({8, 5s}, clock);
  int runs = 0;
  auto run = [&]() -> std::optional<ProbeResult> {
    ++runs;
    return Result("fabrikam");
  };
  const ProbeLimiter::Outcome first = limiter.Run("fabrikam", run);
  EXPECT_EQ(first.source, Source::kRan);
  clock.Advance(2s);
  ProbeLimiter::Outcome again = limiter.Run("fabrikam", run);
  EXPECT_EQ(again.source, Source::kRecent);
  EXPECT_EQ(again.age, 2s);
  ASSERT_TRUE(again.result);
  EXPECT_EQ(again.result->target, "fabrikam");
  EXPECT_EQ(again.result, first.result);                        // the same object, not a copy
  EXPECT_EQ(limiter.Run("contoso", run).source, Source::kRan);  // per target
  clock.Advance(3s);
  EXPECT_EQ(limiter.Run("fabrikam", run).source, Source::kRan);
  EXPECT_EQ(runs, 3);
  const ProbeLimiter::Stats s = limiter.stats();
  EXPECT_EQ(s.ran, 3u);
  EXPECT_EQ(s.recent, 1u);
}

TEST(ProbeLimiterTest, UnknownTargetsAreNotRemembered) {
  ManualClock clock;
  ProbeLimiter limiter({8, 5s}, clock);
  int runs = 0;
  auto none = [&]() -> std::optional<ProbeResult> {
    ++runs;
    return std::nullopt;
  };
  EXPECT_FALSE(limiter.Run("nope", none).result);
  EXPECT_EQ(limiter.Run("nope", none).source, Source::kRan);
  EXPECT_EQ(runs, 2);
}

// Requests for a target whose run is in flight wait for it and share its
// result; past max_concurrent runs, requests are rejected.
TEST(ProbeLimiterTest, SharesTheRunInFlightAndRejectsPastTheCap) {
  ManualClock clock;
  ProbeLimiter limiter({2, Duration::zero()}, clock);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int started = 0;
  auto blocking = [&](const std::string& name) {
    return [&, name]() -> std::optional<ProbeResult> {
      std::unique_lock<std::mutex> lock(mu);
      ++started;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return Result(name);
    };
  };
  std::vector<ProbeLimiter::Outcome> outcomes(2);
  std::thread a([&] { outcomes[0] = limiter.Run("a", blocking("a")); });
  std::thread b([&] { outcomes[1] = limiter.Run("b", blocking("b")); });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return started == 2; });
  }
  EXPECT_EQ(limiter.Run("c", blocking("c")).source, Source::kRejected);
  ProbeLimiter::Outcome shared;
  std::thread waiter([&] { shared = limiter.Run("a", blocking("a")); });
  while (limiter.stats().shared == 0) std::this_thread::yield();
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  a.join();
  b.join();
  waiter.join();
  EXPECT_EQ(outcomes[0].source, Source::kRan);
  EXPECT_EQ(shared.source, Source::kShared);
  ASSERT_TRUE(shared.result);
  EXPECT_EQ(shared.result->target, "a");
  EXPECT_EQ(shared.result, outcomes[0].result);  // the same object, not a copy
  EXPECT_EQ(started, 2);
  const ProbeLimiter::Stats s = limiter.stats();
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.in_flight, 0u);
}

}  // namespace
}  // namespace pushprobe::exporter
