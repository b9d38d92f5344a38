#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pushprobe::testing {

/// \brief One thing a TcpRelay saw, in the order all relays of a RelayLog saw them.
struct RelayEvent {
  enum class Kind {
    kAccepted,      ///< a client connection arrived
    kClientData,    ///< bytes from the client (passed on to the server)
    kServerData,    ///< bytes from the server (passed on to the client)
    kClientClosed,  ///< the client ended its side (EOF or error)
    kServerClosed,  ///< the server ended its side
  };
  std::string relay;  ///< the relay's name
  int connection;     ///< 0 for the relay's first connection, 1 for its second...
  Kind kind;
};

/// \brief The events of one or more relays in one order, and a way to hold a
/// relay's server bytes until the events say so. Thread-safe.
class RelayLog {
 public:
  using Condition = std::function<bool(const std::vector<RelayEvent>&)>;

  RelayLog();
  ~RelayLog();
  RelayLog(const RelayLog&) = delete;
  RelayLog& operator=(const RelayLog&) = delete;

  std::vector<RelayEvent> events() const;
  /// The first index of an event matching (relay, connection, kind), or -1.
  int IndexOf(const std::string& relay, int connection, RelayEvent::Kind kind) const;
  /// Connections the relay named \p relay accepted.
  int Connections(const std::string& relay) const;
  /// Waits until \p condition holds for the events (true), at most \p timeout (false).
  bool WaitFor(const Condition& condition, std::chrono::milliseconds timeout) const;

  /// Until \p release holds for the events so far, nothing the server sends
  /// through the relay named \p relay reaches its client. Once per log.
  void HoldServerBytes(const std::string& relay, Condition release);

 private:
  friend class TcpRelay;
  void Record(RelayEvent event);
  bool Held(const std::string& relay) const;
  /// Readable once the hold is released: pumps wait for it in poll(2).
  int released_fd() const { return released_pipe_[0]; }

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  int released_pipe_[2] = {-1, -1};
  std::vector<RelayEvent> events_;
  std::string held_relay_;
  Condition release_;
};

/// \brief A TCP relay on 127.0.0.1 (port chosen by the kernel) in front of
/// 127.0.0.1:\p upstream_port, for tests that must see or shape a client's
/// connections: it records when each one opens, carries data and closes, and
/// can add a round-trip time as bench/wan's delay proxy does (every chunk
/// passed on half the RTT after it arrived, in order; a connection's first
/// client bytes one RTT more, for the TCP handshake its loopback accept did
/// not cost). One thread per connection; the destructor closes everything
/// and joins them.
class TcpRelay {
 public:
  TcpRelay(RelayLog& log, std::string name, std::uint16_t upstream_port,
           std::chrono::milliseconds rtt = std::chrono::milliseconds(0));
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  void AcceptLoop();
  void Pump(int connection, int client_fd, int server_fd);

  RelayLog& log_;
  const std::string name_;
  const std::uint16_t upstream_port_;
  const std::chrono::milliseconds rtt_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::vector<std::thread> pumps_;  // only the acceptor adds, only the destructor joins
  std::thread acceptor_;
};

}  // namespace pushprobe::testing
