#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "exporters/http_server.h"
#include "exporters/probe_limiter.h"
#include "exporters/scheduler.h"
#include "probe/core/clock.h"
#include "probe/core/target_config.h"
#include "probe/net/resolver.h"

namespace pushprobe::exporter {

/// \brief The web listener's and /probe's counts, read at scrape time.
struct WebStats {
  HttpServer::Stats server;
  ProbeLimiter::Stats probes;
  std::size_t max_concurrent_probes = 0;
};

/// \brief The exporter's own series, under `pushprobe_exporter_`.
///
/// Event counts (reloads, HTTP requests, start delays) are recorded as they
/// happen in a prometheus::Registry; the scheduler's state is read at scrape
/// time from SchedulerStats. Thread-safe.
class ExporterMetrics {
 public:
  /// \p version goes into pushprobe_exporter_build_info.
  explicit ExporterMetrics(const std::string& version);

  /// Records the outcome of loading the configuration (at start and on reload).
  void ConfigLoaded(bool success, WallTime now);
  void SetTargets(std::size_t targets);
  /// The shard the running configuration schedules, for
  /// pushprobe_exporter_shard_info (0/1 until set).
  void SetShard(const Shard& shard);
  /// Records how late a scheduled run started after its slot.
  void RunStarted(Duration start_delay);
  /// Counts one finished run by outcome: "success" or "failure".
  void RunFinished(bool success);
  /// Counts one HTTP request by handler ("metrics", "probe", "status", ...).
  void HttpRequest(const std::string& handler);

  /// Every family, HELP and TYPE included, ready for TextSerializer.
  /// The process_* families (from /proc) come last. \p dns is the process's
  /// resolver pool (net_internal::ResolverPool::Shared()).
  std::vector<prometheus::MetricFamily> Collect(const SchedulerStats& stats,
                                                const WebStats& web = {},
                                                const net_internal::ResolverStats& dns = {}) const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& build_info_;
  prometheus::Gauge& reload_successful_;
  prometheus::Gauge& reload_success_timestamp_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Gauge& targets_;
  prometheus::Histogram& start_delay_;
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Family<prometheus::Counter>& http_requests_;
  // Rendered at Collect rather than kept in the registry, where a change
  // would be a Remove and an Add that a scrape could see half done.
  mutable std::mutex shard_mu_;
  Shard shard_;
};

}  // namespace pushprobe::exporter
