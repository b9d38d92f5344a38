#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exporters/bounded_lane.h"
#include "exporters/http_router.h"
#include "exporters/web_access.h"

namespace pushprobe::exporter {

/// \brief The exporter's HTTP/1.1 listener, built to keep answering /metrics
/// whatever other clients do.
///
/// One thread accepts and reads: it polls every listening socket and every
/// connection that is not being answered, runs TLS handshakes (when the
/// WebAccess gives the connection a TLS context) and reads request heads,
/// without blocking on any client. Only a complete request head goes to a
/// worker. So:
/// - a head (and the TLS handshake before it) must arrive within
///   `read_header_timeout` of the connection's first byte, else the
///   connection is closed: slowloris clients cost a socket, not a thread;
/// - a kept-alive connection with no new request for `idle_timeout` is closed;
/// - at most `max_connections` are open; a new one past that closes the
///   connection that has been quiet longest (idle or still sending its head)
///   and, when every connection is being answered, the new one itself;
/// - `/probe` requests (HttpRouter::IsProbe) are answered by their own
///   `probe_threads` workers with at most `probe_queue` waiting (a 429 past
///   that), so a flood of slow on-demand runs never holds up /metrics, the
///   status page or /-/healthy, which `threads` other workers answer.
/// A response's write must make progress every `write_timeout`.
///
/// What the listener refuses or closes on its own is logged with a reason
/// through the router's HttpRouter::client_log(), within the budget the
/// router's refusals use: a bad head (400, 431, 505) and a 429 at warn with
/// the request line (or method and URI) cut and escaped; a connection
/// refused at the cap at warn; a head or TLS handshake not done in time, a
/// failed handshake and an eviction at info; a connection that never sent a
/// byte and timed out at debug.
///
/// Responses get the right reason phrase, `X-Content-Type-Options: nosniff`,
/// a Content-Security-Policy allowing no script and no framing on HTML, the
/// WebAccess's headers, and gzip when the client accepts it.
class HttpServer {
 public:
  struct Options {
    std::size_t threads = 4;         ///< workers for everything but /probe
    std::size_t probe_threads = 16;  ///< workers for /probe
    std::size_t probe_queue = 64;    ///< /probe requests waiting for a worker
    std::size_t max_connections = 512;
    Duration read_header_timeout = std::chrono::seconds(5);
    Duration idle_timeout = std::chrono::seconds(60);
    Duration write_timeout = std::chrono::seconds(30);
    std::size_t max_header_bytes = 16 * 1024;
  };

  /// Connection counts, for the exporter's own metrics.
  struct Stats {
    std::size_t open = 0;                ///< connections open now
    std::uint64_t accepted = 0;          ///< connections accepted
    std::uint64_t header_timeouts = 0;   ///< closed: no complete head in time
    std::uint64_t idle_timeouts = 0;     ///< closed: kept alive, no request in time
    std::uint64_t evicted = 0;           ///< closed to make room for a new one
    std::uint64_t refused = 0;           ///< closed at once: all busy, or WebAccess refused
    std::uint64_t tls_failures = 0;      ///< TLS handshakes that failed
    std::uint64_t probe_queue_full = 0;  ///< /probe answered 429 by the server
    /// /probe requests running or waiting for a worker now (at most
    /// probe_threads + probe_queue; one more gets the 429).
    std::size_t probe_outstanding = 0;
  };

  /// \p router and \p access must outlive the server.
  HttpServer(HttpRouter& router, WebAccess& access, Options options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds every address ("host:port", "[v6]:port", ":port" for every
  /// interface, IPv6 and IPv4 where the machine has IPv6; port 0 picks a free
  /// port) and starts serving.
  /// \throw std::runtime_error naming the address when one is malformed or
  /// cannot be bound (nothing is left listening then).
  void Start(const std::vector<std::string>& listen_addresses);
  /// Stops accepting, closes idle connections, lets requests being answered
  /// finish. Idempotent.
  void Stop();
  /// The bound ports, in the order of the addresses (after Start).
  const std::vector<std::uint16_t>& ports() const { return ports_; }
  std::uint16_t port() const { return ports_.empty() ? 0 : ports_.front(); }
  Stats stats() const;

  struct Connection;

 private:
  enum class AcceptResult { kAccepted, kNone, kRetry, kNoDescriptors };

  void Loop();
  AcceptResult Accept(int listener);
  void OnReadable(Connection& c);
  void Dispatch(Connection& c);
  void Serve(Connection* c);
  void Return(Connection* c, bool keep);
  void Close(Connection& c);
  bool EvictOne();
  /// Says why a connection that did not send its head in time is closed.
  void LogHeaderTimeout(const Connection& c);
  void Wake();

  HttpRouter& router_;
  WebAccess& access_;
  const Options options_;
  std::vector<int> listeners_;
  std::vector<std::uint16_t> ports_;
  int wake_[2] = {-1, -1};
  std::unique_ptr<BoundedLane> lane_;
  std::unique_ptr<BoundedLane> probe_lane_;
  std::thread loop_;
  std::atomic<bool> stopping_{false};

  // Touched by the loop thread only.
  std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::uint64_t next_id_ = 1;

  mutable std::mutex mu_;  ///< guards returned_ and stats_
  std::vector<std::pair<Connection*, bool>> returned_;
  Stats stats_;
};

}  // namespace pushprobe::exporter
