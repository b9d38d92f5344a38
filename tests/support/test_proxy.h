#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pushprobe::testing {

/// \brief What the test proxy saw of one CONNECT, and what it answered.
struct SeenConnect {
  std::string target;                              ///< "host:port" of the request line
  std::optional<std::string> proxy_authorization;  ///< the header's value, when sent
  int status = 0;                                  ///< 200, 400, 407 or 502
};

/// \brief An HTTP CONNECT proxy on 127.0.0.1, port chosen by the kernel, that
/// may require Basic authentication, as the enterprise proxies in front of
/// Exchange do.
///
/// With a user set, a CONNECT without "Proxy-Authorization: Basic" of exactly
/// that user and password gets 407 with `Proxy-Authenticate: Basic
/// realm="pushprobe-test"`. An accepted CONNECT is tunnelled to
/// 127.0.0.1:upstream_port (every host: the emulator serves them all), or to
/// the requested port when upstream_port is 0. Every CONNECT is recorded.
/// Each connection has its own thread; the destructor stops and joins them.
class TestProxy {
 public:
  struct Options {
    std::string user;  ///< empty: no authentication required
    std::string password;
    std::uint16_t upstream_port = 0;
  };

  explicit TestProxy(Options options);
  ~TestProxy();
  TestProxy(const TestProxy&) = delete;
  TestProxy& operator=(const TestProxy&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>".
  std::string Url() const;
  std::vector<SeenConnect> connects() const;
  void Stop();

 private:
  void AcceptLoop();
  void Serve(int fd);
  int Answer(const std::string& head, SeenConnect& seen, std::string& reply);
  void Tunnel(int client, int upstream);

  const Options options_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  bool stopping_ = false;
  std::vector<int> open_fds_;
  std::vector<SeenConnect> connects_;
  std::vector<std::thread> handlers_;
  std::thread acceptor_;
};

/// The value of a "Proxy-Authorization" header for Basic credentials.
std::string BasicCredentials(const std::string& user, const std::string& password);

}  // namespace pushprobe::testing
