#include "exporters/exporter_flags.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <optional>

#include "probe/config/target_values.h"

namespace pushprobe::exporter {

namespace {

std::optional<std::size_t> ParseCount(const std::string& s, std::size_t min, std::size_t max) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) {
    return std::nullopt;
  }
  const std::size_t n = std::stoul(s);
  if (n < min || n > max) return std::nullopt;
  return n;
}

std::optional<Duration> ParseSeconds(const std::string& s, double max_seconds = 60) {
  // Accepts "0.5", "0.5s" and "500ms": the forms Prometheus flags use.
  std::string number = s;
  double scale = 1;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "ms") == 0) {
    number.resize(number.size() - 2);
    scale = 0.001;
  } else if (!number.empty() && number.back() == 's') {
    number.pop_back();
  }
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < 0 ||
      v * scale > max_seconds) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(v * scale));
}

std::optional<bool> ParseBool(const std::string& s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

// "/", "", "/a/", "a" -> "", "", "/a", "/a": the form HttpRouter takes.
std::string NormalizePrefix(std::string p) {
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (!p.empty() && p.front() != '/') p.insert(p.begin(), '/');
  return p;
}

// The path of an absolute http(s) URL, or nullopt when it is not one.
std::optional<std::string> UrlPath(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  const std::string s = url.substr(0, scheme);
  if (s != "http" && s != "https") return std::nullopt;
  const std::size_t host_end = url.find_first_of("/?#", scheme + 3);
  if (host_end == scheme + 3) return std::nullopt;
  if (url.find_first_of(" \t\r\n\"<>") != std::string::npos) return std::nullopt;
  if (host_end == std::string::npos || url[host_end] != '/') return std::string();
  return url.substr(host_end, url.find_first_of("?#", host_end) - host_end);
}

}  // namespace

std::string ExporterFlags::LinkBase() const {
  std::string base = external_url.empty() ? route_prefix : external_url;
  if (base.empty() || base.back() != '/') base += '/';
  return base;
}

Expected<ExporterFlags> ExporterFlags::Parse(const std::vector<std::string>& args) {
  ExporterFlags f;
  bool listen_given = false;
  bool prefix_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "-h") arg = "--help";
    if (arg.rfind("--", 0) != 0)
      return Expected<ExporterFlags>::Error("unexpected argument " + arg);
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const bool boolean = name == "config.check" || name == "help" || name == "version" ||
                         name == "web.enable-lifecycle" || name == "metrics.http-phases";
    if (boolean) {
      bool on = true;
      if (value) {
        auto b = ParseBool(*value);
        if (!b) return Expected<ExporterFlags>::Error("invalid --" + name + ": " + *value);
        on = *b;
      }
      if (name == "config.check") f.config_check = on;
      if (name == "help") f.help = on;
      if (name == "version") f.version = on;
      if (name == "web.enable-lifecycle") f.enable_lifecycle = on;
      if (name == "metrics.http-phases") f.metrics_http_phases = on;
      continue;
    }
    static const char* const kValued[] = {"config.file",
                                          "web.listen-address",
                                          "log.level",
                                          "scheduler.workers",
                                          "scheduler.nice",
                                          "scheduler.scrape-hold",
                                          "scheduler.shard",
                                          "history.successes",
                                          "history.failures",
                                          "web.scrape-timeout-offset",
                                          "web.telemetry-path",
                                          "web.route-prefix",
                                          "web.external-url",
                                          "log.format",
                                          "web.max-connections",
                                          "web.read-header-timeout",
                                          "web.idle-timeout",
                                          "web.max-concurrent-probes",
                                          "web.probe-min-interval",
                                          "web.config.file"};
    if (std::find(std::begin(kValued), std::end(kValued), name) == std::end(kValued)) {
      return Expected<ExporterFlags>::Error("unknown flag --" + name);
    }
    if (!value) {
      if (i + 1 >= args.size())
        return Expected<ExporterFlags>::Error("--" + name + " needs a value");
      value = args[++i];
    }
    auto invalid = [&] {
      return Expected<ExporterFlags>::Error("invalid --" + name + ": " + *value);
    };
    if (name == "config.file") {
      if (value->empty()) return invalid();
      f.config_file = *value;
    } else if (name == "web.config.file") {
      if (value->empty()) return invalid();
      f.web_config_file = *value;
    } else if (name == "web.listen-address") {
      if (value->empty()) return invalid();
      if (!listen_given) f.listen_addresses.clear();
      listen_given = true;
      f.listen_addresses.push_back(*value);
    } else if (name == "web.telemetry-path") {
      if (value->size() < 2 || (*value)[0] != '/' ||
          value->find_first_of("?# ") != std::string::npos)
        return invalid();
      f.telemetry_path = *value;
    } else if (name == "web.route-prefix") {
      if (value->find_first_of("?# ") != std::string::npos) return invalid();
      f.route_prefix = NormalizePrefix(*value);
      prefix_given = true;
    } else if (name == "web.external-url") {
      if (!value->empty() && !UrlPath(*value)) return invalid();
      f.external_url = *value;
    } else if (name == "log.format") {
      Expected<LogFormat> format = ParseLogFormat(*value);
      if (!format) return invalid();
      f.log_format = *format;
    } else if (name == "web.max-connections") {
      auto n = ParseCount(*value, 8, 1000000);
      if (!n) return invalid();
      f.max_connections = *n;
    } else if (name == "web.read-header-timeout" || name == "web.idle-timeout") {
      auto d = ParseSeconds(*value, 3600);
      if (!d || *d <= Duration::zero()) return invalid();
      (name == "web.idle-timeout" ? f.idle_timeout : f.read_header_timeout) = *d;
    } else if (name == "web.max-concurrent-probes") {
      auto n = ParseCount(*value, 1, 1024);
      if (!n) return invalid();
      f.max_concurrent_probes = *n;
    } else if (name == "web.probe-min-interval") {
      auto d = ParseSeconds(*value, 3600);
      if (!d) return invalid();
      f.probe_min_interval = *d;
    } else if (name == "log.level") {
      Expected<LogLevel> level = ParseLogLevel(*value);
      if (!level) return invalid();
      f.log_level = *level;
    } else if (name == "scheduler.workers") {
      auto n = ParseCount(*value, 1, 1024);
      if (!n) return invalid();
      f.workers = *n;
    } else if (name == "scheduler.nice") {
      auto n = ParseCount(*value, 0, 19);
      if (!n) return invalid();
      f.check_nice = static_cast<int>(*n);
    } else if (name == "scheduler.scrape-hold") {
      auto d = ParseSeconds(*value, 10);
      if (!d) return invalid();
      f.scrape_hold = *d;
    } else if (name == "scheduler.shard") {
      Expected<Shard> shard = ParseShard(*value);
      if (!shard)
        return Expected<ExporterFlags>::Error(invalid().error() + " (" + shard.error() + ")");
      f.shard = *shard;
    } else if (name == "history.successes") {
      auto n = ParseCount(*value, 1, 1000);
      if (!n) return invalid();
      f.history_successes = *n;
    } else if (name == "history.failures") {
      auto n = ParseCount(*value, 1, 1000);
      if (!n) return invalid();
      f.history_failures = *n;
    } else if (name == "web.scrape-timeout-offset") {
      auto d = ParseSeconds(*value);
      if (!d) return invalid();
      f.scrape_timeout_offset = *d;
    } else {
      return Expected<ExporterFlags>::Error("unknown flag --" + name);
    }
  }
  // As Prometheus: the route prefix defaults to the external URL's path.
  if (!prefix_given && !f.external_url.empty())
    f.route_prefix = NormalizePrefix(*UrlPath(f.external_url));
  if (f.RunThreads() > kMaxRunThreads) {
    return Expected<ExporterFlags>::Error(
        "--scheduler.workers=" + std::to_string(f.workers) + " and --web.max-concurrent-probes=" +
        std::to_string(f.max_concurrent_probes) + " would start " + std::to_string(f.RunThreads()) +
        " run threads (workers + 2 x max-concurrent-probes), more than the limit of " +
        std::to_string(kMaxRunThreads) +
        " (each holds a check's connections and a stack): lower one of them");
  }
  return f;
}

std::string ExporterFlags::Usage() {
  return std::string(
             "usage: pushprobe-exporter [<flags>]\n"
             "\n"
             "Runs the enterprise push connectivity check of every configured target on a\n"
             "schedule and serves the results to Prometheus.\n"
             "\n"
             "Flags:\n"
             "  --config.file=pushprobe.yml     configuration file\n"
             "  --web.listen-address=") +
         kDefaultListenAddress +
         "\n"
         "                                  address to listen on (host:port, [ipv6]:port, :port\n"
         "                                  for IPv6 and IPv4); repeatable\n"
         "  --web.telemetry-path=/metrics   path of the exporter's metrics\n"
         "  --web.route-prefix=PATH         prefix of every endpoint (default: the path of\n"
         "                                  --web.external-url)\n"
         "  --web.external-url=URL          URL the exporter is reached at (status page links)\n"
         "  --web.config.file=FILE          TLS and basic authentication (exporter-toolkit's\n"
         "                                  web config format)\n"
         "  --web.enable-lifecycle          serve POST /-/reload\n"
         "  --web.max-connections=512       open connections; the quietest closes first\n"
         "  --web.read-header-timeout=5s    time for a request's headers to arrive\n"
         "  --web.idle-timeout=60s          time a kept-alive connection may wait\n"
         "  --web.max-concurrent-probes=8   on-demand /probe runs at once (429 past it)\n"
         "  --web.probe-min-interval=5s     a target's /probe within this of its last\n"
         "                                  on-demand run gets that run's result\n"
         "  --log.level=info                debug, info, warn or error\n"
         "  --log.format=logfmt             logfmt or json\n"
         "  --config.check                  validate the configuration (and web config) file\n"
         "                                  and exit\n"
         "  --scheduler.workers=16          scheduled runs in flight at once\n"
         "  --scheduler.nice=5              nice levels (0-19) by which the threads that run\n"
         "                                  checks sit below those answering /metrics\n"
         "  --scheduler.scrape-hold=100ms   while a /metrics body is written, due runs wait\n"
         "                                  to start, at most this long (0: off)\n"
         "  --scheduler.shard=I/N           schedule only the targets of shard I of N\n"
         "                                  (Prometheus hashmod of the name; see docs/scale.md)\n"
         "  --history.successes=5           successful runs kept per target\n"
         "  --history.failures=20           failed runs kept per target\n"
         "  --metrics.http-phases           per-phase HTTP timings on /metrics too (20 more\n"
         "                                  series per target; /probe always has them)\n"
         "  --web.scrape-timeout-offset=0.5s\n"
         "                                  subtracted from X-Prometheus-Scrape-Timeout-Seconds\n"
         "  --version                       print the version and exit\n"
         "  -h, --help                      this text\n"
         "\n"
         "Endpoints: /metrics, /probe?target=NAME[&debug=true], /, /config, /-/healthy,\n"
         "/-/ready, /-/reload (POST, with --web.enable-lifecycle). SIGHUP reloads the\n"
         "configuration, SIGTERM stops.\n";
}

}  // namespace pushprobe::exporter
