#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/emulator/service_core.h"
#include "tests/emulator/tls_mode.h"

namespace pushprobe::emulator {

/// \brief One HTTPS listening socket serving ServiceCore.
///
/// The server context caches sessions (and OpenSSL issues TLS 1.3 tickets), so
/// clients that resume skip the RSA handshake; this is most of the cost of a
/// check at high rates. Settings::session_resumption turns both off.
class TlsListener {
 public:
  struct Settings {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    std::string cert_pem;  ///< leaf first, then any chain certificates
    std::string key_pem;
    int max_threads = 32;
    std::chrono::seconds receive_timeout{10};
    /// false: neither a session cache nor tickets (TLS 1.2 or 1.3).
    bool session_resumption = true;
    TlsCipherSuites cipher_suites;
  };

  /// Binds at once, so port() is known after construction.
  /// \throw Poco::Exception when binding or the TLS identity fails.
  TlsListener(ServiceCore& core, Poco::ThreadPool& pool, const Settings& settings);
  ~TlsListener();
  TlsListener(const TlsListener&) = delete;
  TlsListener& operator=(const TlsListener&) = delete;

  void Start();
  /// Stops accepting and aborts the connections in progress. The caller then
  /// joins the thread pool to wait for the handlers.
  void Stop();
  std::uint16_t port() const { return port_; }

 private:
  static Poco::Net::Context::Ptr MakeContext(const Settings& settings);

  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace pushprobe::emulator
