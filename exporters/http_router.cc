#include "exporters/http_router.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "exporters/logger.h"
#include "exporters/web_access.h"
#include "probe/core/quote_text.h"
#include "probe/core/redact.h"

namespace pushprobe::exporter {

namespace {

constexpr std::string_view kTargetPrefix = "/target/";

// "?refresh=off" (or 0, false) turns the status pages' own reload off.
bool AutoRefresh(const std::string& query) {
  try {
    for (const auto& [name, value] : Poco::URI("/?" + query).getQueryParameters()) {
      if (name == "refresh" && (value == "off" || value == "0" || value == "false")) return false;
    }
  } catch (const Poco::Exception&) {
    // A query that does not parse only loses the option.
  }
  return true;
}

// A client's header value as a message shows it: quoted and escaped (one
// line, safe in a response header), and bounded, since a client may send a
// header of any length.
std::string EchoHeaderValue(std::string_view value) { return QuoteExcerpt(value, 32); }

HttpRouterResponse Text(int status, std::string body) {
  HttpRouterResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

HttpRouter::HttpRouter(ExporterBackend& backend, Options options)
    : backend_(backend), options_(std::move(options)), client_log_(options_.logger) {}

HttpRouterResponse HttpRouter::Refuse(const HttpRouterRequest& request, HttpRouterResponse answer,
                                      LogLevel level, std::string_view reason,
                                      std::optional<std::string_view> target) {
  std::vector<std::pair<std::string_view, std::string>> fields = {
      {"status", std::to_string(answer.status)},
      {"reason", std::string(reason)},
      {"method", ClientLog::ClientText(request.method)},
      {"uri", ClientLog::ClientText(request.uri)},
      {"remote", request.remote_address},
  };
  if (target) fields.emplace_back("target", ClientLog::ClientText(*target));
  client_log_.Log(level, "request refused", std::move(fields));
  return answer;
}

Expected<std::optional<Duration>> HttpRouter::BudgetFromHeader(const std::string& header,
                                                               Duration offset) {
  using Result = Expected<std::optional<Duration>>;
  const char* begin = header.c_str();
  char* end = nullptr;
  errno = 0;
  double seconds = std::strtod(begin, &end);
  // strtod's ERANGE on a huge value is clamped below like any long timeout;
  // an underflow (1e-400) is a zero.
  if (header.empty() || end == begin || *end != '\0' || std::isnan(seconds) || seconds < 0) {
    return Result::Error("X-Prometheus-Scrape-Timeout-Seconds " + EchoHeaderValue(header) +
                         " is not a non-negative number of seconds such as 10 or 9.5");
  }
  // Clamped before the conversion: 1e300 seconds (or inf) do not fit in a
  // Duration, and no target runs longer than its own timeout anyway.
  seconds = std::min(seconds, kMaxScrapeTimeoutSeconds);
  // Like blackbox_exporter: leave Prometheus `offset` to receive the answer;
  // when that leaves nothing, fall back to the target's own timeout.
  const Duration budget =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds)) - offset;
  if (budget <= Duration::zero()) return Result(std::nullopt);
  return Result(budget);
}

std::optional<std::string> HttpRouter::RoutePath(const std::string& path) const {
  const std::string& prefix = options_.route_prefix;
  if (prefix.empty()) return path.empty() ? "/" : path;
  if (path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string rest = path.substr(prefix.size());
  if (rest.empty()) return "/";
  if (rest[0] != '/') return std::nullopt;  // "/prefixes" is not under "/prefix"
  return rest;
}

bool HttpRouter::IsProbe(const std::string& uri) const {
  std::optional<std::string> path = RoutePath(uri.substr(0, uri.find('?')));
  return path && *path == "/probe";
}

HttpRouterResponse HttpRouter::Handle(const HttpRouterRequest& request) {
  std::string raw_path;
  std::string query;
  try {
    Poco::URI uri(request.uri);
    raw_path = uri.getPath();
    query = uri.getRawQuery();
  } catch (const Poco::Exception&) {
    backend_.CountRequest("other");
    return Refuse(request, Text(400, "Bad request URI.\n"), LogLevel::kWarn, "URI does not parse");
  }
  std::optional<std::string> routed = RoutePath(raw_path);
  const std::string path = routed ? *routed : std::string();
  const bool get = request.method == "GET" || request.method == "HEAD";
  const auto only_get = [&] {
    return Refuse(request, Text(405, "Only GET requests allowed.\n"), LogLevel::kInfo,
                  "method not allowed: only GET or HEAD");
  };

  if (path == "/-/healthy") {
    // Open without credentials: a supervisor's liveness check.
    backend_.CountRequest("health");
    return Text(200, "pushprobe-exporter is Healthy.\n");
  }
  if (options_.access) {
    if (std::optional<HttpRouterResponse> denied = options_.access->Authorize(request)) {
      return Refuse(request, std::move(*denied), LogLevel::kWarn,
                    "not authorized: credentials missing or wrong");
    }
  }
  if (path == options_.telemetry_path) {
    backend_.CountRequest("metrics");
    if (!get) return only_get();
    HttpRouterResponse r;
    r.content_type = kExpositionContentType;
    r.metrics = backend_.Metrics();
    return r;
  }
  if (path == "/probe") {
    backend_.CountRequest("probe");
    if (!get) return only_get();
    return Probe(request, query);
  }
  if (path == "/") {
    backend_.CountRequest("status");
    if (!get) return only_get();
    HttpRouterResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = backend_.StatusPageHtml(AutoRefresh(query));
    return r;
  }
  if (path.rfind(kTargetPrefix, 0) == 0) {
    backend_.CountRequest("status");
    if (!get) return only_get();
    // Poco::URI has already percent-decoded the path: the rest is the name.
    std::optional<std::string> page =
        backend_.TargetPageHtml(path.substr(kTargetPrefix.size()), AutoRefresh(query));
    if (!page) {
      return Refuse(request, Text(404, "Unknown target: not in the configuration.\n"),
                    LogLevel::kDebug, "status page of a target not in the configuration",
                    path.substr(kTargetPrefix.size()));
    }
    HttpRouterResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(*page);
    return r;
  }
  if (path == "/config") {
    backend_.CountRequest("config");
    if (!get) return only_get();
    HttpRouterResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = backend_.ConfigYaml();
    return r;
  }
  if (path == "/-/ready") {
    backend_.CountRequest("health");
    if (!backend_.Ready()) return Text(503, "Service Unavailable\n");
    return Text(200, "pushprobe-exporter is Ready.\n");
  }
  if (path == "/-/reload") {
    backend_.CountRequest("reload");
    if (request.method != "POST" && request.method != "PUT") {
      HttpRouterResponse r = Text(405, "Only POST or PUT requests allowed.\n");
      r.headers.emplace_back("Allow", "POST, PUT");
      return Refuse(request, std::move(r), LogLevel::kInfo, "method not allowed: only POST or PUT");
    }
    if (!options_.enable_lifecycle) {
      return Refuse(request,
                    Text(403,
                         "Lifecycle API is not enabled: start with --web.enable-lifecycle, or "
                         "reload with SIGHUP (systemctl reload pushprobe-exporter).\n"),
                    LogLevel::kInfo, "lifecycle API not enabled (--web.enable-lifecycle)");
    }
    Expected<void> outcome = backend_.Reload();
    if (!outcome.ok()) {
      return Text(
          500, "Failed to reload config; the running configuration is kept:\n" + outcome.error());
    }
    return Text(200, "Configuration reloaded.\n");
  }
  backend_.CountRequest("other");
  return Refuse(request, Text(404, "Not Found\n"), LogLevel::kDebug, "no such path");
}

HttpRouterResponse HttpRouter::Probe(const HttpRouterRequest& request, const std::string& query) {
  std::optional<std::string> target;
  bool debug = false;
  try {
    Poco::URI::QueryParameters params = Poco::URI("/?" + query).getQueryParameters();
    for (const auto& [name, value] : params) {
      if (name == "target") target = value;
      if (name == "debug") debug = value == "true" || value == "1";
    }
  } catch (const Poco::Exception&) {
    return Refuse(request, Text(400, "Bad query string.\n"), LogLevel::kWarn,
                  "query string does not parse");
  }
  if (!target || target->empty()) {
    return Refuse(request, Text(400, "Target parameter is missing.\n"), LogLevel::kWarn,
                  "target parameter missing or empty");
  }

  std::optional<Duration> budget;
  // Why the header was not used, for the answer and the log.
  std::string ignored_timeout;
  if (request.scrape_timeout) {
    // A header that is not a number of seconds leaves the target's own
    // timeout: the run is bounded either way, and the scraper learns why.
    Expected<std::optional<Duration>> parsed =
        BudgetFromHeader(*request.scrape_timeout, options_.scrape_timeout_offset);
    if (parsed.ok()) {
      budget = *parsed;
    } else {
      ignored_timeout = parsed.error() + "; the run uses the target's own timeout";
      client_log_.Log(LogLevel::kWarn, "scrape timeout header ignored",
                      {{"target", ClientLog::ClientText(*target)}, {"err", ignored_timeout}});
    }
  }
  auto run = [&] { return backend_.RunProbe(*target, budget); };
  ProbeLimiter::Outcome outcome;
  if (options_.limiter) {
    outcome = options_.limiter->Run(*target, run);
  } else if (std::optional<ProbeResult> ran = run()) {
    outcome.result = std::make_shared<const ProbeResult>(std::move(*ran));
  }
  if (outcome.source == ProbeLimiter::Source::kRejected) {
    HttpRouterResponse r = Text(429,
                                "Too many on-demand runs in flight (--web.max-concurrent-probes); "
                                "retry later.\n");
    r.headers.emplace_back("Retry-After", "1");
    return Refuse(request, std::move(r), LogLevel::kWarn,
                  "too many on-demand runs in flight (--web.max-concurrent-probes)", *target);
  }
  const std::shared_ptr<const ProbeResult>& result = outcome.result;
  if (!result) {
    // Only configured targets are probed: the name selects a target, it is
    // never an address, so /probe cannot be used to reach arbitrary hosts.
    return Refuse(request, Text(400, "Unknown target: not in the configuration.\n"),
                  LogLevel::kWarn, "unknown target: not in the configuration", *target);
  }
  HttpRouterResponse r;
  if (!ignored_timeout.empty()) r.headers.emplace_back("X-Pushprobe-Warning", ignored_timeout);
  const std::string exposition = MetricsRenderer::ProbeExposition(*result);
  switch (outcome.source) {
    case ProbeLimiter::Source::kShared:
      r.headers.emplace_back("X-Pushprobe-Probe-Result", "shared");
      break;
    case ProbeLimiter::Source::kRecent:
      r.headers.emplace_back("X-Pushprobe-Probe-Result", "recent");
      r.headers.emplace_back(
          "Age",
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(outcome.age).count()));
      break;
    default:
      r.headers.emplace_back("X-Pushprobe-Probe-Result", "run");
  }
  if (debug) {
    r.content_type = "text/plain; charset=utf-8";
    r.body = RedactUrlCredentials((ignored_timeout.empty() ? "" : ignored_timeout + ".\n\n") +
                                  "Transcript of the run:\n\n" + backend_.Transcript(*result) +
                                  "\n\nMetrics that would have been returned:\n" + exposition);
  } else {
    r.content_type = kExpositionContentType;
    r.body = exposition;
  }
  return r;
}

}  // namespace pushprobe::exporter
