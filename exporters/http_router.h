#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporters/client_log.h"
#include "exporters/exporter_backend.h"
#include "exporters/logger.h"
#include "exporters/probe_limiter.h"
#include "probe/core/clock.h"
#include "probe/core/expected.h"

namespace pushprobe::exporter {

class WebAccess;

/// \brief An HTTP request as the router needs it.
struct HttpRouterRequest {
  std::string method;  ///< "GET", "POST", ...
  std::string uri;     ///< path and query, as sent: "/probe?target=x&debug=true"
  /// The X-Prometheus-Scrape-Timeout-Seconds header, when sent.
  std::optional<std::string> scrape_timeout;
  /// Every header field, names lower-cased (Authorization for WebAccess).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string remote_address;  ///< "127.0.0.1:53422", "[::1]:53422"
  bool tls = false;            ///< whether the request came over TLS

  /// The first header named \p lower_name, if any.
  const std::string* Header(const std::string& lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return &value;
    }
    return nullptr;
  }
};

/// \brief An answer: status, headers, and either a body or a /metrics stream.
struct HttpRouterResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<MetricsBody> metrics;  ///< set for /metrics instead of body
};

/// \brief Maps the exporter's endpoints onto an ExporterBackend.
///
/// Every path below is under `route_prefix` ("" or "/prefix"):
/// - `GET <telemetry_path>` (/metrics): scheduled results plus own metrics.
/// - `GET /probe?target=NAME[&debug=true]`: runs a configured target now;
///   an unknown or missing target is a 400, so the exporter is never an open
///   proxy. The deadline is X-Prometheus-Scrape-Timeout-Seconds minus
///   `scrape_timeout_offset` when that is shorter than the target's timeout.
///   With a ProbeLimiter, runs are bounded (429 with Retry-After past it) and
///   a result may be shared or recent, which `X-Pushprobe-Probe-Result` says
///   (`run`, `shared`, `recent`; a recent one also carries `Age`). A header
///   that is not a number of seconds leaves the target's own timeout; the
///   answer says why in `X-Pushprobe-Warning` (and a debug body in its first
///   line), and the logger, when set, logs it at warn.
/// - `GET /`: the status page. `GET /config`: the redacted configuration.
/// - `GET /-/healthy`, `GET /-/ready`, `POST /-/reload` (405 for another
///   method; 403 unless `enable_lifecycle`, as Prometheus does, so a web page
///   a monitoring admin opens cannot make the exporter reload cross-site).
/// - anything else: 404.
/// With a WebAccess, every request except `/-/healthy` is authorized first.
///
/// With a logger, every refusal is logged with its reason, status, method,
/// URI, remote address and target (client text cut by ClientLog::ClientText
/// and escaped by the logger): 400 and 401 at warn (a scraper set up wrong),
/// 429 at warn (/probe at its bound), 403 and 405 at info, 404 at debug. These
/// lines, and the scrape timeout warning, go through client_log(), whose
/// budget bounds them (and the listener's, which writes there too).
/// Never throws for bad requests; thread-safe as far as the backend is.
class HttpRouter {
 public:
  struct Options {
    Duration scrape_timeout_offset = std::chrono::milliseconds(500);
    std::string route_prefix;                 ///< "" or "/path" without a trailing slash
    std::string telemetry_path = "/metrics";  ///< below route_prefix
    bool enable_lifecycle = false;            ///< whether POST /-/reload is served
    ProbeLimiter* limiter = nullptr;          ///< bounds /probe runs when set
    WebAccess* access = nullptr;              ///< authorizes requests when set
    Logger* logger = nullptr;                 ///< says why a request was not taken as sent
  };

  /// \p backend (and the options' limiter and access) must outlive the router.
  HttpRouter(ExporterBackend& backend, Options options);
  explicit HttpRouter(ExporterBackend& backend,
                      Duration scrape_timeout_offset = std::chrono::milliseconds(500))
      : HttpRouter(backend, Options{scrape_timeout_offset, "", "/metrics", false, nullptr, nullptr,
                                    nullptr}) {}

  HttpRouterResponse Handle(const HttpRouterRequest& request);

  /// Whether \p uri is an on-demand run: the server serves those on their
  /// own bounded threads so they never hold up /metrics.
  bool IsProbe(const std::string& uri) const;

  /// Where lines about clients' requests go, within one budget; the
  /// listener's refusals go here too.
  ClientLog& client_log() { return client_log_; }

  /// The largest scrape timeout taken from the header: longer ones are
  /// clamped to it (a target's own timeout is the bound anyway).
  static constexpr double kMaxScrapeTimeoutSeconds = 3600;

  /// The run's budget from the scrape timeout header: header (clamped to
  /// kMaxScrapeTimeoutSeconds) minus offset; nullopt (the target's own
  /// timeout) when that is not positive. An error when the header is not a
  /// non-negative finite number (the caller then also uses the target's own
  /// timeout).
  static Expected<std::optional<Duration>> BudgetFromHeader(const std::string& header,
                                                            Duration offset);

 private:
  /// The path below the route prefix, or nullopt when \p path is not under it.
  std::optional<std::string> RoutePath(const std::string& path) const;
  HttpRouterResponse Probe(const HttpRouterRequest& request, const std::string& query);
  /// \p answer, logged as a refusal of \p request at \p level with \p reason.
  HttpRouterResponse Refuse(const HttpRouterRequest& request, HttpRouterResponse answer,
                            LogLevel level, std::string_view reason,
                            std::optional<std::string_view> target = std::nullopt);
  ExporterBackend& backend_;
  const Options options_;
  ClientLog client_log_;
};

}  // namespace pushprobe::exporter
