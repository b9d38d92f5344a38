#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "exporters/http_router.h"

namespace Poco::Net {
class HTTPServer;
}

namespace pushprobe::exporter {

/// \brief The exporter's HTTP listener: a Poco::Net::HTTPServer in front of an
/// HttpRouter.
class HttpServer {
 public:
  struct Options {
    int threads = 8;                               ///< concurrent requests served
    int queue = 64;                                ///< accepted connections waiting for a thread
    Duration timeout = std::chrono::seconds(130);  ///< per-connection I/O timeout
  };

  /// \p router must outlive the server.
  HttpServer(HttpRouter& router, Options options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds \p listen_address ("host:port", ":port", "[::1]:port"; port 0
  /// picks a free port) and starts serving.
  /// \throw std::runtime_error when the address is malformed or cannot be bound.
  void Start(const std::string& listen_address);
  /// Stops accepting, lets running requests finish. Idempotent.
  void Stop();
  /// The bound port (after Start).
  std::uint16_t port() const { return port_; }

 private:
  HttpRouter& router_;
  Options options_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace pushprobe::exporter
