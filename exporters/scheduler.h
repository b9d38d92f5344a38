#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exporters/executor.h"
#include "exporters/timer_queue.h"
#include "probe/core/clock.h"
#include "probe/core/probe_result.h"
#include "probe/core/target_config.h"

namespace pushprobe::exporter {

/// Runs one target's check within its timeout, or within \p budget when that
/// is shorter. Must be callable from any thread and must not throw
/// (ProbeRunner::Run fits).
using ProbeFunction = std::function<ProbeResult(std::optional<Duration> budget)>;

/// \brief A target as the scheduler runs it. The exporter keeps one per
/// target and the scheduler shares it (ScheduledTargetPtr) rather than
/// holding copies: at 50,000 targets a copy of the probe function and of the
/// configuration handle in every schedule entry was 3 MB.
struct ScheduledTarget {
  std::shared_ptr<const TargetConfig> config;  ///< non-null; shared, since 10,000 copies add up
  ProbeFunction probe;
};
using ScheduledTargetPtr = std::shared_ptr<const ScheduledTarget>;

/// \brief When a scheduled run was due and when a worker actually started it.
struct RunTiming {
  SteadyTime due;
  SteadyTime started;
  Duration StartDelay() const { return started - due; }
};

/// Receives every finished scheduled run, on the worker thread that ran it.
using RunObserver = std::function<void(const TargetConfig&, const ProbeResult&, const RunTiming&)>;

/// \brief Counters of the scheduler, for the exporter's own metrics.
struct SchedulerStats {
  std::size_t targets = 0;    ///< scheduled: the shard's targets
  std::size_t workers = 0;    ///< max_concurrent_runs
  std::size_t in_flight = 0;  ///< runs handed to the executor and not finished
  std::size_t queued = 0;     ///< due runs waiting for a free worker
  std::uint64_t runs_started = 0;
  std::uint64_t runs_completed = 0;
  /// Due runs dropped because the previous run of the same target was still
  /// running or waiting.
  std::uint64_t runs_skipped = 0;
  std::size_t max_in_flight_seen = 0;
};

/// \brief Runs every target every `interval`, Envoy health-checker style.
///
/// - Start times are spread across each target's interval by
///   SpreadStartOffsets, so neither start nor reload makes a thundering herd.
///   Runs follow a fixed grid (epoch + offset + k * interval): a slow run or a
///   late timer does not make later runs drift, and missed slots are skipped,
///   never caught up in a burst.
/// - Never two runs of one target at once: a slot that comes while the
///   previous run is still running (or waiting for a worker) is skipped and
///   counted.
/// - At most `max_concurrent_runs` runs are handed to the executor at once;
///   further due runs wait in FIFO order.
/// - Each run gets one deadline: the target's own timeout (the probe
///   function applies it).
///
/// Time comes from the injected Clock and TimerQueue, work goes to the
/// injected Executor, so tests are exact and never sleep. All methods are
/// thread-safe. Tasks and timer callbacks hold only a weak reference to the
/// scheduler's state, so destroying the scheduler while runs are in flight is
/// safe (their results are dropped).
class Scheduler {
 public:
  struct Options {
    std::size_t max_concurrent_runs = 4;  ///< clamped to at least 1
  };

  /// \p clock, \p timers and \p executor must outlive the scheduler.
  /// \p on_result is called for every finished run (may be empty).
  Scheduler(Options options, const Clock& clock, TimerQueue& timers, Executor& executor,
            RunObserver on_result);
  /// Stop().
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Replaces the set of targets atomically. Only the targets \p shard holds
  /// (ShardHolds) are scheduled; start offsets are spread over all of
  /// \p targets, so a target's slot does not depend on the shard and a
  /// reload that only changes the shard moves no target that stays.
  /// Targets are matched by name: a target that stays keeps its running
  /// state (a run in flight counts against it) and, when its slot on the
  /// grid is unchanged, its timer; new targets are scheduled at their
  /// offset; removed targets (and those the shard no longer holds) are
  /// cancelled (a run in flight finishes and is still reported). The first
  /// call fixes the grid's epoch at the clock's current time. Ignored after
  /// Stop().
  void SetTargets(const std::vector<ScheduledTargetPtr>& targets, const Shard& shard = Shard{});
  /// As above, for targets built in place (tests): each gets its own holder.
  void SetTargets(std::vector<ScheduledTarget> targets, const Shard& shard = Shard{});

  /// Cancels every timer and queued run; runs in flight finish. Idempotent.
  void Stop();

  /// \brief Holds back the start of due runs while the returned token lives,
  /// for at most \p cap from the start of the hold period.
  ///
  /// A /metrics body is written while the token lives: the checks it would
  /// share the cores with wait, so neither the scrape nor their timings pay
  /// for the other. Runs that come due meanwhile wait in the FIFO queue and
  /// start when the last token of the period is gone or its cap is reached,
  /// whichever comes first; runs in flight go on. Tokens taken while a period
  /// is on share it and do not lengthen it. A \p cap of zero or less holds
  /// nothing (returns null).
  std::shared_ptr<const void> HoldStarts(Duration cap);

  /// Waits (in real time) until no run is in flight, at most \p timeout.
  /// Returns whether it became idle.
  bool WaitIdle(Duration timeout) const;

  SchedulerStats Stats() const;
  /// The names of the scheduled targets whose run is in flight, by name.
  std::vector<std::string> RunningTargets() const;
  /// When the target's next run is due, if it is scheduled.
  std::optional<SteadyTime> NextRun(const std::string& name) const;
  /// The target's offset within its interval (see SpreadStartOffsets).
  std::optional<Duration> StartOffset(const std::string& name) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace pushprobe::exporter
