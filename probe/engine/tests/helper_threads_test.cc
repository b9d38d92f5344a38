#include "probe/engine/helper_threads.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "tests/support/eventually.h"

namespace pushprobe {
namespace {

// Tasks that hold their thread until released, and count themselves done.
class Gate {
 public:
  std::function<void()> Task() {
    return [this] {
      std::unique_lock<std::mutex> lock(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return open_; });
      ++finished_;
      cv_.notify_all();
    };
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitEntered(int n) {
    return WaitFor([&] { return entered_ >= n; });
  }
  bool WaitFinished(int n) {
    return WaitFor([&] { return finished_ >= n; });
  }

 private:
  template <typename Pred>
  bool WaitFor(Pred pred) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), pred);
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int entered_ = 0;
  int finished_ = 0;
};

TEST(HelperThreadsTest, StartsAThreadOnlyWhenNoneIsIdle) {
  HelperThreads threads(4);
  EXPECT_EQ(threads.started(), 0u);
  Gate gate;
  ASSERT_TRUE(threads.TryRun(gate.Task()));
  EXPECT_EQ(threads.started(), 1u);
  ASSERT_TRUE(threads.TryRun(gate.Task()));
  EXPECT_EQ(threads.started(), 2u);
  ASSERT_TRUE(gate.WaitEntered(2));
  EXPECT_EQ(threads.busy(), 2u);
  gate.Open();
  ASSERT_TRUE(gate.WaitFinished(2));
  // The thread of a finished task is idle once busy() says so.
  ASSERT_TRUE(testing::Eventually([&] { return threads.busy() == 0; }));
  // Both idle now: the next two tasks take them, no third thread starts.
  ASSERT_TRUE(threads.TryRun(gate.Task()));
  ASSERT_TRUE(threads.TryRun(gate.Task()));
  EXPECT_EQ(threads.started(), 2u);
  ASSERT_TRUE(gate.WaitFinished(4));
}

TEST(HelperThreadsTest, SaysNoWhenTheLimitIsBusy) {
  HelperThreads threads(2);
  Gate gate;
  ASSERT_TRUE(threads.TryRun(gate.Task()));
  ASSERT_TRUE(threads.TryRun(gate.Task()));
  EXPECT_FALSE(threads.TryRun(gate.Task()));
  EXPECT_EQ(threads.started(), 2u);
  EXPECT_EQ(threads.busy(), 2u);
  gate.Open();
  ASSERT_TRUE(gate.WaitFinished(2));
}

TEST(HelperThreadsTest, WithoutThreadsEveryTaskIsRefused) {
  HelperThreads threads(0);
  bool ran = false;
  EXPECT_FALSE(threads.TryRun([&] { ran = true; }));
  EXPECT_FALSE(ran);
  EXPECT_EQ(threads.started(), 0u);
}

}  // namespace
}  // namespace pushprobe
