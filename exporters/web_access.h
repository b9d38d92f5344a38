#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <openssl/types.h>

#include "exporters/http_router.h"
#include "probe/core/expected.h"

namespace pushprobe::exporter {

/// \brief How one accepted connection is served.
struct ConnectionSecurity {
  /// Refuse the connection (closed before anything is read), e.g. when the
  /// web configuration cannot be read and no earlier one is kept.
  bool refuse = false;
  /// Null: plain HTTP. Otherwise the server runs a TLS handshake with this
  /// context (client certificate checks included, as the context's verify
  /// mode says) before reading the request. The server holds the pointer for
  /// the connection's lifetime, so a context replaced later (a certificate
  /// rotated on disk) only affects new connections. A Poco Context can be
  /// handed over with the aliasing constructor:
  /// `std::shared_ptr<SSL_CTX>(holder, poco_context->sslContext())`.
  std::shared_ptr<SSL_CTX> tls;
};

/// \brief The web listener's security seam: TLS per connection,
/// authentication per request, and extra response headers.
///
/// The HTTP server calls ForNewConnection() once for each accepted connection
/// (on its accepting thread, so it must not block: re-read the web
/// configuration file there only when it changed, the way exporter-toolkit
/// re-reads it per connection so certificates rotate without a restart).
/// The router calls Authorize() for every request before routing it, except
/// the liveness endpoint `/-/healthy`, which stays open so a supervisor can
/// check the process without credentials. ResponseHeaders() are added to
/// every response, the liveness answer and error answers included.
///
/// Implementations are thread-safe. The default, AllowAllWebAccess, serves
/// plain HTTP without authentication (the exporter's behaviour without
/// --web.config.file).
class WebAccess {
 public:
  virtual ~WebAccess() = default;
  virtual ConnectionSecurity ForNewConnection() = 0;
  /// nullopt lets \p request through; otherwise the answer to send instead
  /// (401 with `WWW-Authenticate: Basic`, typically). Never throws.
  virtual std::optional<HttpRouterResponse> Authorize(const HttpRouterRequest& request) = 0;
  virtual std::vector<std::pair<std::string, std::string>> ResponseHeaders() = 0;
  /// Reads the web configuration again now (SIGHUP, POST /-/reload). One
  /// that does not load leaves the running one in place; its error is
  /// returned (and logged by the implementation).
  virtual Expected<void> Reload() { return {}; }
};

/// \brief Plain HTTP, no authentication, no extra headers.
class AllowAllWebAccess final : public WebAccess {
 public:
  ConnectionSecurity ForNewConnection() override { return {}; }
  std::optional<HttpRouterResponse> Authorize(const HttpRouterRequest&) override {
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> ResponseHeaders() override { return {}; }
};

}  // namespace pushprobe::exporter
