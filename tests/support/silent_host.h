#pragma once

#include <chrono>
#include <cstdint>

namespace pushprobe::testing {

/// \brief A host on 127.0.0.1 (port chosen by the kernel) that never answers,
/// for tests of what a client does while it waits: nothing is read, written
/// or closed until the destructor.
class SilentHost {
 public:
  enum class Mode {
    /// The kernel completes every TCP handshake and queues the connection;
    /// nobody accepts it, so a TLS handshake or a request waits forever.
    kAcceptsTcp,
    /// Its accept queue is full (one connection of its own fills a backlog
    /// of 0), so the kernel drops every SYN and a connect never completes,
    /// as behind a firewall that drops.
    kDropsSyn,
  };

  explicit SilentHost(Mode mode);
  ~SilentHost();
  SilentHost(const SilentHost&) = delete;
  SilentHost& operator=(const SilentHost&) = delete;

  std::uint16_t port() const { return port_; }

  /// kAcceptsTcp: waits until a client's bytes (a ClientHello, a request)
  /// are queued on a connection it holds, at most \p timeout; true if so.
  /// Accepts the connections that arrive meanwhile, without answering.
  bool WaitForClientBytes(std::chrono::milliseconds timeout);

 private:
  int listen_fd_ = -1;
  int filler_fd_ = -1;    // kDropsSyn: the connection that fills the queue
  int accepted_fd_ = -1;  // the connection WaitForClientBytes watches
  std::uint16_t port_ = 0;
};

}  // namespace pushprobe::testing
