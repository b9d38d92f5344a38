#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace pushprobe::testing {

/// \brief What the server saw of one request.
struct SeenRequest {
  std::string head;  ///< request line and headers, CRLF-separated, without the empty line
  std::string body;
  std::string sni;  ///< TLS server name the client sent, empty for plain or none
  bool session_reused = false;
};

class LoopbackServer;

/// \brief The server's side of one accepted connection, handed to a behaviour.
/// Blocking I/O; every call returns early once the server stops.
class ServerConnection {
 public:
  /// Reads one request (head, and a Content-Length body) and records it.
  /// False when the client closed or the server is stopping.
  bool ReadRequest(SeenRequest* out = nullptr);
  /// Reads the head only (up to the empty line), byte by byte, and records it.
  bool ReadHead(std::string* head);
  bool Write(std::string_view data);
  /// Writes \p data and then a TLS close_notify in one TCP segment (corked),
  /// leaving the TCP connection open: the client reads both at once.
  bool WriteThenCloseNotify(std::string_view data);
  /// Closes with an RST (SO_LINGER 0) instead of a FIN.
  void Reset();
  /// Blocks until the server stops; for "never answers" behaviours.
  void WaitForStop();
  int fd() const { return fd_; }
  bool stopping() const;

 private:
  friend class LoopbackServer;
  ServerConnection(LoopbackServer& server, int fd) : server_(server), fd_(fd) {}
  long ReadSome(char* buf, std::size_t len);

  LoopbackServer& server_;
  int fd_;
  SSL* ssl_ = nullptr;
  std::string sni_;
  bool reused_ = false;
  std::string pending_;  // read past the current request
  bool reset_ = false;
};

/// \brief A scripted HTTP(S) server on 127.0.0.1, port chosen by the kernel.
/// Each accepted connection runs the behaviour on its own thread. The
/// destructor stops the server, unblocks every behaviour and joins them.
class LoopbackServer {
 public:
  using Behaviour = std::function<void(ServerConnection&)>;

  struct TlsIdentity {
    std::string cert_pem;
    std::string key_pem;
    std::vector<std::string> chain_pem;  ///< extra certificates sent after the leaf
  };

  explicit LoopbackServer(Behaviour behaviour, std::optional<TlsIdentity> tls = std::nullopt);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http(s)://<host>:<port><path>".
  std::string Url(std::string_view path = "/", std::string_view host = "127.0.0.1") const;
  int connections() const;
  /// Waits until \p count TLS handshakes have completed on the server's side
  /// (a TLS 1.3 server has then sent its session tickets); false on timeout.
  bool WaitForHandshakes(int count, std::chrono::milliseconds timeout) const;
  std::vector<SeenRequest> requests() const;
  void Stop();

  // Canned behaviours.
  /// Reads a request, writes \p raw (a whole HTTP response, verbatim), closes.
  static Behaviour Respond(const std::string& raw);
  /// Reads a request and never answers until the server stops.
  static Behaviour NeverAnswer();
  /// Reads a request, then resets the connection.
  static Behaviour ResetAfterRequest();
  /// A CONNECT proxy that tunnels to 127.0.0.1:<requested port>, or answers
  /// every CONNECT with \p refuse_status_line when it is not empty.
  static Behaviour ConnectProxy(const std::string& refuse_status_line = "");

 private:
  friend class ServerConnection;
  void AcceptLoop();
  void Serve(int fd);

  Behaviour behaviour_;
  SSL_CTX* ctx_ = nullptr;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  int connections_ = 0;
  int handshakes_ = 0;
  mutable std::condition_variable handshake_cv_;
  std::vector<int> open_fds_;
  std::vector<SeenRequest> requests_;
  std::vector<std::thread> handlers_;
  std::thread acceptor_;
};

/// Unique path under the test temp dir holding \p content.
std::string WriteTempFile(const std::string& name, const std::string& content);

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
std::uint16_t UnusedPort();

}  // namespace pushprobe::testing
