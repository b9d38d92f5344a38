#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "exporters/logger.h"
#include "probe/core/clock.h"
#include "probe/core/expected.h"
#include "probe/core/target_config.h"

namespace pushprobe::exporter {

/// The default --web.listen-address. 9100-9999 is fully taken in Prometheus's
/// default port allocations wiki and allocations continue above 10000, so
/// the exporter stays clear of both and of Linux's ephemeral range
/// (32768-60999): see docs/exporter.md, "Flags".
inline constexpr const char* kDefaultListenAddress = ":19464";

/// \brief The command line, Prometheus style (`--name=value` or `--name value`).
struct ExporterFlags {
  std::string config_file = "pushprobe.yml";
  /// --web.config.file: TLS and basic authentication in exporter-toolkit's
  /// format (WebConfigAccess); "" serves plain HTTP to everyone.
  std::string web_config_file;
  /// --web.listen-address, repeatable; the first given replaces the default.
  std::vector<std::string> listen_addresses = {kDefaultListenAddress};
  std::string telemetry_path = "/metrics";
  /// "" or "/path" (no trailing slash): where every endpoint lives. Defaults
  /// to the path of external_url.
  std::string route_prefix;
  /// The URL the exporter is reached at from outside (behind a reverse
  /// proxy), for the status page's links; "" when not given.
  std::string external_url;
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kLogfmt;
  bool enable_lifecycle = false;  ///< serve POST /-/reload
  std::size_t max_connections = 512;
  Duration read_header_timeout = std::chrono::seconds(5);
  Duration idle_timeout = std::chrono::seconds(60);
  std::size_t max_concurrent_probes = 8;  ///< on-demand runs in flight at once
  Duration probe_min_interval = std::chrono::seconds(5);
  bool config_check = false;  ///< validate the config file and exit
  std::size_t workers = 16;   ///< scheduled runs in flight at once
  /// --scheduler.nice: the threads that run checks sit this many nice levels
  /// below the exporter's others (check_priority.h), so that its web answers
  /// (/metrics) are not starved by its own checks; 0 keeps them level. 19
  /// answers a busy exporter's scrapes sooner but costs its checks
  /// throughput (docs/exporter.md, Priority).
  int check_nice = 5;
  /// --scheduler.scrape-hold: while a /metrics body is written, due runs wait
  /// to start, at most this long (Scheduler::HoldStarts); zero turns it off.
  Duration scrape_hold = std::chrono::milliseconds(100);
  /// --scheduler.shard: wins over the file's `exporter: shard:` when set.
  std::optional<Shard> shard;
  std::size_t history_successes = 5;
  std::size_t history_failures = 20;
  /// --metrics.http-phases: probe_http_duration_seconds on /metrics (20
  /// series per target); /probe and debug output always have them.
  bool metrics_http_phases = false;
  Duration scrape_timeout_offset = std::chrono::milliseconds(500);
  bool help = false;
  bool version = false;

  /// The base of the status page's links: external_url, else route_prefix,
  /// always ending in '/'.
  std::string LinkBase() const;

  /// The /probe lane's threads: one for every run allowed at once plus as
  /// many again for requests waiting on a shared run.
  std::size_t ProbeThreads() const { return 2 * max_concurrent_probes; }
  /// The threads the two run flags start: workers + ProbeThreads().
  std::size_t RunThreads() const { return workers + ProbeThreads(); }
  /// The most RunThreads() Parse accepts. Each such thread runs one check at
  /// a time, holding up to three TLS connections (three descriptors, a few
  /// hundred KB of buffers) and reserving a thread stack (8 MB of address
  /// space at the usual ulimit -s); 1024 threads already mean about 3,000
  /// descriptors, 8 GB reserved and more parallel checks than the token
  /// service and the arenas (2 per core) serve well. Each flag alone allows
  /// 1024, so only their sum is refused, naming both.
  static constexpr std::size_t kMaxRunThreads = 1024;

  /// Parses argv[1..]. Errors name the flag: "unknown flag --foo",
  /// "--web.listen-address needs a value", "invalid --scheduler.workers: x";
  /// run flags past kMaxRunThreads together name both values and the limit.
  static Expected<ExporterFlags> Parse(const std::vector<std::string>& args);
  /// The --help text.
  static std::string Usage();
};

}  // namespace pushprobe::exporter
