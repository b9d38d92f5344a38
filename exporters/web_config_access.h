#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exporters/basic_auth.h"
#include "exporters/logger.h"
#include "exporters/web_access.h"
#include "exporters/web_config.h"
#include "probe/core/expected.h"

namespace pushprobe::exporter {

/// \brief WebAccess from a --web.config.file: TLS, basic authentication and
/// response headers as exporter-toolkit serves them.
///
/// The file, and the certificate, key and CA files it names, are read again
/// for every new connection (as exporter-toolkit does, so a certificate
/// replaced on disk is served on the next connection without a restart) and
/// on Reload(); the TLS context is rebuilt only when their bytes changed. A
/// file that no longer loads leaves the running web configuration in place
/// and is logged once per distinct error. The exporter can switch between
/// plain HTTP and TLS this way too. Nothing secret (hash, password, key) is
/// ever logged. Thread-safe.
class WebConfigAccess final : public WebAccess {
 public:
  /// Loads \p path (parse, validate, build the TLS context). On failure the
  /// error names the file and, for mistakes in it, the line: the exporter
  /// refuses to start with it. \p logger must outlive the result.
  static Expected<std::unique_ptr<WebConfigAccess>> Open(const std::string& path, Logger& logger);
  /// What Open() would say about \p path (success when it loads), for --config.check.
  static Expected<void> Check(const std::string& path);

  /// Reads the file again now (SIGHUP, /-/reload). On failure the running
  /// web configuration stays, the error is logged and returned.
  Expected<void> Reload() override;

  ConnectionSecurity ForNewConnection() override;
  /// 401 with `WWW-Authenticate: Basic` unless basic_auth_users is empty or
  /// the request's Authorization header holds a listed user's password.
  std::optional<HttpRouterResponse> Authorize(const HttpRouterRequest& request) override;
  std::vector<std::pair<std::string, std::string>> ResponseHeaders() override;

  /// Whether the running web configuration serves TLS.
  bool tls_enabled() const;

 private:
  struct Snapshot {
    WebConfig config;
    std::shared_ptr<SSL_CTX> tls;
    std::string digest;  ///< SHA-256 of the file and the files it names
  };

  WebConfigAccess(std::string path, Logger& logger) : path_(std::move(path)), logger_(logger) {}

  /// Loads the file unless its bytes are those of \p current; nullptr means
  /// unchanged.
  static Expected<std::shared_ptr<const Snapshot>> Load(const std::string& path,
                                                        const Snapshot* current);
  /// Load() and swap in; logs a failure once per distinct error text.
  Expected<void> Refresh();
  std::shared_ptr<const Snapshot> Current() const;

  const std::string path_;
  Logger& logger_;
  BasicAuth auth_;
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> current_;
  std::string last_error_;  ///< the failure logged last, so a broken file is logged once
};

}  // namespace pushprobe::exporter
