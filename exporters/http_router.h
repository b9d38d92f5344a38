#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exporters/exporter_backend.h"
#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief An HTTP request as the router needs it.
struct HttpRouterRequest {
  std::string method;  ///< "GET", "POST", ...
  std::string uri;     ///< path and query, as sent: "/probe?target=x&debug=true"
  /// The X-Prometheus-Scrape-Timeout-Seconds header, when sent.
  std::optional<std::string> scrape_timeout;
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
/// - `GET /metrics`: scheduled results plus own metrics.
/// - `GET /probe?target=NAME[&debug=true]`: runs a configured target now;
///   an unknown or missing target is a 400, so the exporter is never an open
///   proxy. The deadline is X-Prometheus-Scrape-Timeout-Seconds minus
///   `scrape_timeout_offset` when that is shorter than the target's timeout.
/// - `GET /`: the status page. `GET /config`: the redacted configuration.
/// - `GET /-/healthy`, `GET /-/ready`, `POST /-/reload` (405 otherwise).
/// - anything else: 404.
/// Never throws for bad requests; thread-safe as far as the backend is.
class HttpRouter {
 public:
  /// \p backend must outlive the router.
  explicit HttpRouter(ExporterBackend& backend,
                      Duration scrape_timeout_offset = std::chrono::milliseconds(500))
      : backend_(backend), offset_(scrape_timeout_offset) {}

  HttpRouterResponse Handle(const HttpRouterRequest& request);

  /// The run's budget from the scrape timeout header: header minus offset;
  /// nullopt (the target's own timeout) without a header or when that is not
  /// positive. Errors on a header that is not a non-negative number.
  static std::optional<Duration> BudgetFromHeader(const std::string& header, Duration offset,
                                                  std::string* error);

 private:
  HttpRouterResponse Probe(const HttpRouterRequest& request, const std::string& query);

  ExporterBackend& backend_;
  Duration offset_;
};

}  // namespace pushprobe::exporter
