#include "exporters/http_router.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace pushprobe::exporter {

namespace {

HttpRouterResponse Text(int status, std::string body) {
  HttpRouterResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

std::optional<Duration> HttpRouter::BudgetFromHeader(const std::string& header, Duration offset,
                                                     std::string* error) {
  const char* begin = header.c_str();
  char* end = nullptr;
  errno = 0;
  const double seconds = std::strtod(begin, &end);
  if (header.empty() || end == begin || *end != '\0' || errno != 0 || !std::isfinite(seconds) ||
      seconds < 0) {
    *error = "X-Prometheus-Scrape-Timeout-Seconds is not a number of seconds: " + header;
    return std::nullopt;
  }
  // Like blackbox_exporter: leave Prometheus `offset` to receive the answer;
  // when that leaves nothing, fall back to the target's own timeout.
  const Duration budget =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds)) - offset;
  if (budget <= Duration::zero()) return std::nullopt;
  return budget;
}

HttpRouterResponse HttpRouter::Handle(const HttpRouterRequest& request) {
  std::string path;
  std::string query;
  try {
    Poco::URI uri(request.uri);
    path = uri.getPath();
    query = uri.getRawQuery();
  } catch (const Poco::Exception&) {
    backend_.CountRequest("other");
    return Text(400, "Bad request URI.\n");
  }
  const bool get = request.method == "GET" || request.method == "HEAD";

  if (path == "/metrics") {
    backend_.CountRequest("metrics");
    if (!get) return Text(405, "Only GET requests allowed.\n");
    HttpRouterResponse r;
    r.content_type = kExpositionContentType;
    r.metrics = backend_.Metrics();
    return r;
  }
  if (path == "/probe") {
    backend_.CountRequest("probe");
    if (!get) return Text(405, "Only GET requests allowed.\n");
    return Probe(request, query);
  }
  if (path == "/" || path.empty()) {
    backend_.CountRequest("status");
    if (!get) return Text(405, "Only GET requests allowed.\n");
    HttpRouterResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = backend_.StatusPageHtml();
    return r;
  }
  if (path == "/config") {
    backend_.CountRequest("config");
    if (!get) return Text(405, "Only GET requests allowed.\n");
    HttpRouterResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = backend_.ConfigYaml();
    return r;
  }
  if (path == "/-/healthy") {
    backend_.CountRequest("health");
    return Text(200, "pushprobe-exporter is Healthy.\n");
  }
  if (path == "/-/ready") {
    backend_.CountRequest("health");
    if (!backend_.Ready()) return Text(503, "Service Unavailable\n");
    return Text(200, "pushprobe-exporter is Ready.\n");
  }
  if (path == "/-/reload") {
    backend_.CountRequest("reload");
    if (request.method != "POST") {
      HttpRouterResponse r = Text(405, "Only POST requests allowed.\n");
      r.headers.emplace_back("Allow", "POST");
      return r;
    }
    ReloadOutcome outcome = backend_.Reload();
    if (!outcome.ok) {
      return Text(500,
                  "Failed to reload config; the running configuration is kept:\n" + outcome.error);
    }
    return Text(200, "Configuration reloaded.\n");
  }
  backend_.CountRequest("other");
  return Text(404, "Not Found\n");
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
    return Text(400, "Bad query string.\n");
  }
  if (!target || target->empty()) return Text(400, "Target parameter is missing.\n");

  std::optional<Duration> budget;
  if (request.scrape_timeout) {
    std::string error;
    budget = BudgetFromHeader(*request.scrape_timeout, offset_, &error);
    if (!error.empty()) return Text(400, error + "\n");
  }
  std::optional<ProbeResult> result = backend_.RunProbe(*target, budget);
  if (!result) {
    // Only configured targets are probed: the name selects a target, it is
    // never an address, so /probe cannot be used to reach arbitrary hosts.
    return Text(400, "Unknown target: not in the configuration.\n");
  }
  HttpRouterResponse r;
  const std::string exposition = MetricsRenderer::ProbeExposition(*result);
  if (debug) {
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Transcript of the run:\n\n" + backend_.Transcript(*result) +
             "\n\nMetrics that would have been returned:\n" + exposition;
  } else {
    r.content_type = kExpositionContentType;
    r.body = exposition;
  }
  return r;
}

}  // namespace pushprobe::exporter
