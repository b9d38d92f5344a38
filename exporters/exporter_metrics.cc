#include "exporters/exporter_metrics.h"

#include <algorithm>
#include <chrono>

#include "exporters/process_metrics.h"

namespace pushprobe::exporter {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Scalar(const char* name, MetricType type, const char* help, double value) {
  MetricFamily f;
  f.name = name;
  f.type = type;
  f.help = help;
  ClientMetric m;
  m.gauge.value = value;
  m.counter.value = value;
  f.metric.push_back(m);
  return f;
}

std::string Compiler() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

ExporterMetrics::ExporterMetrics(const std::string& version)
    : registry_(std::make_shared<prometheus::Registry>()),
      build_info_(BuildGauge()
                      .Name("pushprobe_exporter_build_info")
                      .Help("A metric with a constant '1' value labeled by version and compiler "
                            "from which pushprobe-exporter was built.")
                      .Register(*registry_)),
      reload_successful_(BuildGauge()
                             .Name("pushprobe_exporter_config_last_reload_successful")
                             .Help("Whether the last configuration load was successful (1) or "
                                   "kept the running configuration (0).")
                             .Register(*registry_)
                             .Add({})),
      reload_success_timestamp_(
          BuildGauge()
              .Name("pushprobe_exporter_config_last_reload_success_timestamp_seconds")
              .Help("Unix time of the last successful configuration load.")
              .Register(*registry_)
              .Add({})),
      reloads_(BuildCounter()
                   .Name("pushprobe_exporter_config_reloads_total")
                   .Help("Configuration loads (start and reloads) by result.")
                   .Register(*registry_)),
      targets_(BuildGauge()
                   .Name("pushprobe_exporter_targets")
                   .Help("Targets in the running configuration.")
                   .Register(*registry_)
                   .Add({})),
      start_delay_(
          BuildHistogram()
              .Name("pushprobe_exporter_run_start_delay_seconds")
              .Help("How late scheduled runs started after their slot, in seconds.")
              .Register(*registry_)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                               0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      runs_(BuildCounter()
                .Name("pushprobe_exporter_runs_total")
                .Help("Scheduled runs finished, by result (success or failure).")
                .Register(*registry_)),
      http_requests_(BuildCounter()
                         .Name("pushprobe_exporter_http_requests_total")
                         .Help("HTTP requests served, by handler.")
                         .Register(*registry_)) {
  build_info_.Add({{"version", version}, {"compiler", Compiler()}}).Set(1);
  // Created up front so both results show from the first scrape.
  reloads_.Add({{"result", "success"}});
  reloads_.Add({{"result", "failure"}});
  runs_.Add({{"result", "success"}});
  runs_.Add({{"result", "failure"}});
  for (const char* h : {"metrics", "probe", "status", "config", "reload", "health", "other"}) {
    http_requests_.Add({{"handler", h}});
  }
}

void ExporterMetrics::ConfigLoaded(bool success, WallTime now) {
  reload_successful_.Set(success ? 1 : 0);
  if (success) reload_success_timestamp_.Set(ToUnixSeconds(now));
  reloads_.Add({{"result", success ? "success" : "failure"}}).Increment();
}

void ExporterMetrics::SetTargets(std::size_t targets) {
  targets_.Set(static_cast<double>(targets));
}

void ExporterMetrics::SetShard(const Shard& shard) {
  std::lock_guard<std::mutex> lock(shard_mu_);
  shard_ = shard;
}

void ExporterMetrics::RunStarted(Duration start_delay) {
  start_delay_.Observe(std::max(0.0, ToSeconds(start_delay)));
}

void ExporterMetrics::RunFinished(bool success) {
  runs_.Add({{"result", success ? "success" : "failure"}}).Increment();
}

void ExporterMetrics::HttpRequest(const std::string& handler) {
  http_requests_.Add({{"handler", handler}}).Increment();
}

std::vector<MetricFamily> ExporterMetrics::Collect(const SchedulerStats& stats, const WebStats& web,
                                                   const net_internal::ResolverStats& dns) const {
  std::vector<MetricFamily> families = registry_->Collect();
  families.push_back(Scalar("pushprobe_exporter_targets_scheduled", MetricType::Gauge,
                            "Targets this replica schedules: those of its shard.",
                            static_cast<double>(stats.targets)));
  {
    MetricFamily info = Scalar("pushprobe_exporter_shard_info", MetricType::Gauge,
                               "A metric with a constant '1' value labeled by this replica's "
                               "shard and the number of shards (--scheduler.shard=shard/shards).",
                               1);
    std::lock_guard<std::mutex> lock(shard_mu_);
    info.metric.front().label = {{"shard", std::to_string(shard_.index)},
                                 {"shards", std::to_string(shard_.count)}};
    families.push_back(std::move(info));
  }
  families.push_back(Scalar("pushprobe_exporter_workers", MetricType::Gauge,
                            "Scheduled runs that may be in flight at once.",
                            static_cast<double>(stats.workers)));
  families.push_back(Scalar("pushprobe_exporter_runs_in_flight", MetricType::Gauge,
                            "Scheduled runs currently running.",
                            static_cast<double>(stats.in_flight)));
  families.push_back(Scalar("pushprobe_exporter_runs_queued", MetricType::Gauge,
                            "Scheduled runs that are due and wait for a free worker.",
                            static_cast<double>(stats.queued)));
  families.push_back(Scalar("pushprobe_exporter_runs_skipped_total", MetricType::Counter,
                            "Scheduled slots skipped because the target's previous run had not "
                            "finished.",
                            static_cast<double>(stats.runs_skipped)));

  families.push_back(Scalar("pushprobe_exporter_dns_lookups_in_flight", MetricType::Gauge,
                            "DNS lookups running now, including those whose run stopped waiting "
                            "(a resolver that does not answer keeps this at its maximum).",
                            static_cast<double>(dns.in_flight)));
  families.push_back(Scalar("pushprobe_exporter_dns_lookups_max_in_flight", MetricType::Gauge,
                            "DNS lookups that may run at once; more wait for a free slot until "
                            "their run's deadline.",
                            static_cast<double>(dns.limit)));
  families.push_back(Scalar("pushprobe_exporter_dns_lookups_waiting", MetricType::Gauge,
                            "DNS lookups waiting for a free slot.",
                            static_cast<double>(dns.waiting)));

  MetricFamily probes;
  probes.name = "pushprobe_exporter_probe_requests_total";
  probes.type = MetricType::Counter;
  probes.help =
      "On-demand /probe requests by how they were answered: run (started a run), shared (waited "
      "for a run in flight), recent (the last run's result, within --web.probe-min-interval), "
      "rejected (429: --web.max-concurrent-probes runs in flight, or too many waiting).";
  for (const auto& [result, value] :
       {std::pair<const char*, std::uint64_t>{"run", web.probes.ran},
        {"shared", web.probes.shared},
        {"recent", web.probes.recent},
        {"rejected", web.probes.rejected + web.server.probe_queue_full}}) {
    ClientMetric m;
    m.label.push_back({"result", result});
    m.counter.value = static_cast<double>(value);
    probes.metric.push_back(m);
  }
  families.push_back(probes);
  families.push_back(Scalar("pushprobe_exporter_probes_in_flight", MetricType::Gauge,
                            "On-demand runs running now.",
                            static_cast<double>(web.probes.in_flight)));
  families.push_back(Scalar("pushprobe_exporter_probe_requests_in_flight", MetricType::Gauge,
                            "On-demand /probe requests being answered or waiting for a /probe "
                            "worker now; one past the workers and their queue gets a 429.",
                            static_cast<double>(web.server.probe_outstanding)));
  families.push_back(Scalar("pushprobe_exporter_probes_max_concurrent", MetricType::Gauge,
                            "On-demand runs allowed at once (--web.max-concurrent-probes).",
                            static_cast<double>(web.max_concurrent_probes)));
  families.push_back(Scalar("pushprobe_exporter_http_connections", MetricType::Gauge,
                            "HTTP connections open now.", static_cast<double>(web.server.open)));
  families.push_back(Scalar("pushprobe_exporter_http_connections_accepted_total",
                            MetricType::Counter, "HTTP connections accepted.",
                            static_cast<double>(web.server.accepted)));
  MetricFamily closed;
  closed.name = "pushprobe_exporter_http_connections_closed_total";
  closed.type = MetricType::Counter;
  closed.help =
      "HTTP connections the exporter closed on its own, by reason: header_timeout (no complete "
      "request head within --web.read-header-timeout), idle_timeout, evicted (the quietest, to "
      "stay within --web.max-connections), refused (at once: every connection busy, or the web "
      "configuration refused it), tls_handshake (the TLS handshake failed).";
  for (const auto& [reason, value] :
       {std::pair<const char*, std::uint64_t>{"header_timeout", web.server.header_timeouts},
        {"idle_timeout", web.server.idle_timeouts},
        {"evicted", web.server.evicted},
        {"refused", web.server.refused},
        {"tls_handshake", web.server.tls_failures}}) {
    ClientMetric m;
    m.label.push_back({"reason", reason});
    m.counter.value = static_cast<double>(value);
    closed.metric.push_back(m);
  }
  families.push_back(closed);
  for (MetricFamily& f : ProcessMetrics::Read().Families()) families.push_back(std::move(f));
  return families;
}

}  // namespace pushprobe::exporter
