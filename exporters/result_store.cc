#include "exporters/result_store.h"

#include <algorithm>
#include <utility>

#include "probe/core/first_line.h"
#include "probe/render/hints.h"
#include "probe/render/text_renderer.h"

namespace pushprobe::exporter {

namespace {

constexpr std::size_t kMaxErrorChars = 300;

}  // namespace

RunRecord RunRecord::From(const ProbeResult& r) {
  RunRecord rec;
  rec.started_at = r.started_at;
  rec.duration = r.duration;
  rec.result_type = r.result_type;
  rec.failed_stage = r.failed_stage;
  rec.reason = r.reason;
  rec.category = r.category;
  if (!r.succeeded()) {
    const StageResult* failed = r.FailedStage();
    rec.error = FirstLineCapped(
        failed != nullptr && !failed->message.empty() ? failed->message : r.error, kMaxErrorChars);
  }
  for (std::size_t i = 0; i < kAllStages.size(); ++i) {
    rec.stage_status[i] = i < r.stages.size() ? r.stages[i].status : StageStatus::kSkipped;
    rec.stage_duration[i] = i < r.stages.size() ? r.stages[i].duration : Duration{};
  }
  rec.clock_skew = r.facts.clock_skew;
  rec.hint = render::HintFor(r);
  // Only a failed run keeps its transcript: a success's stage lines say what
  // the waterfall already shows, and keeping them cost about 1.4 KB per target
  // (67.5 MB against 53.4 MB resident at 10,000 targets) plus a render per run.
  if (!r.succeeded()) {
    render::TextOptions options;
    options.verbosity = 1;
    rec.transcript = std::make_shared<const std::string>(render::RenderText(r, options));
  }
  return rec;
}

void ResultStore::SetTargets(const std::vector<std::shared_ptr<const TargetConfig>>& targets) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Slot> next;
  for (const auto& t : targets) {
    auto it = slots_.find(t->name);
    Slot slot = it != slots_.end() ? std::move(it->second) : Slot{};
    slot.config = t;
    next.emplace(t->name, std::move(slot));
  }
  // New places, in the new name order; a staying target's series move with it.
  std::vector<std::shared_ptr<const RenderedGroup>> groups;
  groups.reserve(next.size() / RenderedGroup::kTargets + 1);
  RenderedGroup::Builder group;
  std::size_t position = 0;
  for (auto& [name, slot] : next) {
    // A staying target's slot, moved into next above, still holds its old
    // position, and its name is still a key of slots_; a new target's is not.
    if (slots_.count(name) > 0) {
      group.Add(*groups_[slot.position / RenderedGroup::kTargets],
                slot.position % RenderedGroup::kTargets);
    } else {
      group.AddEmpty();
    }
    slot.position = position++;
    if (group.size() == RenderedGroup::kTargets) groups.push_back(group.Build());
  }
  if (group.size() > 0) groups.push_back(group.Build());
  slots_ = std::move(next);
  groups_ = std::move(groups);
}

template <typename Run>
void ResultStore::Keep(std::vector<Run>& kept, Run run, std::size_t bound) {
  bound = std::max<std::size_t>(1, bound);
  if (kept.empty()) kept.reserve(bound);  // exactly the bound, never a doubling's slack
  if (kept.size() >= bound) kept.erase(kept.begin(), kept.end() - static_cast<long>(bound - 1));
  kept.push_back(std::move(run));
}

bool ResultStore::Record(const ProbeResult& result) {
  // The texts are rendered before taking the lock, which scrapes and the
  // status page share.
  RunRecord record = RunRecord::From(result);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(result.target);
  if (it == slots_.end()) return false;
  Slot& slot = it->second;

  ++slot.counters.runs;
  if (result.succeeded()) {
    slot.counters.last_success = result.started_at;
  } else if (result.failed_stage) {
    ++slot.counters.failures[{*result.failed_stage, result.reason}];
  }
  if (result.facts.auth_cert_not_after) slot.auth_cert_not_after = result.facts.auth_cert_not_after;

  if (result.succeeded()) {
    Keep(slot.successes, SuccessRun{record.started_at, record.duration}, options_.successes_kept);
  } else {
    Keep(slot.failures, static_cast<const RunSummary&>(record), options_.failures_kept);
  }
  slot.last = std::make_unique<const RunRecord>(std::move(record));

  std::shared_ptr<const RenderedGroup>& group = groups_[slot.position / RenderedGroup::kTargets];
  group =
      group->With(slot.position % RenderedGroup::kTargets,
                  MetricsRenderer::RenderScheduled(result, slot.counters, options_.http_phases));
  return true;
}

std::vector<std::shared_ptr<const RenderedGroup>> ResultStore::Rendered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return groups_;
}

TargetSnapshot ResultStore::ToSnapshot(const std::string& name, const Slot& slot) const {
  TargetSnapshot s;
  s.name = name;
  s.organization = slot.config->organization;
  s.interval = slot.config->interval;
  if (slot.last) s.last = *slot.last;
  s.counters = slot.counters;
  s.auth_cert_not_after = slot.auth_cert_not_after;
  s.history.reserve(slot.successes.size() + slot.failures.size());
  for (const SuccessRun& run : slot.successes) {
    RunSummary summary;
    summary.started_at = run.started_at;
    summary.duration = run.duration;
    summary.result_type = ResultType::kSucceeded;
    s.history.push_back(summary);
  }
  s.history.insert(s.history.end(), slot.failures.begin(), slot.failures.end());
  std::stable_sort(
      s.history.begin(), s.history.end(),
      [](const RunSummary& a, const RunSummary& b) { return a.started_at > b.started_at; });
  return s;
}

std::vector<TargetSnapshot> ResultStore::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TargetSnapshot> out;
  out.reserve(slots_.size());
  for (const auto& [name, slot] : slots_) out.push_back(ToSnapshot(name, slot));
  return out;
}

std::optional<TargetSnapshot> ResultStore::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(name);
  if (it == slots_.end()) return std::nullopt;
  return ToSnapshot(name, it->second);
}

std::size_t ResultStore::SlotBytes() { return sizeof(Slot); }
std::size_t ResultStore::SuccessBytes() { return sizeof(SuccessRun); }

std::size_t ResultStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.size();
}

}  // namespace pushprobe::exporter
