#include "exporters/exporter_app.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <utility>
#include <vector>

#include "exporters/malloc_tuning.h"
#include "exporters/open_file_limit.h"
#include "exporters/shard.h"
#include "exporters/status_page.h"
#include "exporters/thread_pool.h"
#include "exporters/thread_timer_queue.h"
#include "probe/config/config_loader.h"
#include "probe/config/secret_files.h"
#include "probe/core/first_line.h"
#include "probe/engine/check_priority.h"
#include "probe/render/format.h"
#include "probe/render/text_renderer.h"
#include "probe/version.h"

namespace pushprobe::exporter {

ExporterApp::ExporterApp(ExporterFlags flags, Dependencies deps)
    : flags_(std::move(flags)),
      clock_(deps.clock ? *deps.clock : SystemClock::Instance()),
      logger_(deps.log ? *deps.log : std::cerr, clock_, flags_.log_level, flags_.log_format),
      metrics_(kVersion),
      store_(ResultStore::Options{flags_.history_successes, flags_.history_failures,
                                  flags_.metrics_http_phases}),
      http_clients_(clock_),
      probe_factory_(deps.probe_factory ? std::move(deps.probe_factory)
                                        : EngineProbeFactory(http_clients_, clock_, guids_)),
      web_access_(deps.web_access ? *deps.web_access : allow_all_),
      server_options_(deps.server),
      limiter_(ProbeLimiter::Options{flags_.max_concurrent_probes, flags_.probe_min_interval},
               clock_),
      router_(*this, HttpRouter::Options{flags_.scrape_timeout_offset, flags_.route_prefix,
                                         flags_.telemetry_path, flags_.enable_lifecycle, &limiter_,
                                         &web_access_, &logger_}) {
  server_options_.max_connections = flags_.max_connections;
  server_options_.read_header_timeout = flags_.read_header_timeout;
  server_options_.idle_timeout = flags_.idle_timeout;
  server_options_.probe_threads = flags_.ProbeThreads();
  if (!deps.timers) own_timers_ = std::make_unique<ThreadTimerQueue>(clock_);
  // The scheduler's workers and the engine's helper threads run checks and
  // nothing else; the web answers keep the process's priority
  // (--scheduler.nice, check_priority.h). Set before any check runs.
  // A refusal (seccomp, a container) is logged once; the checks run on.
  OnCheckNiceRefused([this](const std::string& message) {
    logger_.Log(LogLevel::kWarn, "check thread priority refused", {{"error", message}});
  });
  SetCheckNice(flags_.check_nice);
  if (!deps.executor) {
    own_executor_ = std::make_unique<ThreadPool>(
        flags_.workers, [] { EnterCheckNice(); }, "pp-check");
  }
  timers_ = deps.timers ? deps.timers : own_timers_.get();
  executor_ = deps.executor ? deps.executor : own_executor_.get();
  scheduler_ =
      std::make_unique<Scheduler>(Scheduler::Options{flags_.workers}, clock_, *timers_, *executor_,
                                  [this](const TargetConfig& t, const ProbeResult& r,
                                         const RunTiming& timing) { OnRunFinished(t, r, timing); });
}

ExporterApp::~ExporterApp() {
  Stop(Duration::zero());
  OnCheckNiceRefused({});  // the engine's helper threads outlive the logger
}

Expected<void> ExporterApp::Start() {
  using Result = Expected<void>;
  // Before any socket: the limit every later connection counts against.
  RaiseOpenFileLimit(flags_, logger_);
  Expected<void> loaded = Reload();
  if (!loaded.ok()) {
    return Result::Error("cannot load " + flags_.config_file + ":\n" + loaded.error());
  }
  server_ = std::make_unique<HttpServer>(router_, web_access_, server_options_);
  try {
    server_->Start(flags_.listen_addresses);
  } catch (const std::exception& e) {
    server_.reset();
    return Result::Error(e.what());
  }
  for (std::size_t i = 0; i < flags_.listen_addresses.size(); ++i) {
    logger_.Log(LogLevel::kInfo, "listening",
                {{"address", flags_.listen_addresses[i]},
                 {"port", std::to_string(server_->ports()[i])},
                 {"version", kVersion}});
  }
  return {};
}

void ExporterApp::Stop(Duration grace) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  scheduler_->Stop();
  if (grace > Duration::zero() && !scheduler_->WaitIdle(grace)) {
    logger_.Log(LogLevel::kWarn, "runs still in flight at shutdown",
                {{"in_flight", std::to_string(scheduler_->Stats().in_flight)}});
  }
  if (server_) server_->Stop();
  if (auto* pool = dynamic_cast<ThreadPool*>(own_executor_.get())) pool->Shutdown();
}

Duration ExporterApp::LongestTimeout() const {
  std::lock_guard<std::mutex> lock(mu_);
  Duration longest{};
  if (targets_) {
    for (const ScheduledTargetPtr& t : *targets_) longest = std::max(longest, t->config->timeout);
  }
  return longest;
}

std::string ExporterApp::RunsInFlight() const {
  std::string text;
  auto add = [&text](const std::string& name, const char* kind) {
    text += (text.empty() ? "" : ", ") + name + " (" + kind + ")";
  };
  for (const std::string& name : scheduler_->RunningTargets()) add(name, "scheduled");
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& name : probes_in_flight_) add(name, "/probe");
  return text;
}

Expected<void> ExporterApp::Reload() {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  // The web configuration reloads on its own terms: a bad one is logged and
  // the running one kept, whatever becomes of the targets' configuration.
  web_access_.Reload();
  ConfigLoadResult loaded = LoadConfigFile(flags_.config_file);
  if (!loaded.ok()) {
    auto out = Expected<void>::Error(loaded.ErrorText());
    metrics_.ConfigLoaded(false, clock_.Now());
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_reload_ok_ = false;
      last_reload_error_ = loaded.errors.empty() ? "" : loaded.errors.front().ToString();
    }
    logger_.Log(LogLevel::kError, "error loading config, keeping the running configuration",
                {{"file", flags_.config_file},
                 {"errors", std::to_string(loaded.errors.size())},
                 {"err", last_reload_error_}});
    ReleaseFreeMemory();  // what the parser left, as after a successful load
    return out;
  }
  std::shared_ptr<const TargetList> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = targets_;
  }
  // The flag wins: a systemd template instance names its shard, and an
  // edited file must not quietly move that replica.
  const Shard shard = flags_.shard.value_or(loaded.config->exporter.shard.value_or(Shard{}));
  auto configs = std::make_shared<ConfigList>();
  // Every target gets a runner, so /probe answers for the ones of other
  // shards too; the store and the scheduler get the shard's own.
  ConfigList held;
  TargetList scheduled;  // in file order; the scheduler shares each target
  configs->reserve(loaded.config->targets.size());
  scheduled.reserve(loaded.config->targets.size());
  for (TargetConfig& t : loaded.config->targets) {
    ScheduledTargetPtr target = old ? FindTarget(*old, t.name) : nullptr;
    // A target whose settings changed gets a fresh runner (and loses its
    // TLS session cache); an unchanged one keeps its runner and history.
    if (target && *target->config != t) target.reset();
    if (!target) {
      auto shared = std::make_shared<const TargetConfig>(std::move(t));
      target =
          std::make_shared<const ScheduledTarget>(ScheduledTarget{shared, probe_factory_(shared)});
    }
    configs->push_back(target->config);
    if (ShardHolds(shard, target->config->name)) held.push_back(target->config);
    scheduled.push_back(std::move(target));
  }
  auto next = std::make_shared<TargetList>(scheduled);
  // By name; of two with one name (the loader refuses them) the first wins.
  std::stable_sort(next->begin(), next->end(),
                   [](const ScheduledTargetPtr& a, const ScheduledTargetPtr& b) {
                     return a->config->name < b->config->name;
                   });
  next->erase(std::unique(next->begin(), next->end(),
                          [](const ScheduledTargetPtr& a, const ScheduledTargetPtr& b) {
                            return a->config->name == b->config->name;
                          }),
              next->end());
  // What is left of the file's copies (moved from, or equal to a kept one).
  loaded.config.reset();
  // The store learns the new set first, so a run of a new target that
  // finishes right away is recorded, and a removed target's late run is not.
  store_.SetTargets(held);
  scheduler_->SetTargets(scheduled, shard);
  {
    std::lock_guard<std::mutex> lock(mu_);
    configs_ = configs;
    targets_ = next;
    shard_ = shard;
    last_reload_ok_ = true;
    last_reload_error_.clear();
  }
  // Checked at each load: a key others can read is worth a line in the log
  // and on the status page, not a refusal (the run still works).
  std::vector<const TargetConfig*> all;
  all.reserve(configs->size());
  for (const auto& config : *configs) all.push_back(config.get());
  std::vector<std::string> secret_warnings =
      SecretFileWarnings(all, SecretFileGroups::OfThisProcess());
  for (const std::string& warning : secret_warnings) {
    logger_.Log(LogLevel::kWarn, "secret file readable beyond the service", {{"file", warning}});
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    secret_file_warnings_ = std::move(secret_warnings);
  }
  metrics_.ConfigLoaded(true, clock_.Now());
  metrics_.SetTargets(configs->size());
  metrics_.SetShard(shard);
  logger_.Log(LogLevel::kInfo, "loaded config",
              {{"file", flags_.config_file},
               {"targets", std::to_string(configs->size())},
               {"shard", ShardName(shard)},
               {"scheduled", std::to_string(held.size())}});
  // Parsing the file and replacing the targets left free memory throughout
  // the heap (about 6 MB for 10,000 targets) that nothing else would return.
  old.reset();
  ReleaseFreeMemory();
  return {};
}

ScheduledTargetPtr ExporterApp::FindTarget(const TargetList& targets, const std::string& name) {
  auto it = std::lower_bound(
      targets.begin(), targets.end(), name,
      [](const ScheduledTargetPtr& t, const std::string& n) { return t->config->name < n; });
  return it != targets.end() && (*it)->config->name == name ? *it : nullptr;
}

void ExporterApp::OnRunFinished(const TargetConfig& target, const ProbeResult& result,
                                const RunTiming& timing) {
  store_.Record(result);
  metrics_.RunStarted(timing.StartDelay());
  metrics_.RunFinished(result.succeeded());
  if (result.succeeded()) {
    if (logger_.Enabled(LogLevel::kDebug)) {
      logger_.Log(
          LogLevel::kDebug, "run succeeded",
          {{"target", target.name}, {"duration_seconds", render::FormatSeconds(result.duration)}});
    }
    return;
  }
  // One line per failed run. Only the result's own classification and its
  // Error text go out; the engine never puts tokens, assertions or keys in
  // those, and the text is cut to its first line.
  const std::string stage = result.failed_stage ? std::string(StageName(*result.failed_stage)) : "";
  logger_.Log(LogLevel::kWarn, "run failed",
              {{"target", target.name},
               {"organization", target.organization},
               {"result", std::string(ResultTypeName(result.result_type))},
               {"stage", stage},
               {"reason", std::string(ReasonName(result.reason))},
               {"category", std::string(ExchangeCategoryName(result.category))},
               {"duration_seconds", render::FormatSeconds(result.duration)},
               {"err", FirstLineCapped(result.error.empty() && result.FailedStage()
                                           ? result.FailedStage()->message
                                           : result.error,
                                       300)}});
}

MetricsBody ExporterApp::Metrics() {
  MetricsBody body;
  // Taken first: the checks' runs wait while the body is built and written.
  body.hold = scheduler_->HoldStarts(flags_.scrape_hold);
  body.targets = store_.Rendered();
  std::ostringstream own;
  WebStats web;
  web.probes = limiter_.stats();
  web.max_concurrent_probes = limiter_.options().max_concurrent;
  if (server_) web.server = server_->stats();
  prometheus::TextSerializer().Serialize(
      own,
      metrics_.Collect(scheduler_->Stats(), web, net_internal::ResolverPool::Shared().Stats()));
  body.own = own.str();
  return body;
}

std::optional<ProbeResult> ExporterApp::RunProbe(const std::string& name,
                                                 std::optional<Duration> budget) {
  ScheduledTargetPtr target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (targets_) target = FindTarget(*targets_, name);
  }
  if (!target) return std::nullopt;
  // Counted for RunsInFlight, so a stop that abandons this run can say so.
  std::multiset<std::string>::iterator in_flight;
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_flight = probes_in_flight_.insert(name);
  }
  struct Done {
    ExporterApp& app;
    std::multiset<std::string>::iterator it;
    ~Done() {
      std::lock_guard<std::mutex> lock(app.mu_);
      app.probes_in_flight_.erase(it);
    }
  } done{*this, in_flight};
  ProbeResult result = target->probe(budget);
  if (!result.succeeded()) {
    logger_.Log(LogLevel::kInfo, "on-demand run failed",
                {{"target", name},
                 {"stage", result.failed_stage ? std::string(StageName(*result.failed_stage)) : ""},
                 {"reason", std::string(ReasonName(result.reason))}});
  }
  return result;
}

std::string ExporterApp::Transcript(const ProbeResult& result) {
  render::TextOptions options;
  options.verbosity = 1;
  return render::RenderText(result, options);
}

StatusPageInfo ExporterApp::PageInfo(bool auto_refresh) {
  StatusPageInfo info;
  info.version = kVersion;
  info.config_file = flags_.config_file;
  info.now = clock_.Now();
  info.auto_refresh = auto_refresh;
  info.link_base =
      flags_.external_url.empty() && flags_.route_prefix.empty() ? "" : flags_.LinkBase();
  info.telemetry_path = flags_.telemetry_path;
  std::lock_guard<std::mutex> lock(mu_);
  info.last_reload_successful = last_reload_ok_;
  info.last_reload_error = last_reload_error_;
  info.secret_file_warnings = secret_file_warnings_;
  if (shard_.count > 1) info.shard = ShardName(shard_);
  return info;
}

std::string ExporterApp::StatusPageHtml(bool auto_refresh) {
  return StatusPage::Render(store_.Snapshot(), PageInfo(auto_refresh));
}

std::optional<std::string> ExporterApp::TargetPageHtml(const std::string& name, bool auto_refresh) {
  std::optional<TargetSnapshot> target = store_.Find(name);
  if (!target) return std::nullopt;
  return StatusPage::RenderTarget(*target, PageInfo(auto_refresh));
}

std::string ExporterApp::ConfigYaml() {
  std::shared_ptr<const ConfigList> configs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    configs = configs_;
  }
  if (!configs) return std::string();
  // A copy for the length of one request: /config is rare, and keeping a
  // Config for it would double every target's configuration all the time.
  Config config;
  config.path = flags_.config_file;
  config.targets.reserve(configs->size());
  for (const auto& t : *configs) config.targets.push_back(*t);
  return RedactedYaml(config);
}

bool ExporterApp::Ready() {
  std::lock_guard<std::mutex> lock(mu_);
  return targets_ != nullptr && !stopped_;
}

void ExporterApp::CountRequest(const std::string& handler) { metrics_.HttpRequest(handler); }

}  // namespace pushprobe::exporter
