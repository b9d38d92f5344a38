#include "exporters/bounded_lane.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "tests/support/eventually.h"

namespace pushprobe::exporter {
namespace {

using pushprobe::testing::Eventually;

// Tasks that block until the test opens the gate.
class Gate {
 public:
  std::function<void()> Task() {
    return [this] {
      std::unique_lock<std::mutex> lock(mu_);
      ++started_;
      open_cv_.wait(lock, [&] { return open_; });
    };
  }
  int started() {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    open_cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable open_cv_;
  bool open_ = false;
  int started_ = 0;
};

// A lane whose gated tasks are let go when the test ends, however it ends (a
// failed ASSERT would otherwise leave Shutdown joining workers that never
// finish).
struct GatedLane {
  GatedLane(std::size_t threads, std::size_t queue) : lane(threads, queue) {}
  ~GatedLane() {
    gate.Open();
    lane.Shutdown();
  }
  Gate gate;
  BoundedLane lane;
};

TEST(BoundedLaneTest, TakesThreadsPlusQueueTasksAndRefusesTheNext) {
  GatedLane gated(2, 3);
  Gate& gate = gated.gate;
  BoundedLane& lane = gated.lane;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(lane.TryPost(gate.Task())) << i;
  EXPECT_FALSE(lane.TryPost(gate.Task()));
  EXPECT_EQ(lane.outstanding(), 5u);
  gate.Open();
  EXPECT_TRUE(Eventually([&] { return lane.outstanding() == 0; }));
  EXPECT_TRUE(lane.TryPost(gate.Task()));
}

// The capacity was the queue plus the workers waiting on the condition
// variable, so a lane posted to before its threads first ran refused at the
// queue's size: a freshly started exporter under load answered 429 to /probe
// requests its idle workers were about to take. Fresh lanes, posted to at
// once, make that moment likely on every run.
TEST(BoundedLaneTest, ALaneJustStartedTakesAsManyAsOneWhoseWorkersWait) {
  for (int round = 0; round < 50; ++round) {
    GatedLane gated(4, 0);
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(gated.lane.TryPost(gated.gate.Task())) << "round " << round << ", task " << i;
    }
    EXPECT_FALSE(gated.lane.TryPost(gated.gate.Task()));
  }
}

TEST(BoundedLaneTest, ShutdownDropsWaitingTasksAndRefusesLaterOnes) {
  GatedLane gated(1, 2);
  Gate& gate = gated.gate;
  BoundedLane& lane = gated.lane;
  int ran = 0;
  ASSERT_TRUE(lane.TryPost(gate.Task()));
  ASSERT_TRUE(lane.TryPost([&] { ++ran; }));
  ASSERT_TRUE(Eventually([&] { return gate.started() == 1; }));
  std::thread opener([&] {
    // Shutdown clears the queue before it joins the worker the gate holds.
    EXPECT_TRUE(Eventually([&] { return lane.outstanding() == 1; }));
    gate.Open();
  });
  lane.Shutdown();
  opener.join();
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(lane.outstanding(), 0u);
  EXPECT_FALSE(lane.TryPost([] {}));
}

}  // namespace
}  // namespace pushprobe::exporter
