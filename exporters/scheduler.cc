#include "exporters/scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "exporters/shard.h"
#include "exporters/start_offsets.h"

namespace pushprobe::exporter {

namespace {

// One per scheduled target, 50,000 in a large exporter: the target itself is
// shared with the exporter, not copied.
struct Entry {
  ScheduledTargetPtr target;  ///< non-null
  Duration offset{};
  SteadyTime next_due{};
  TimerId timer = 0;
  bool running = false;  ///< handed to the executor and not finished
  bool queued = false;   ///< due, waiting for a free worker
  bool removed = false;

  const TargetConfig& config() const { return *target->config; }
  const std::string& name() const { return config().name; }
};

// The entries in name order: a sorted vector costs a pointer per target where
// a map keyed by a copy of the name cost a 80-byte node.
using Entries = std::vector<std::shared_ptr<Entry>>;

// The entry named \p name, or null.
const std::shared_ptr<Entry>* FindEntry(const Entries& entries, std::string_view name) {
  auto it = std::lower_bound(
      entries.begin(), entries.end(), name,
      [](const std::shared_ptr<Entry>& e, std::string_view n) { return e->name() < n; });
  return it != entries.end() && (*it)->name() == name ? &*it : nullptr;
}

// The first grid slot epoch + offset + k * interval at or after now.
SteadyTime NextSlot(SteadyTime epoch, Duration offset, Duration interval, SteadyTime now) {
  SteadyTime first = epoch + offset;
  if (now <= first || interval <= Duration::zero()) return first;
  auto k = (now - first + interval - Duration(1)) / interval;
  return first + k * interval;
}

}  // namespace

struct Scheduler::State : std::enable_shared_from_this<Scheduler::State> {
  State(Options o, const Clock& c, TimerQueue& t, Executor& e, RunObserver r)
      : options(o), clock(c), timers(t), executor(e), on_result(std::move(r)) {
    options.max_concurrent_runs = std::max<std::size_t>(1, options.max_concurrent_runs);
  }

  // Both expect mu held.
  void Arm(const std::shared_ptr<Entry>& entry) {
    std::weak_ptr<State> weak = weak_from_this();
    std::weak_ptr<Entry> weak_entry = entry;
    entry->timer = timers.Schedule(entry->next_due, [weak, weak_entry] {
      auto self = weak.lock();
      auto e = weak_entry.lock();
      if (self && e) self->Fire(e);
    });
  }

  void Dispatch(const std::shared_ptr<Entry>& entry, SteadyTime due) {
    entry->running = true;
    entry->queued = false;
    ++in_flight;
    ++runs_started;
    max_in_flight_seen = std::max(max_in_flight_seen, in_flight);
    std::weak_ptr<State> weak = weak_from_this();
    // The task holds the target it runs, so a reload that replaces the
    // entry's target does not race with the run.
    executor.Post([weak, entry, target = entry->target, due] {
      RunTiming timing{due, {}};
      if (auto self = weak.lock()) timing.started = self->clock.SteadyNow();
      ProbeResult result = target->probe ? target->probe(std::nullopt) : ProbeResult{};
      if (auto self = weak.lock()) self->Finish(entry, *target->config, result, timing);
    });
  }

  void Fire(const std::shared_ptr<Entry>& entry) {
    std::lock_guard<std::mutex> lock(mu);
    if (stopped || entry->removed) return;
    const SteadyTime due = entry->next_due;
    const Duration interval = entry->config().interval;
    // The next slot strictly after now: a late timer runs once, and the
    // slots it overslept are skipped rather than caught up in a burst.
    entry->next_due =
        NextSlot(epoch, entry->offset, interval, std::max(clock.SteadyNow(), due) + Duration(1));
    Arm(entry);
    if (entry->running || entry->queued) {
      ++runs_skipped;
      return;
    }
    if (in_flight < options.max_concurrent_runs && !Held()) {
      Dispatch(entry, due);
    } else {
      entry->queued = true;
      ready.emplace_back(entry, due);
    }
  }

  void Finish(const std::shared_ptr<Entry>& entry, const TargetConfig& config,
              const ProbeResult& result, const RunTiming& timing) {
    // The observer runs outside the lock: it may be slow (rendering) and
    // must not hold up timers.
    if (on_result) on_result(config, result, timing);
    std::lock_guard<std::mutex> lock(mu);
    entry->running = false;
    --in_flight;
    ++runs_completed;
    DispatchReady();
    idle_cv.notify_all();
  }

  // Expects mu held. Whether due runs wait: a hold is on and its period has
  // not reached its cap (the clock is read only while a hold is on).
  bool Held() const { return holds > 0 && clock.SteadyNow() < hold_until; }

  // Expects mu held. Starts queued runs while workers are free and no hold
  // keeps them waiting.
  void DispatchReady() {
    if (Held()) return;
    while (!stopped && in_flight < options.max_concurrent_runs && !ready.empty()) {
      auto [next, due] = ready.front();
      ready.pop_front();
      next->queued = false;
      if (next->removed || next->running) continue;
      Dispatch(next, due);
    }
  }

  void BeginHold(Duration cap) {
    std::lock_guard<std::mutex> lock(mu);
    if (stopped) return;
    if (holds++ > 0) return;  // a period already running is not lengthened
    hold_until = clock.SteadyNow() + cap;
    std::weak_ptr<State> weak = weak_from_this();
    hold_timer = timers.Schedule(hold_until, [weak] {
      if (auto self = weak.lock()) {
        std::lock_guard<std::mutex> guard(self->mu);
        self->DispatchReady();
      }
    });
  }

  void EndHold() {
    std::lock_guard<std::mutex> lock(mu);
    if (holds == 0 || --holds > 0) return;
    timers.Cancel(hold_timer);
    hold_timer = 0;
    DispatchReady();
  }

  Options options;
  const Clock& clock;
  TimerQueue& timers;
  Executor& executor;
  RunObserver on_result;

  mutable std::mutex mu;
  mutable std::condition_variable idle_cv;
  bool stopped = false;
  std::optional<SteadyTime> epoch_set;
  SteadyTime epoch{};
  Entries entries;  ///< by name
  std::deque<std::pair<std::shared_ptr<Entry>, SteadyTime>> ready;
  std::size_t in_flight = 0;
  std::size_t holds = 0;    ///< HoldStarts tokens alive
  SteadyTime hold_until{};  ///< the cap of the hold period that holds > 0 began
  TimerId hold_timer = 0;   ///< starts the held runs at hold_until
  std::size_t max_in_flight_seen = 0;
  std::uint64_t runs_started = 0;
  std::uint64_t runs_completed = 0;
  std::uint64_t runs_skipped = 0;
};

Scheduler::Scheduler(Options options, const Clock& clock, TimerQueue& timers, Executor& executor,
                     RunObserver on_result)
    : state_(std::make_shared<State>(options, clock, timers, executor, std::move(on_result))) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::SetTargets(std::vector<ScheduledTarget> targets, const Shard& shard) {
  std::vector<ScheduledTargetPtr> shared;
  shared.reserve(targets.size());
  for (ScheduledTarget& t : targets) {
    shared.push_back(std::make_shared<const ScheduledTarget>(std::move(t)));
  }
  SetTargets(shared, shard);
}

void Scheduler::SetTargets(const std::vector<ScheduledTargetPtr>& targets, const Shard& shard) {
  std::vector<std::pair<std::string_view, Duration>> named;
  named.reserve(targets.size());
  for (const ScheduledTargetPtr& t : targets)
    named.emplace_back(t->config->name, t->config->interval);
  const std::map<std::string, Duration> offsets = SpreadStartOffsets(named);

  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.stopped) return;
  const SteadyTime now = s.clock.SteadyNow();
  if (!s.epoch_set) {
    s.epoch_set = now;
    s.epoch = now;
  }
  // Entries are made and armed in the order given, as timers due at the same
  // instant fire in the order they were armed; sorted by name afterwards.
  Entries next;
  std::unordered_set<std::string_view> seen;
  std::unordered_set<const Entry*> kept;
  for (const ScheduledTargetPtr& t : targets) {
    const std::string& name = t->config->name;
    if (!seen.insert(name).second) continue;  // the loader rejects duplicates; first one wins
    if (!ShardHolds(shard, name)) continue;
    std::shared_ptr<Entry> entry;
    if (const std::shared_ptr<Entry>* old = FindEntry(s.entries, name)) {
      entry = *old;
      kept.insert(entry.get());
    } else {
      entry = std::make_shared<Entry>();
    }
    const Duration offset = offsets.at(name);
    const SteadyTime old_due = entry->next_due;
    const TimerId old_timer = entry->timer;
    const bool same_grid = old_timer != 0 && entry->offset == offset &&
                           entry->config().interval == t->config->interval;
    // The old entry's name stays its key in s.entries: a kept entry is
    // matched by name, so the new target has the same one.
    entry->target = t;
    entry->offset = offset;
    // A slot that is due but whose timer has not fired yet (a late timer, or
    // a reload in the same instant) is still the target's next run: counting
    // from now would skip it and move the target a whole interval.
    entry->next_due = NextSlot(s.epoch, entry->offset, entry->config().interval,
                               same_grid ? std::min(now, old_due) : now);
    if (old_timer == 0 || entry->next_due != old_due) {
      if (old_timer != 0) s.timers.Cancel(old_timer);
      s.Arm(entry);
    }
    next.push_back(std::move(entry));
  }
  for (const std::shared_ptr<Entry>& gone : s.entries) {
    if (kept.count(gone.get())) continue;
    gone->removed = true;
    s.timers.Cancel(gone->timer);
  }
  std::sort(next.begin(), next.end(),
            [](const std::shared_ptr<Entry>& a, const std::shared_ptr<Entry>& b) {
              return a->name() < b->name();
            });
  next.shrink_to_fit();
  s.entries = std::move(next);
}

void Scheduler::Stop() {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.stopped) return;
  s.stopped = true;
  for (const std::shared_ptr<Entry>& entry : s.entries) s.timers.Cancel(entry->timer);
  if (s.hold_timer != 0) s.timers.Cancel(s.hold_timer);
  for (auto& [entry, due] : s.ready) entry->queued = false;
  s.ready.clear();
}

std::shared_ptr<const void> Scheduler::HoldStarts(Duration cap) {
  if (cap <= Duration::zero()) return nullptr;
  state_->BeginHold(cap);
  // Ends the hold when the last copy of the returned pointer is gone.
  class Token {
   public:
    explicit Token(std::weak_ptr<State> state) : state_(std::move(state)) {}
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    ~Token() {
      if (auto s = state_.lock()) s->EndHold();
    }

   private:
    std::weak_ptr<State> state_;
  };
  return std::make_shared<const Token>(state_);
}

bool Scheduler::WaitIdle(Duration timeout) const {
  State& s = *state_;
  std::unique_lock<std::mutex> lock(s.mu);
  return s.idle_cv.wait_for(lock, timeout, [&s] { return s.in_flight == 0; });
}

SchedulerStats Scheduler::Stats() const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  SchedulerStats st;
  st.targets = s.entries.size();
  st.workers = s.options.max_concurrent_runs;
  st.in_flight = s.in_flight;
  st.queued = s.ready.size();
  st.runs_started = s.runs_started;
  st.runs_completed = s.runs_completed;
  st.runs_skipped = s.runs_skipped;
  st.max_in_flight_seen = s.max_in_flight_seen;
  return st;
}

std::vector<std::string> Scheduler::RunningTargets() const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<std::string> running;
  for (const std::shared_ptr<Entry>& entry : s.entries) {
    if (entry->running) running.push_back(entry->name());
  }
  return running;
}

std::optional<SteadyTime> Scheduler::NextRun(const std::string& name) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  const std::shared_ptr<Entry>* entry = FindEntry(s.entries, name);
  if (entry == nullptr || s.stopped) return std::nullopt;
  return (*entry)->next_due;
}

std::optional<Duration> Scheduler::StartOffset(const std::string& name) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  const std::shared_ptr<Entry>* entry = FindEntry(s.entries, name);
  if (entry == nullptr) return std::nullopt;
  return (*entry)->offset;
}

}  // namespace pushprobe::exporter
