#include "exporters/http_server.h"

#include <Poco/DeflatingStream.h>
#include <Poco/String.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <streambuf>

#include "exporters/chunk_stream_buf.h"
#include "exporters/client_log.h"
#include "exporters/http_request_head.h"
#include "probe/core/expected.h"
#include "probe/core/first_line.h"
#include "probe/core/thread_name.h"
#include "probe/net/socket_bio.h"

namespace pushprobe::exporter {

using SteadyClock = std::chrono::steady_clock;

struct HttpServer::Connection {
  enum class State { kHandshake, kReading, kIdle, kBusy };

  std::uint64_t id = 0;
  int fd = -1;
  std::shared_ptr<SSL_CTX> tls_context;  ///< keeps the context alive while ssl uses it
  SSL* ssl = nullptr;
  State state = State::kReading;
  bool want_write = false;  ///< the TLS layer waits for the socket to take data
  std::string in;           ///< bytes read and not yet consumed
  /// When the connection is closed unless its state changes: the head's
  /// deadline while handshaking or reading, the idle deadline when idle.
  SteadyClock::time_point deadline;
  /// Since when it has been accepted or idle: the oldest goes first at the cap.
  SteadyClock::time_point quiet_since;
  std::string peer;
  bool heard = false;        ///< the client has sent something (TLS records included)
  HttpRequestHead request;   ///< the request a worker answers (kBusy)
  bool close_after = false;  ///< the request carried a body that was not read
};

namespace {

int ToMillis(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<std::int64_t>(ms, 0, 24 * 3600 * 1000));
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
  }
  return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
}

bool SafeHeader(const std::string& name, const std::string& value) {
  auto bad = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  return !name.empty() && std::none_of(name.begin(), name.end(), bad) &&
         name.find(':') == std::string::npos && std::none_of(value.begin(), value.end(), bad);
}

std::string PeerName(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  std::uint16_t port = 0;
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    port = ntohs(a->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
  inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
  port = ntohs(a->sin_port);
  return std::string(host) + ":" + std::to_string(port);
}

// The request line a client sent (or began), as a log field: cut, and
// escaped by the logger. Empty lines before it are skipped as the parser does.
std::string LoggedRequestLine(std::string_view in) {
  const std::size_t start = std::min(in.find_first_not_of("\r\n"), in.size());
  return ClientLog::ClientText(FirstLine(in.substr(start)));
}

// Why a TLS handshake failed, for the log: OpenSSL's reason ("http request"
// for plain HTTP on a TLS port, "tlsv1 alert unknown ca" for a client that
// does not trust the certificate). Never client bytes.
std::string HandshakeError(int ssl_error) {
  const unsigned long e = ERR_peek_last_error();
  const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
  if (reason != nullptr) return std::string("TLS handshake failed: ") + reason;
  if (ssl_error == SSL_ERROR_SYSCALL) {
    return "TLS handshake failed: the client closed the connection";
  }
  return "TLS handshake failed";
}

// Binds and listens on one address: the listening socket, or why not.
Expected<int> Listen(const sockaddr* addr, socklen_t len, bool dual_stack) {
  const int fd = ::socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Expected<int>::Error(std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (addr->sa_family == AF_INET6) {
    const int v6only = dual_stack ? 0 : 1;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (::bind(fd, addr, len) != 0 || ::listen(fd, 1024) != 0) {
    Expected<int> error = Expected<int>::Error(std::strerror(errno));
    ::close(fd);
    return error;
  }
  return fd;
}

// ":port" listens on every interface, IPv6 and IPv4 on one dual-stack
// socket as Go's net.Listen does, or IPv4 only where the machine has no IPv6.
int ListenOn(const std::string& address) {
  auto fail = [&](const std::string& why) {
    return std::runtime_error("cannot listen on \"" + address + "\": " + why);
  };
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) throw fail("expected host:port, [ipv6]:port or :port");
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535) {
    throw fail("invalid port \"" + port + "\"");
  }
  if (host.empty()) {
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_any;
    any6.sin6_port = htons(static_cast<std::uint16_t>(std::stoul(port)));
    Expected<int> fd = Listen(reinterpret_cast<sockaddr*>(&any6), sizeof any6, true);
    if (fd.ok()) return *fd;
    sockaddr_in any4{};
    any4.sin_family = AF_INET;
    any4.sin_addr.s_addr = htonl(INADDR_ANY);
    any4.sin_port = any6.sin6_port;
    fd = Listen(reinterpret_cast<sockaddr*>(&any4), sizeof any4, false);
    if (fd.ok()) return *fd;
    throw fail(fd.error());
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    throw fail("an IPv6 address goes in brackets: [::1]:port");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  // A name here is resolved once at start (usually from /etc/hosts).
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw fail(::gai_strerror(rc));
  }
  const Expected<int> fd = Listen(found->ai_addr, found->ai_addrlen, false);
  ::freeaddrinfo(found);
  if (!fd.ok()) throw fail(fd.error());
  return *fd;
}

std::uint16_t BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

// Reads what the connection has now. >0 bytes, 0 end of stream, -1 nothing
// yet, -2 an error.
long ReadSome(HttpServer::Connection& c, char* buffer, int size) {
  if (c.ssl == nullptr) {
    const ssize_t n = ::recv(c.fd, buffer, static_cast<std::size_t>(size), 0);
    if (n >= 0) return n;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
  }
  c.want_write = false;
  ERR_clear_error();
  const int n = SSL_read(c.ssl, buffer, size);
  if (n > 0) return n;
  switch (SSL_get_error(c.ssl, n)) {
    case SSL_ERROR_WANT_READ:
      return -1;
    case SSL_ERROR_WANT_WRITE:
      c.want_write = true;
      return -1;
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    default:
      return -2;
  }
}

// Writes all of [data, data+size), waiting at most \p timeout for each bit
// of progress. False when the client went away or stopped reading.
bool WriteAll(HttpServer::Connection& c, const char* data, std::size_t size, Duration timeout) {
  while (size > 0) {
    short wait_for = POLLOUT;
    if (c.ssl == nullptr) {
      const ssize_t n = ::send(c.fd, data, size, MSG_NOSIGNAL);
      if (n > 0) {
        data += n;
        size -= static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    } else {
      ERR_clear_error();
      const int chunk = static_cast<int>(std::min<std::size_t>(size, 1 << 20));
      const int n = SSL_write(c.ssl, data, chunk);
      if (n > 0) {
        data += n;
        size -= static_cast<std::size_t>(n);
        continue;
      }
      const int err = SSL_get_error(c.ssl, n);
      if (err == SSL_ERROR_WANT_READ) {
        wait_for = POLLIN;
      } else if (err != SSL_ERROR_WANT_WRITE) {
        return false;
      }
    }
    pollfd p{c.fd, wait_for, 0};
    const int ready = ::poll(&p, 1, ToMillis(timeout));
    if (ready == 0) return false;
    if (ready < 0 && errno != EINTR) return false;
  }
  return true;
}

// Gzip at the fastest level: exposition text is repetitive enough that level
// 1 already shrinks it about tenfold, at a fraction of the default level's CPU.
std::string Gzip(const std::function<void(std::ostream&)>& write) {
  std::ostringstream out;
  {
    Poco::DeflatingOutputStream gzip(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 1);
    write(gzip);
    gzip.close();
  }
  return std::move(out).str();
}

}  // namespace

HttpServer::HttpServer(HttpRouter& router, WebAccess& access, Options options)
    : router_(router), access_(access), options_(options) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Start(const std::vector<std::string>& listen_addresses) {
  try {
    for (const std::string& address : listen_addresses) {
      const int fd = ListenOn(address);
      listeners_.push_back(fd);
      ports_.push_back(BoundPort(fd));
    }
    if (::pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("cannot create the wake-up pipe: ") +
                               std::strerror(errno));
    }
  } catch (...) {
    for (int fd : listeners_) ::close(fd);
    listeners_.clear();
    ports_.clear();
    throw;
  }
  // Named so ps -L / top -H tell the web threads from the check threads.
  lane_ = std::make_unique<BoundedLane>(options_.threads, options_.max_connections, "pp-web");
  probe_lane_ =
      std::make_unique<BoundedLane>(options_.probe_threads, options_.probe_queue, "pp-probe");
  loop_ = std::thread([this] {
    NameThisThread("pp-http");
    Loop();
  });
}

void HttpServer::Stop() {
  if (!loop_.joinable()) return;
  stopping_ = true;
  Wake();
  loop_.join();
  // Requests being answered finish (and hand their connections back); those
  // still waiting for a worker are dropped with their connections below.
  lane_->Shutdown();
  probe_lane_->Shutdown();
  for (auto& [id, c] : connections_) {
    if (c->ssl != nullptr) SSL_free(c->ssl);
    ::close(c->fd);
  }
  connections_.clear();
  for (int fd : listeners_) ::close(fd);
  listeners_.clear();
  ::close(wake_[0]);
  ::close(wake_[1]);
  std::lock_guard<std::mutex> lock(mu_);
  stats_.open = 0;
  returned_.clear();
}

HttpServer::Stats HttpServer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  Stats out = stats_;
  if (probe_lane_) out.probe_outstanding = probe_lane_->outstanding();
  return out;
}

void HttpServer::Wake() {
  const char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_[1], &byte, 1);  // a full pipe is awake already
}

void HttpServer::Loop() {
  std::vector<pollfd> fds;
  std::vector<std::uint64_t> ids;
  std::optional<SteadyClock::time_point> accept_paused_until;
  while (!stopping_) {
    std::vector<std::pair<Connection*, bool>> returned;
    {
      std::lock_guard<std::mutex> lock(mu_);
      returned.swap(returned_);
    }
    auto now = SteadyClock::now();
    for (auto [c, keep] : returned) {
      if (!keep) {
        Close(*c);
        continue;
      }
      c->state = Connection::State::kIdle;
      c->quiet_since = now;
      c->deadline = now + options_.idle_timeout;
      // A pipelined request may be waiting in the buffer already.
      if (!c->in.empty()) OnReadable(*c);
    }

    fds.clear();
    ids.clear();
    fds.push_back({wake_[0], POLLIN, 0});
    if (accept_paused_until && now >= *accept_paused_until) accept_paused_until.reset();
    if (!accept_paused_until) {
      for (int fd : listeners_) fds.push_back({fd, POLLIN, 0});
    }
    const std::size_t first_connection = fds.size();
    std::optional<SteadyClock::time_point> next_deadline = accept_paused_until;
    for (auto& [id, c] : connections_) {
      if (c->state == Connection::State::kBusy) continue;
      fds.push_back({c->fd, static_cast<short>(POLLIN | (c->want_write ? POLLOUT : 0)), 0});
      ids.push_back(id);
      if (!next_deadline || c->deadline < *next_deadline) next_deadline = c->deadline;
    }
    int timeout = -1;
    if (next_deadline) {
      timeout = ToMillis(std::chrono::duration_cast<Duration>(*next_deadline - now)) + 1;
    }
    const int ready = ::poll(fds.data(), fds.size(), timeout);
    if (ready < 0 && errno != EINTR) continue;
    if (stopping_) break;
    now = SteadyClock::now();

    if (fds[0].revents != 0) {
      char drain[256];
      while (::read(wake_[0], drain, sizeof drain) > 0) {
      }
    }
    for (std::size_t i = 1; i < first_connection; ++i) {
      if (fds[i].revents == 0) continue;
      for (int k = 0; k < 64; ++k) {
        const AcceptResult r = Accept(fds[i].fd);
        if (r == AcceptResult::kAccepted) continue;
        // Out of descriptors: closing the quietest connection makes room
        // for the next; when none can go, accepting pauses instead of
        // spinning on a listener that stays readable.
        if (r == AcceptResult::kNoDescriptors && !EvictOne()) {
          accept_paused_until = now + std::chrono::milliseconds(100);
        }
        if (r != AcceptResult::kRetry) break;
      }
    }
    for (std::size_t i = first_connection; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto it = connections_.find(ids[i - first_connection]);
      if (it == connections_.end() || it->second->state == Connection::State::kBusy) continue;
      OnReadable(*it->second);
    }
    std::vector<Connection*> expired;
    for (auto& [id, c] : connections_) {
      if (c->state != Connection::State::kBusy && c->deadline <= now) expired.push_back(c.get());
    }
    for (Connection* c : expired) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (c->state == Connection::State::kIdle) {
          ++stats_.idle_timeouts;
        } else {
          ++stats_.header_timeouts;
        }
      }
      if (c->state != Connection::State::kIdle) LogHeaderTimeout(*c);
      Close(*c);
    }
  }
}

HttpServer::AcceptResult HttpServer::Accept(int listener) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int fd =
      ::accept4(listener, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      router_.client_log().Log(
          LogLevel::kWarn, "connection not accepted",
          {{"reason", std::string("accept: ") + std::strerror(errno) +
                          "; the quietest connection makes room, else accepting pauses"}});
      return AcceptResult::kNoDescriptors;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK ? AcceptResult::kNone : AcceptResult::kRetry;
  }
  const std::string peer = PeerName(addr);
  // Counted and logged before the close: a client that sees the close may
  // read the stats and the log at once (the tests do).
  auto refuse = [&](std::string_view reason) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.refused;
    }
    router_.client_log().Log(LogLevel::kWarn, "connection refused",
                             {{"reason", std::string(reason)}, {"remote", peer}});
    ::close(fd);
    return AcceptResult::kAccepted;
  };
  if (connections_.size() >= options_.max_connections && !EvictOne()) {
    return refuse("connection limit reached (--web.max-connections) and every connection busy");
  }
  ConnectionSecurity security = access_.ForNewConnection();
  if (security.refuse) return refuse("the web configuration cannot be used (--web.config.file)");
  auto c = std::make_unique<Connection>();
  c->id = next_id_++;
  c->fd = fd;
  c->peer = peer;
  const auto now = SteadyClock::now();
  c->quiet_since = now;
  c->deadline = now + options_.read_header_timeout;  // the handshake included
  if (security.tls) {
    c->ssl = SSL_new(security.tls.get());
    // Writes with MSG_NOSIGNAL: a client gone mid-response must not raise
    // SIGPIPE, which would end the exporter.
    BIO* bio = c->ssl != nullptr ? net_internal::NewSocketBio(fd) : nullptr;
    if (bio == nullptr) {
      if (c->ssl != nullptr) SSL_free(c->ssl);
      return refuse("cannot set up TLS for the connection");
    }
    SSL_set_bio(c->ssl, bio, bio);
    SSL_set_accept_state(c->ssl);
    SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    c->tls_context = std::move(security.tls);
    c->state = Connection::State::kHandshake;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.accepted;
    ++stats_.open;
  }
  connections_.emplace(c->id, std::move(c));
  return AcceptResult::kAccepted;
}

void HttpServer::LogHeaderTimeout(const Connection& c) {
  // A connection that never sent a byte is a port check or a browser's
  // spare connection, not a broken client: debug only.
  if (!c.heard) {
    router_.client_log().Log(
        LogLevel::kDebug, "connection closed",
        {{"reason", "nothing sent within --web.read-header-timeout"}, {"remote", c.peer}});
  } else if (c.state == Connection::State::kHandshake) {
    router_.client_log().Log(LogLevel::kInfo, "connection closed",
                             {{"reason", "TLS handshake not done within --web.read-header-timeout"},
                              {"remote", c.peer}});
  } else {
    router_.client_log().Log(
        LogLevel::kInfo, "connection closed",
        {{"reason", "request head not complete within --web.read-header-timeout"},
         {"bytes", std::to_string(c.in.size())},
         {"line", LoggedRequestLine(c.in)},
         {"remote", c.peer}});
  }
}

bool HttpServer::EvictOne() {
  Connection* quietest = nullptr;
  for (auto& [id, c] : connections_) {
    if (c->state == Connection::State::kBusy) continue;
    if (quietest == nullptr || c->quiet_since < quietest->quiet_since) quietest = c.get();
  }
  if (quietest == nullptr) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.evicted;
  }
  router_.client_log().Log(
      LogLevel::kInfo, "connection closed",
      {{"reason", "closed to make room for a new one (--web.max-connections or descriptors)"},
       {"remote", quietest->peer}});
  Close(*quietest);
  return true;
}

void HttpServer::OnReadable(Connection& c) {
  // Called when the socket is readable (or for bytes already read), so the
  // client has sent something: a timeout later is no longer a silent client.
  c.heard = true;
  if (c.state == Connection::State::kHandshake) {
    ERR_clear_error();
    const int rc = SSL_accept(c.ssl);
    if (rc != 1) {
      const int err = SSL_get_error(c.ssl, rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        c.want_write = err == SSL_ERROR_WANT_WRITE;
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.tls_failures;
      }
      router_.client_log().Log(LogLevel::kInfo, "connection closed",
                               {{"reason", HandshakeError(err)}, {"remote", c.peer}});
      ERR_clear_error();
      SSL_free(c.ssl);  // no close_notify after a failed handshake
      c.ssl = nullptr;
      Close(c);
      return;
    }
    c.want_write = false;
    c.state = Connection::State::kReading;
  }
  char buffer[16 * 1024];
  bool closed = false;
  // Reading stops past the head's limit: the parse below answers 431 then.
  while (c.in.size() <= options_.max_header_bytes) {
    const long n = ReadSome(c, buffer, sizeof buffer);
    if (n == -1) break;
    if (n <= 0) {
      closed = true;
      break;
    }
    if (c.state == Connection::State::kIdle) {
      // The deadline for the next head starts with its first byte.
      c.state = Connection::State::kReading;
      c.deadline = SteadyClock::now() + options_.read_header_timeout;
    }
    c.in.append(buffer, static_cast<std::size_t>(n));
  }
  if (c.state == Connection::State::kIdle && !c.in.empty()) {
    c.state = Connection::State::kReading;
    c.deadline = SteadyClock::now() + options_.read_header_timeout;
  }
  if (c.in.empty()) {
    if (closed) Close(c);
    return;
  }
  HttpRequestHeadParse parsed = ParseHttpRequestHead(c.in, options_.max_header_bytes);
  if (parsed.status == HttpRequestHeadParse::Status::kIncomplete) {
    if (closed) Close(c);
    return;
  }
  auto reject = [&](int status, const std::string& text,
                    std::vector<ClientLog::Field> client_fields) {
    // Answered here and closed: nothing about the request can be trusted.
    // One try to send; a client that cannot take a few hundred bytes now
    // gets nothing. Logged first, with the sentence the client is answered.
    std::vector<ClientLog::Field> fields = {{"status", std::to_string(status)}, {"reason", text}};
    for (auto& field : client_fields) fields.push_back(std::move(field));
    fields.emplace_back("remote", c.peer);
    router_.client_log().Log(LogLevel::kWarn, "request refused", std::move(fields));
    const std::string body = text + "\n";
    std::string response = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) +
                           "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                           std::to_string(body.size()) +
                           "\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n" +
                           body;
    if (c.ssl != nullptr) {
      SSL_write(c.ssl, response.data(), static_cast<int>(response.size()));
    } else {
      [[maybe_unused]] ssize_t n = ::send(c.fd, response.data(), response.size(), MSG_NOSIGNAL);
    }
    Close(c);
  };
  if (parsed.status == HttpRequestHeadParse::Status::kError) {
    reject(parsed.error_status, parsed.error, {{"line", LoggedRequestLine(c.in)}});
    return;
  }
  HttpRequestHead& head = parsed.head;
  c.in.erase(0, head.head_size);
  c.close_after = false;
  // The endpoints take no body. A small one that has arrived is skipped; a
  // larger or chunked one is not read, and the connection closes after the
  // answer.
  if (head.Header("transfer-encoding") != nullptr) {
    c.close_after = true;
  } else if (const std::string* length = head.Header("content-length")) {
    if (length->empty() || length->size() > 12 ||
        length->find_first_not_of("0123456789") != std::string::npos) {
      reject(400, "Malformed Content-Length.",
             {{"method", ClientLog::ClientText(head.method)},
              {"uri", ClientLog::ClientText(head.target)}});
      return;
    }
    const std::size_t bytes = std::stoull(*length);
    if (bytes <= c.in.size()) {
      c.in.erase(0, bytes);
    } else {
      c.close_after = true;
      c.in.clear();
    }
  }
  c.request = std::move(head);
  Dispatch(c);
}

void HttpServer::Dispatch(Connection& c) {
  c.state = Connection::State::kBusy;
  Connection* raw = &c;
  const bool probe = router_.IsProbe(c.request.target);
  BoundedLane& lane = probe ? *probe_lane_ : *lane_;
  if (lane.TryPost([this, raw] { Serve(raw); })) return;
  if (probe) {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.probe_queue_full;
  }
  router_.client_log().Log(LogLevel::kWarn, "request refused",
                           {{"status", "429"},
                            {"reason", probe ? "every /probe worker busy and its queue full"
                                             : "every worker busy and the queue full"},
                            {"method", ClientLog::ClientText(c.request.method)},
                            {"uri", ClientLog::ClientText(c.request.target)},
                            {"remote", c.peer}});
  // Every worker busy and the queue full: answer here, without a worker.
  c.state = Connection::State::kReading;
  const std::string body = "Too many requests waiting; retry later.\n";
  const std::string response =
      "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: " +
      std::to_string(body.size()) +
      "\r\nRetry-After: 1\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n" + body;
  if (c.ssl != nullptr) {
    SSL_write(c.ssl, response.data(), static_cast<int>(response.size()));
  } else {
    [[maybe_unused]] ssize_t n = ::send(c.fd, response.data(), response.size(), MSG_NOSIGNAL);
  }
  Close(c);
}

void HttpServer::Serve(Connection* c) {
  const HttpRequestHead& head = c->request;
  HttpRouterRequest request;
  request.method = head.method;
  request.uri = head.target;
  if (const std::string* timeout = head.Header("x-prometheus-scrape-timeout-seconds")) {
    request.scrape_timeout = *timeout;
  }
  request.headers = head.headers;
  request.remote_address = c->peer;
  request.tls = c->ssl != nullptr;

  HttpRouterResponse response;
  try {
    response = router_.Handle(request);
  } catch (const std::exception&) {
    response = HttpRouterResponse{};
    response.status = 500;
    response.body = "Internal Server Error\n";
  }
  const bool keep = head.KeepAlive() && !c->close_after && !stopping_;
  const bool head_only = head.method == "HEAD";

  std::string body;
  bool gzip = false;
  if (!head_only && head.AcceptsGzip()) {
    gzip = true;
    if (response.metrics) {
      body = Gzip([&](std::ostream& out) { response.metrics->Write(out); });
    } else {
      body = Gzip([&](std::ostream& out) { out << response.body; });
    }
  }
  const std::size_t length = gzip               ? body.size()
                             : response.metrics ? response.metrics->size()
                                                : response.body.size();

  std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + ReasonPhrase(response.status) + "\r\n";
  auto add = [&](const std::string& name, const std::string& value) {
    if (!SafeHeader(name, value)) return;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  // Headers from the web configuration replace the server's own of the same
  // name rather than repeat them (two X-Frame-Options that disagree are
  // ignored by browsers).
  const std::vector<std::pair<std::string, std::string>> configured = access_.ResponseHeaders();
  auto add_default = [&](const std::string& name, const std::string& value) {
    for (const auto& header : configured) {
      if (Poco::icompare(header.first, name) == 0) return;
    }
    add(name, value);
  };
  add("Content-Type", response.content_type);
  add("Content-Length", std::to_string(length));
  if (gzip) add("Content-Encoding", "gzip");
  add("Vary", "Accept-Encoding");
  add_default("X-Content-Type-Options", "nosniff");
  if (response.content_type.rfind("text/html", 0) == 0) {
    // The status page needs no script, no frame and no outside resource.
    add_default("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    add_default("X-Frame-Options", "DENY");
  }
  for (const auto& [name, value] : response.headers) add(name, value);
  for (const auto& [name, value] : configured) add(name, value);
  if (!keep) {
    add("Connection", "close");
  } else if (head.minor_version == 0) {
    add("Connection", "keep-alive");
  }
  out += "\r\n";

  bool ok = true;
  if (head_only) {
    ok = WriteAll(*c, out.data(), out.size(), options_.write_timeout);
  } else if (gzip || !response.metrics) {
    const std::string& payload = gzip ? body : response.body;
    if (payload.size() < 64 * 1024) {
      out += payload;
      ok = WriteAll(*c, out.data(), out.size(), options_.write_timeout);
    } else {
      ok = WriteAll(*c, out.data(), out.size(), options_.write_timeout) &&
           WriteAll(*c, payload.data(), payload.size(), options_.write_timeout);
    }
  } else {
    // A /metrics body of 10,000 targets (about 16 MB) in some 60 writes.
    ChunkStreamBuf buffer(
        [this, c](const char* data, std::size_t size) {
          return WriteAll(*c, data, size, options_.write_timeout);
        },
        256 * 1024);
    std::ostream stream(&buffer);
    stream.write(out.data(), static_cast<std::streamsize>(out.size()));
    response.metrics->Write(stream);
    stream.flush();
    ok = !buffer.failed();
  }
  Return(c, keep && ok);
}

void HttpServer::Return(Connection* c, bool keep) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    returned_.emplace_back(c, keep);
  }
  Wake();
}

void HttpServer::Close(Connection& c) {
  if (c.ssl != nullptr) {
    if (c.state != Connection::State::kHandshake) SSL_shutdown(c.ssl);  // one try, not waited for
    SSL_free(c.ssl);
  }
  ::close(c.fd);
  {
    std::lock_guard<std::mutex> lock(mu_);
    --stats_.open;
  }
  connections_.erase(c.id);
}

}  // namespace pushprobe::exporter
