#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "exporters/metrics_renderer.h"
#include "probe/core/interned.h"
#include "probe/core/probe_result.h"
#include "probe/core/target_config.h"

namespace pushprobe::exporter {

/// \brief One run as a target's history keeps it: what the status page lists
/// for each run.
struct RunSummary {
  WallTime started_at{};
  Duration duration{};
  /// The failure message (first line, bounded): pushprobe's own explanation
  /// of the failed stage (naming the file, host or code), else Exchange's
  /// text; empty for a success. Interned: the runs of every target that
  /// failed the same way hold one copy, so a long outage's history stays
  /// small (and the field is 8 bytes).
  Interned<std::string> error;
  std::optional<StageId> failed_stage;
  ResultType result_type = ResultType::kFailed;
  Reason reason = Reason::kNone;
  ExchangeCategory category = ExchangeCategory::kNone;

  bool succeeded() const { return result_type == ResultType::kSucceeded; }
};

/// \brief A target's latest run: its summary and, for the status page, each
/// stage's status and duration, the hint, the clock skew and the transcript.
/// Only the latest run keeps these; the history keeps summaries.
struct RunRecord : RunSummary {
  std::array<StageStatus, kAllStages.size()> stage_status{};
  std::array<Duration, kAllStages.size()> stage_duration{};
  /// render::HintFor: what to do, naming the failing detail; its first line
  /// says it in one, the rest are steps. Interned, as the error: every
  /// target failing one way gets the same few hundred bytes of steps.
  Interned<std::string> hint;
  /// render::RenderText of a failed run at -v; null for a successful run,
  /// whose stages the status and durations above already give.
  std::shared_ptr<const std::string> transcript;
  std::optional<Duration> clock_skew;  ///< server Date minus our clock, when seen

  /// Builds a record from a run.
  static RunRecord From(const ProbeResult& result);
};

/// \brief What the status page shows for one target.
struct TargetSnapshot {
  std::string name;
  std::string organization;
  Duration interval{};
  std::optional<RunRecord> last;
  std::vector<RunSummary> history;  ///< newest first, successes and failures merged
  TargetCounters counters;
  std::optional<WallTime> auth_cert_not_after;  ///< from the latest run that learnt it
};

/// \brief The latest scheduled result of every configured target, a bounded
/// history of runs, and the target's rendered /metrics series.
///
/// Failures are kept longer than successes (separate bounds), since the runs
/// that explain an outage matter more than the hundredth success. A target
/// that stays across SetTargets keeps everything. Thread-safe.
class ResultStore {
 public:
  struct Options {
    std::size_t successes_kept = 5;
    std::size_t failures_kept = 20;
    /// probe_http_duration_seconds on /metrics (--metrics.http-phases).
    bool http_phases = false;
  };

  explicit ResultStore(Options options) : options_(options) {}

  /// Makes \p targets (non-null) the configured set: new ones start empty,
  /// staying ones keep their results, history and counters, removed ones are
  /// dropped.
  void SetTargets(const std::vector<std::shared_ptr<const TargetConfig>>& targets);

  /// Records a finished scheduled run. Returns false (and stores nothing)
  /// when the target is not configured (a run that outlived a reload).
  bool Record(const ProbeResult& result);

  /// Every target's rendered series, in name order, RenderedGroup::kTargets
  /// targets to a group (targets without a run yet have none). Cheap: the
  /// groups are shared, not copied.
  std::vector<std::shared_ptr<const RenderedGroup>> Rendered() const;

  /// Every configured target, in name order.
  std::vector<TargetSnapshot> Snapshot() const;
  std::optional<TargetSnapshot> Find(const std::string& name) const;
  std::size_t size() const;

  /// What each configured target's slot and each kept success take, for the
  /// size tests (the store's share of a target's memory).
  static std::size_t SlotBytes();
  static std::size_t SuccessBytes();

 private:
  /// \brief A successful run as the history keeps it. A success has no
  /// failed stage, reason, category or error (probe Summarize clears them),
  /// so its times are all there is to keep: 16 bytes where a RunSummary
  /// takes 56, and a healthy target keeps successes_kept of them.
  struct SuccessRun {
    WallTime started_at{};
    Duration duration{};
  };

  struct Slot {
    /// The target's configuration, for its organization and interval: held,
    /// not copied (a copied organization is 32 bytes per target).
    std::shared_ptr<const TargetConfig> config;
    /// Out of line: inline, an empty std::optional<RunRecord> costs about 180
    /// bytes per target that has not run yet.
    std::unique_ptr<const RunRecord> last;
    // Vectors, not deques: an empty std::deque already holds about 600 bytes,
    // which at 10,000 targets that never fail is 6 MB for nothing. The
    // bounds are small, so dropping the oldest by erase(begin()) is cheap.
    std::vector<SuccessRun> successes;  ///< newest last
    std::vector<RunSummary> failures;   ///< newest last
    TargetCounters counters;
    std::optional<WallTime> auth_cert_not_after;
    /// The target's place in name order: its series are entry position %
    /// kTargets of group position / kTargets.
    std::size_t position = 0;
  };
  TargetSnapshot ToSnapshot(const std::string& name, const Slot& slot) const;
  /// Appends \p run to \p kept, dropping the oldest beyond \p bound (at least 1).
  template <typename Run>
  static void Keep(std::vector<Run>& kept, Run run, std::size_t bound);

  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, Slot> slots_;
  std::vector<std::shared_ptr<const RenderedGroup>> groups_;
};

}  // namespace pushprobe::exporter
