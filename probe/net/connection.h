#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "probe/core/deadline.h"
#include "probe/net/resolver.h"

namespace pushprobe::net_internal {

/// \brief How one I/O step on a connection ended.
struct IoResult {
  enum class Kind {
    kOk,       ///< done (for reads: at least one byte)
    kClosed,   ///< orderly end of stream (EOF or TLS close_notify)
    kTimeout,  ///< the deadline passed first
    kSystem,   ///< a socket error; see error_number
    kTls,      ///< a TLS protocol error; see detail
  };
  Kind kind = Kind::kOk;
  int error_number = 0;
  std::string detail;  ///< OpenSSL's error text for kTls, strerror for kSystem
  std::size_t bytes = 0;

  bool ok() const { return kind == Kind::kOk; }
};

/// \brief One TCP connection, optionally wrapped in TLS, with every operation
/// bounded by a deadline. Non-blocking underneath; waits with poll(2).
/// Not thread-safe; one per exchange.
class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Opens a non-blocking TCP connection to \p address.
  IoResult Connect(const ResolvedAddress& address, const Deadline& deadline);

  /// Runs the client handshake on \p ssl (ownership taken) over this connection.
  /// On failure the SSL object stays attached so the caller can inspect it.
  IoResult Handshake(SSL* ssl, const Deadline& deadline);

  /// Writes all of \p data (through TLS once a handshake has run).
  IoResult WriteAll(std::string_view data, const Deadline& deadline);

  /// Reads up to \p capacity bytes; kOk with bytes >= 1, or kClosed at the end.
  IoResult ReadSome(char* buffer, std::size_t capacity, const Deadline& deadline);

  /// Whether an idle connection can carry another request: open, and nothing
  /// arrived unasked. A peer that closed it (its keep-alive timeout), reset it
  /// or sent something (a 408, a close_notify) makes it unusable. Does not block.
  bool UsableWhenIdle() const;

  /// The TLS object once Handshake was called, else nullptr.
  SSL* ssl() const { return ssl_; }

 private:
  enum class Wait { kRead, kWrite };
  IoResult WaitFor(Wait what, const Deadline& deadline);
  IoResult TlsFailure(int ssl_error);

  int fd_ = -1;
  SSL* ssl_ = nullptr;
};

/// The text of OpenSSL's thread-local error queue, emptied; "" when empty.
std::string DrainOpenSslErrors();

}  // namespace pushprobe::net_internal
