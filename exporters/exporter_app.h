#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "exporters/executor.h"
#include "exporters/exporter_backend.h"
#include "exporters/exporter_flags.h"
#include "exporters/exporter_metrics.h"
#include "exporters/http_router.h"
#include "exporters/http_server.h"
#include "exporters/logger.h"
#include "exporters/probe_factory.h"
#include "exporters/probe_limiter.h"
#include "exporters/result_store.h"
#include "exporters/scheduler.h"
#include "exporters/status_page.h"
#include "exporters/timer_queue.h"
#include "exporters/web_access.h"
#include "probe/core/target_config.h"
#include "probe/engine/guid_source.h"
#include "probe/net/http_client_pool.h"

namespace pushprobe::exporter {

/// \brief The running exporter: configuration, scheduler, result store,
/// metrics and HTTP server wired together. main() only parses flags and
/// waits for signals; everything else is here, where tests reach it.
class ExporterApp final : public ExporterBackend {
 public:
  /// \brief What tests replace. Null members get the production part.
  struct Dependencies {
    const Clock* clock = nullptr;  ///< default SystemClock
    TimerQueue* timers = nullptr;  ///< default a ThreadTimerQueue
    Executor* executor = nullptr;  ///< default a ThreadPool of flags.workers
    ProbeFactory probe_factory;    ///< default EngineProbeFactory
    std::ostream* log = nullptr;   ///< default std::cerr
    /// TLS and authentication of the web listener; default AllowAllWebAccess
    /// (plain HTTP, no authentication). Must outlive the app.
    WebAccess* web_access = nullptr;
    HttpServer::Options server;  ///< listener limits; flags override theirs
  };

  ExporterApp(ExporterFlags flags, Dependencies deps);
  /// Stop(0).
  ~ExporterApp() override;
  ExporterApp(const ExporterApp&) = delete;
  ExporterApp& operator=(const ExporterApp&) = delete;

  /// Loads the configuration, starts the scheduler and the HTTP server.
  /// Returns an error text (and starts nothing) when the configuration does
  /// not load or the address cannot be bound.
  Expected<void> Start();

  /// Stops scheduling, waits up to \p grace for runs in flight (they end by
  /// their own deadlines), then stops the HTTP server and the workers.
  /// Idempotent.
  void Stop(Duration grace);

  /// The longest timeout of the configured targets: how long a clean stop
  /// may wait for runs in flight.
  Duration LongestTimeout() const;

  /// The runs in flight now, for a stop that abandons them: "fabrikam
  /// (scheduled), contoso (/probe)"; empty when there are none.
  std::string RunsInFlight() const;

  /// The first bound port (after Start).
  std::uint16_t port() const { return server_ ? server_->port() : 0; }
  /// Every bound port, in --web.listen-address order.
  std::vector<std::uint16_t> ports() const {
    return server_ ? server_->ports() : std::vector<std::uint16_t>{};
  }
  Logger& logger() { return logger_; }
  const Scheduler& scheduler() const { return *scheduler_; }
  const ResultStore& store() const { return store_; }

  // ExporterBackend
  MetricsBody Metrics() override;
  std::optional<ProbeResult> RunProbe(const std::string& name,
                                      std::optional<Duration> budget) override;
  std::string Transcript(const ProbeResult& result) override;
  std::string StatusPageHtml(bool auto_refresh) override;
  std::optional<std::string> TargetPageHtml(const std::string& name, bool auto_refresh) override;
  std::string ConfigYaml() override;
  Expected<void> Reload() override;
  bool Ready() override;
  void CountRequest(const std::string& handler) override;

 private:
  StatusPageInfo PageInfo(bool auto_refresh);
  /// Every target by name: the configuration the runner, the scheduler and
  /// /config share, and its probe function, held once with the scheduler.
  /// A sorted vector: a pointer per target, where a map cost an 80-byte node.
  using TargetList = std::vector<ScheduledTargetPtr>;
  using ConfigList = std::vector<std::shared_ptr<const TargetConfig>>;
  /// The target of \p targets named \p name, or null.
  static ScheduledTargetPtr FindTarget(const TargetList& targets, const std::string& name);

  void OnRunFinished(const TargetConfig& target, const ProbeResult& result,
                     const RunTiming& timing);

  const ExporterFlags flags_;
  const Clock& clock_;
  Logger logger_;
  ExporterMetrics metrics_;
  ResultStore store_;
  RandomGuidSource guids_;
  HttpClientPool http_clients_;  ///< one TLS context per distinct CA/route/proxy
  ProbeFactory probe_factory_;
  std::unique_ptr<TimerQueue> own_timers_;
  std::unique_ptr<Executor> own_executor_;
  TimerQueue* timers_;
  Executor* executor_;
  std::unique_ptr<Scheduler> scheduler_;
  AllowAllWebAccess allow_all_;
  WebAccess& web_access_;
  HttpServer::Options server_options_;
  ProbeLimiter limiter_;
  HttpRouter router_;
  std::unique_ptr<HttpServer> server_;

  std::mutex reload_mu_;  ///< serializes reloads (SIGHUP and /-/reload)
  mutable std::mutex mu_;
  /// The running targets' configurations in file order, for /config. The
  /// loaded Config itself is not kept: it would be a second copy of each.
  std::shared_ptr<const ConfigList> configs_;
  std::shared_ptr<const TargetList> targets_;  ///< every target: /probe runs any of them
  Shard shard_;                                ///< the one the scheduler and the store hold
  bool last_reload_ok_ = true;
  std::string last_reload_error_;
  bool stopped_ = false;
  std::multiset<std::string> probes_in_flight_;    ///< targets of /probe runs in flight
  std::vector<std::string> secret_file_warnings_;  ///< of the running configuration
};

}  // namespace pushprobe::exporter
