#include "exporters/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "exporters/manual_timer_queue.h"
#include "exporters/shard.h"
#include "exporters/start_offsets.h"
#include "exporters/tests/test_util.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;
using testing::FakeResult;
using testing::ManualExecutor;

TargetConfig Target(const std::string& name, Duration interval = 60s, Duration timeout = 10s) {
  TargetConfig t;
  t.name = name;
  t.organization = name + ".example";
  t.interval = interval;
  t.timeout = timeout;
  return t;
}

// Drives a scheduler with a manual clock, timers and executor. Each probe
// records when it ran (by the clock) and with which budget.
class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest() : timers_(clock_), start_(clock_.SteadyNow()) {}

  std::unique_ptr<Scheduler> Make(std::size_t workers) {
    return std::make_unique<Scheduler>(
        Scheduler::Options{workers}, clock_, timers_, executor_,
        [this](const TargetConfig& t, const ProbeResult&, const RunTiming& timing) {
          finished_.push_back(t.name);
          delays_.push_back(timing.StartDelay());
        });
  }

  ScheduledTarget Scheduled(const TargetConfig& t) {
    return ScheduledTarget{std::make_shared<const TargetConfig>(t),
                           [this, t](std::optional<Duration> budget) {
                             runs_[t.name].push_back(clock_.SteadyNow() - start_);
                             budgets_.push_back(budget);
                             return FakeResult(t.name, clock_.Now());
                           }};
  }

  // Advances the clock by \p step at a time up to \p total, firing due timers
  // and running every posted task right away.
  void AdvanceAndRun(Duration total, Duration step = 1s) {
    for (Duration d{}; d < total; d += step) {
      clock_.Advance(step);
      timers_.RunDue();
      executor_.RunAll();
    }
  }

  ManualClock clock_;
  ManualTimerQueue timers_;
  ManualExecutor executor_;
  SteadyTime start_;
  std::map<std::string, std::vector<Duration>> runs_;
  std::vector<std::optional<Duration>> budgets_;
  std::vector<std::string> finished_;
  std::vector<Duration> delays_;
};

TEST_F(SchedulerTest, SpreadsStartTimesEvenlyAcrossTheInterval) {
  auto scheduler = Make(8);
  std::vector<ScheduledTarget> targets;
  for (const char* name : {"a", "b", "c", "d"}) targets.push_back(Scheduled(Target(name, 60s)));
  scheduler->SetTargets(targets);
  timers_.RunDue();
  executor_.RunAll();
  AdvanceAndRun(59s);

  std::multiset<Duration> first_starts;
  for (const auto& [name, starts] : runs_) {
    ASSERT_EQ(starts.size(), 1u) << name;
    first_starts.insert(starts[0]);
    EXPECT_EQ(scheduler->StartOffset(name), starts[0]) << name;
  }
  EXPECT_EQ(first_starts, (std::multiset<Duration>{0s, 15s, 30s, 45s}));
  for (Duration delay : delays_) EXPECT_EQ(delay, Duration::zero());
}

TEST_F(SchedulerTest, RunsEveryIntervalOnAFixedGridWithoutDrift) {
  auto scheduler = Make(1);
  scheduler->SetTargets({Scheduled(Target("only", 10s))});
  timers_.RunDue();
  executor_.RunAll();
  AdvanceAndRun(35s);
  EXPECT_EQ(runs_["only"], (std::vector<Duration>{0s, 10s, 20s, 30s}));

  // A timer that fires late (the process was stalled for 25 s) runs once
  // and goes back to the grid: missed slots are skipped, not caught up.
  clock_.Advance(25s);  // now 60 s; slot 40 s was due
  timers_.RunDue();
  executor_.RunAll();
  AdvanceAndRun(10s);
  EXPECT_EQ(runs_["only"], (std::vector<Duration>{0s, 10s, 20s, 30s, 60s, 70s}));
  ASSERT_FALSE(delays_.empty());
  EXPECT_EQ(delays_[4], 20s);  // due at 40 s, started at 60 s
}

TEST_F(SchedulerTest, NeverRunsOneTargetTwiceAtOnce) {
  auto scheduler = Make(4);
  scheduler->SetTargets({Scheduled(Target("slow", 10s))});
  timers_.RunDue();
  ASSERT_EQ(executor_.pending(), 1u);  // the first run, not finished yet

  for (int i = 0; i < 3; ++i) {
    clock_.Advance(10s);
    timers_.RunDue();
  }
  EXPECT_EQ(executor_.pending(), 1u);
  EXPECT_EQ(scheduler->Stats().runs_skipped, 3u);
  EXPECT_EQ(scheduler->Stats().in_flight, 1u);

  executor_.RunAll();
  EXPECT_EQ(scheduler->Stats().in_flight, 0u);
  clock_.Advance(10s);
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 1u);  // runs again at the next slot
  EXPECT_EQ(scheduler->Stats().runs_started, 2u);
}

TEST_F(SchedulerTest, RespectsTheWorkerBoundAndQueuesInOrder) {
  auto scheduler = Make(3);
  std::vector<ScheduledTarget> targets;
  targets.reserve(10);
  for (int i = 0; i < 10; ++i) targets.push_back(Scheduled(Target("t" + std::to_string(i), 10s)));
  scheduler->SetTargets(targets);
  clock_.Advance(9s);  // every first slot (0 s .. 9 s) is due
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 3u);
  EXPECT_EQ(scheduler->Stats().in_flight, 3u);
  EXPECT_EQ(scheduler->Stats().queued, 7u);
  // What a stop past its deadline names: the runs in flight, not the queued.
  const std::vector<std::string> running = scheduler->RunningTargets();
  EXPECT_EQ(std::set<std::string>(running.begin(), running.end()).size(), 3u);

  // Each finished run hands its worker to the next queued one, never more.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(executor_.RunNext());
    EXPECT_LE(scheduler->Stats().in_flight, 3u);
  }
  EXPECT_EQ(executor_.pending(), 0u);
  EXPECT_EQ(scheduler->Stats().max_in_flight_seen, 3u);
  EXPECT_EQ(finished_.size(), 10u);
  // The first three to finish were the three running then.
  EXPECT_EQ(std::set<std::string>(finished_.begin(), finished_.begin() + 3),
            std::set<std::string>(running.begin(), running.end()));
  EXPECT_TRUE(scheduler->RunningTargets().empty());
  EXPECT_EQ(scheduler->Stats().runs_skipped, 0u);
}

TEST_F(SchedulerTest, PassesNoBudgetSoEachRunUsesItsTargetsTimeout) {
  auto scheduler = Make(1);
  scheduler->SetTargets({Scheduled(Target("a", 10s, 7s))});
  timers_.RunDue();
  executor_.RunAll();
  ASSERT_EQ(budgets_.size(), 1u);
  EXPECT_EQ(budgets_[0], std::nullopt);
}

TEST_F(SchedulerTest, IdenticalReloadKeepsEveryTimer) {
  auto scheduler = Make(4);
  std::vector<ScheduledTarget> targets = {Scheduled(Target("a")), Scheduled(Target("b")),
                                          Scheduled(Target("c"))};
  scheduler->SetTargets(targets);
  clock_.Advance(7s);
  timers_.RunDue();
  executor_.RunAll();
  std::map<std::string, std::optional<SteadyTime>> before;
  for (const char* n : {"a", "b", "c"}) before[n] = scheduler->NextRun(n);
  const std::size_t timers_before = timers_.size();

  scheduler->SetTargets(targets);
  for (const char* n : {"a", "b", "c"}) EXPECT_EQ(scheduler->NextRun(n), before[n]) << n;
  EXPECT_EQ(timers_.size(), timers_before);
}

TEST_F(SchedulerTest, ReloadAddsRemovesAndKeepsARunningTargetExclusive) {
  auto scheduler = Make(4);
  scheduler->SetTargets({Scheduled(Target("a", 10s)), Scheduled(Target("gone", 10s))});
  clock_.Advance(9s);
  timers_.RunDue();
  ASSERT_EQ(executor_.pending(), 2u);  // both first runs in flight

  scheduler->SetTargets({Scheduled(Target("a", 10s)), Scheduled(Target("new", 10s))});
  EXPECT_EQ(scheduler->NextRun("gone"), std::nullopt);
  ASSERT_TRUE(scheduler->NextRun("new").has_value());
  EXPECT_EQ(scheduler->Stats().targets, 2u);

  // "a" is still running across the reload, so its next slot is skipped.
  clock_.Advance(10s);
  timers_.RunDue();
  EXPECT_GE(scheduler->Stats().runs_skipped, 1u);
  executor_.RunAll();
  // The removed target's run in flight still finishes and is reported.
  EXPECT_NE(std::find(finished_.begin(), finished_.end(), "gone"), finished_.end());
  AdvanceAndRun(30s);
  EXPECT_TRUE(runs_["gone"].size() == 1u);
  EXPECT_GE(runs_["new"].size(), 3u);
}

TEST_F(SchedulerTest, AReloadWhileASlotIsDueKeepsThatSlot) {
  auto scheduler = Make(4);
  std::vector<ScheduledTarget> targets = {Scheduled(Target("a", 10s)), Scheduled(Target("b", 10s))};
  scheduler->SetTargets(targets);
  AdvanceAndRun(12s);
  const std::optional<SteadyTime> due = scheduler->NextRun("a");
  ASSERT_TRUE(due.has_value());
  // The clock reaches a's slot, and the reload comes before its timer fires.
  clock_.Advance(*due - clock_.SteadyNow());
  scheduler->SetTargets(targets);
  EXPECT_EQ(scheduler->NextRun("a"), due);
  const std::size_t runs_before = runs_["a"].size();
  timers_.RunDue();
  executor_.RunAll();
  EXPECT_EQ(runs_["a"].size(), runs_before + 1);
}

std::vector<TargetConfig> Orgs(int n) {
  std::vector<TargetConfig> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(Target("org-" + std::to_string(i), 10s));
  return out;
}

TEST_F(SchedulerTest, AShardSchedulesItsTargetsAtTheSlotsOfTheWholeSet) {
  auto scheduler = Make(4);
  std::vector<ScheduledTarget> targets;
  for (const TargetConfig& t : Orgs(12)) targets.push_back(Scheduled(t));
  scheduler->SetTargets(targets, Shard{1, 2});
  const auto offsets = SpreadStartOffsets(Orgs(12));
  std::size_t held = 0;
  for (const TargetConfig& t : Orgs(12)) {
    const bool holds = HashMod(t.name, 2) == 1;
    held += holds ? 1 : 0;
    EXPECT_EQ(scheduler->NextRun(t.name).has_value(), holds) << t.name;
    if (holds) {
      EXPECT_EQ(scheduler->StartOffset(t.name), offsets.at(t.name)) << t.name;
    }
  }
  EXPECT_EQ(scheduler->Stats().targets, held);
  AdvanceAndRun(10s);
  for (const TargetConfig& t : Orgs(12)) {
    EXPECT_EQ(!runs_[t.name].empty(), HashMod(t.name, 2) == 1) << t.name;
  }
}

TEST_F(SchedulerTest, AShardChangeKeepsTheTimersOfTargetsThatStay) {
  auto scheduler = Make(4);
  std::vector<ScheduledTarget> targets;
  for (const TargetConfig& t : Orgs(24)) targets.push_back(Scheduled(t));
  scheduler->SetTargets(targets, Shard{0, 2});
  AdvanceAndRun(25s);
  std::map<std::string, std::optional<SteadyTime>> before;
  for (const TargetConfig& t : Orgs(24)) before[t.name] = scheduler->NextRun(t.name);

  scheduler->SetTargets(targets, Shard{0, 3});
  std::size_t stayed = 0;
  for (const TargetConfig& t : Orgs(24)) {
    const bool now_held = HashMod(t.name, 3) == 0;
    EXPECT_EQ(scheduler->NextRun(t.name).has_value(), now_held) << t.name;
    if (now_held && before[t.name]) {
      ++stayed;
      EXPECT_EQ(scheduler->NextRun(t.name), before[t.name]) << t.name;
    }
  }
  EXPECT_GT(stayed, 0u);
}

TEST_F(SchedulerTest, StopCancelsTimersAndQueuedRuns) {
  auto scheduler = Make(1);
  scheduler->SetTargets({Scheduled(Target("a", 10s)), Scheduled(Target("b", 10s))});
  clock_.Advance(9s);
  timers_.RunDue();
  EXPECT_EQ(scheduler->Stats().queued, 1u);
  scheduler->Stop();
  EXPECT_EQ(timers_.size(), 0u);
  executor_.RunAll();  // the run in flight finishes
  EXPECT_EQ(finished_.size(), 1u);
  EXPECT_TRUE(scheduler->WaitIdle(0s));
  AdvanceAndRun(30s);
  EXPECT_EQ(finished_.size(), 1u);
}

TEST_F(SchedulerTest, DestroyingTheSchedulerWithRunsInFlightIsSafe) {
  auto scheduler = Make(1);
  scheduler->SetTargets({Scheduled(Target("a", 10s))});
  timers_.RunDue();
  ASSERT_EQ(executor_.pending(), 1u);
  scheduler.reset();
  executor_.RunAll();  // runs the probe; the result has nowhere to go
  EXPECT_TRUE(finished_.empty());
}

// The exporter keeps one ScheduledTarget per target; the scheduler holds that
// one rather than a copy of its configuration handle and probe function.
TEST_F(SchedulerTest, SharesTheTargetsItIsGivenInsteadOfCopyingThem) {
  auto scheduler = Make(1);
  auto target = std::make_shared<const ScheduledTarget>(Scheduled(Target("a", 10s)));
  scheduler->SetTargets(std::vector<ScheduledTargetPtr>{target});
  EXPECT_EQ(target.use_count(), 2);  // the caller's and the scheduler's entry
  scheduler->SetTargets(std::vector<ScheduledTargetPtr>{});
  EXPECT_EQ(target.use_count(), 1);
}

// Counts the copies made of it: a run must call the target's own function,
// not a copy (a copy per target per run was an allocation each).
struct CopyCountingProbe {
  std::shared_ptr<int> copies = std::make_shared<int>(0);
  CopyCountingProbe() = default;
  CopyCountingProbe(const CopyCountingProbe& other) : copies(other.copies) { ++*copies; }
  CopyCountingProbe& operator=(const CopyCountingProbe&) = delete;
  CopyCountingProbe(CopyCountingProbe&&) = default;
  ProbeResult operator()(std::optional<Duration>) const { return ProbeResult{}; }
};

TEST_F(SchedulerTest, ARunCallsTheTargetsFunctionWithoutCopyingIt) {
  auto scheduler = Make(1);
  CopyCountingProbe probe;
  std::shared_ptr<int> copies = probe.copies;
  ProbeFunction function(std::move(probe));
  const int copies_before = *copies;
  auto target = std::make_shared<const ScheduledTarget>(
      ScheduledTarget{std::make_shared<const TargetConfig>(Target("a", 10s)), std::move(function)});
  scheduler->SetTargets(std::vector<ScheduledTargetPtr>{target});
  AdvanceAndRun(30s);
  EXPECT_EQ(finished_.size(), 4u);  // the slots at 0, 10, 20 and 30 s
  EXPECT_EQ(*copies, copies_before);
}

// Lookups by name find every target, whatever the order they came in.
TEST_F(SchedulerTest, FindsEachTargetByNameWhateverTheOrderGiven) {
  auto scheduler = Make(1);
  std::vector<ScheduledTarget> targets;
  for (const char* name : {"m", "c", "x", "a", "q"}) targets.push_back(Scheduled(Target(name)));
  scheduler->SetTargets(targets);
  for (const char* name : {"a", "c", "m", "q", "x"}) {
    EXPECT_TRUE(scheduler->NextRun(name).has_value()) << name;
  }
  for (const char* name : {"", "b", "z", "mm"}) EXPECT_FALSE(scheduler->NextRun(name)) << name;
  EXPECT_EQ(scheduler->Stats().targets, 5u);
}

TEST_F(SchedulerTest, ARunThatComesDueDuringAScrapeHoldStartsWhenTheHoldEnds) {
  auto scheduler = Make(4);
  scheduler->SetTargets({Scheduled(Target("a", 10s))});
  std::shared_ptr<const void> hold = scheduler->HoldStarts(100ms);
  ASSERT_NE(hold, nullptr);
  timers_.RunDue();  // a's first slot, now
  EXPECT_EQ(executor_.pending(), 0u);
  EXPECT_EQ(scheduler->Stats().queued, 1u);
  clock_.Advance(30ms);
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 0u);

  hold.reset();  // the body is written
  EXPECT_EQ(executor_.pending(), 1u);
  executor_.RunAll();
  ASSERT_EQ(delays_.size(), 1u);
  EXPECT_EQ(delays_[0], 30ms);    // the start-time error shows the wait
  EXPECT_EQ(timers_.size(), 1u);  // a's next slot: the hold's cap timer is gone
}

TEST_F(SchedulerTest, AScrapeHoldLastsAtMostItsCap) {
  auto scheduler = Make(4);
  scheduler->SetTargets({Scheduled(Target("a", 10s))});
  std::shared_ptr<const void> hold = scheduler->HoldStarts(100ms);
  timers_.RunDue();
  clock_.Advance(99ms);
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 0u);
  clock_.Advance(1ms);
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 1u);
  executor_.RunAll();
  EXPECT_EQ(delays_.at(0), 100ms);

  // Past its cap the token holds nothing: the next slot starts when due.
  clock_.Advance(10s - 100ms);
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 1u);
  executor_.RunAll();
  EXPECT_EQ(delays_.at(1), 0ms);
}

TEST_F(SchedulerTest, HoldsTakenDuringAPeriodShareItsCapAndStartNoMoreThanTheWorkers) {
  auto scheduler = Make(1);
  std::shared_ptr<const void> first = scheduler->HoldStarts(100ms);
  scheduler->SetTargets({Scheduled(Target("a", 10s))});
  timers_.RunDue();
  clock_.Advance(60ms);
  std::shared_ptr<const void> second = scheduler->HoldStarts(100ms);  // a second scraper
  clock_.Advance(10ms);
  first.reset();
  EXPECT_EQ(executor_.pending(), 0u);  // the second still holds

  clock_.Advance(30ms);  // 100 ms after the first began: not 160
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 1u);
  executor_.RunAll();
  EXPECT_EQ(delays_.at(0), 100ms);
  second.reset();
  EXPECT_EQ(executor_.pending(), 0u);

  // A new period, two targets due and one worker: released, one starts,
  // the other when it finishes.
  scheduler->SetTargets({Scheduled(Target("a", 10s)), Scheduled(Target("b", 10s))});
  clock_.Advance(10s);
  std::shared_ptr<const void> third = scheduler->HoldStarts(1s);
  timers_.RunDue();
  EXPECT_EQ(scheduler->Stats().queued, 2u);
  third.reset();
  EXPECT_EQ(executor_.pending(), 1u);
  EXPECT_EQ(scheduler->Stats().queued, 1u);
  executor_.RunAll();
  EXPECT_EQ(finished_.size(), 3u);
}

TEST_F(SchedulerTest, AZeroScrapeHoldHoldsNothing) {
  auto scheduler = Make(4);
  EXPECT_EQ(scheduler->HoldStarts(0s), nullptr);
  std::shared_ptr<const void> hold = scheduler->HoldStarts(0s);
  scheduler->SetTargets({Scheduled(Target("a", 10s))});
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 1u);
}

TEST_F(SchedulerTest, StopCancelsAHoldsTimerAndATokenMayOutliveTheScheduler) {
  auto scheduler = Make(4);
  std::shared_ptr<const void> hold = scheduler->HoldStarts(100ms);
  EXPECT_EQ(timers_.size(), 1u);
  scheduler->Stop();
  EXPECT_EQ(timers_.size(), 0u);
  scheduler.reset();
  hold.reset();  // its scheduler is gone: nothing to release
  AdvanceAndRun(1s, 100ms);
  EXPECT_TRUE(finished_.empty());
}

}  // namespace
}  // namespace pushprobe::exporter
