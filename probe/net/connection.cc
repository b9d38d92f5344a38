#include "probe/net/connection.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "probe/net/socket_bio.h"

namespace pushprobe::net_internal {
namespace {

IoResult Result(IoResult::Kind kind) {
  IoResult r;
  r.kind = kind;
  return r;
}

IoResult SystemError(int err) {
  IoResult r;
  r.kind = IoResult::Kind::kSystem;
  r.error_number = err;
  r.detail = std::generic_category().message(err);
  return r;
}

}  // namespace

std::string DrainOpenSslErrors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    // Keep only the reason ("certificate verify failed"), not the library
    // and function codes, which mean nothing to an administrator.
    const char* reason = ERR_reason_error_string(e);
    if (!text.empty()) text += "; ";
    text += reason != nullptr ? reason : buf;
  }
  return text;
}

Connection::~Connection() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) close(fd_);
}

bool Connection::UsableWhenIdle() const {
  if (fd_ < 0 || (ssl_ != nullptr && SSL_pending(ssl_) > 0)) return false;
  // A few rounds: each SSL_peek below consumes at least one record.
  for (int round = 0; round < 8; ++round) {
    // With read-ahead, records that arrived with the last response (a
    // ticket, a close_notify) may wait in OpenSSL's buffer, not the socket.
    const bool buffered = ssl_ != nullptr && SSL_has_pending(ssl_) == 1;
    if (!buffered) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, 0);
      if (ready == 0) return true;
      if (ready < 0 || ssl_ == nullptr) return false;
    }
    // A TLS 1.3 server sends its session tickets after the handshake: records
    // without application data that leave the connection usable (a connection
    // opened ahead has read nothing since). Let OpenSSL consume them; anything
    // else (data sent unasked, a close, an alert) makes the connection unusable.
    ERR_clear_error();
    char byte = 0;
    const int n = SSL_peek(ssl_, &byte, 1);
    const int err = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_, n);
    ERR_clear_error();
    if (err != SSL_ERROR_WANT_READ) return false;
  }
  return false;
}

IoResult Connection::WaitFor(Wait what, const Deadline& deadline) {
  // The deadline's cancellation, when it has one, is watched beside the
  // socket: work nobody needs any more (a request sent ahead for a stage that
  // will not run) stops waiting at once, as it would at the deadline.
  const Cancellation* cancellation = deadline.cancellation();
  pollfd pfds[2] = {};
  pfds[0].fd = fd_;
  pfds[0].events = what == Wait::kRead ? POLLIN : POLLOUT;
  pfds[1].fd = cancellation != nullptr ? cancellation->fd() : -1;
  pfds[1].events = POLLIN;
  const nfds_t count = pfds[1].fd >= 0 ? 2 : 1;
  for (;;) {
    if (deadline.Expired()) return Result(IoResult::Kind::kTimeout);
    const int rc = poll(pfds, count, deadline.RemainingMillis());
    if (rc > 0 && pfds[0].revents != 0) return Result(IoResult::Kind::kOk);
    if (rc < 0 && errno != EINTR) return SystemError(errno);
  }
}

IoResult Connection::Connect(const ResolvedAddress& address, const Deadline& deadline) {
  if (deadline.Expired()) return Result(IoResult::Kind::kTimeout);
  fd_ = socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return SystemError(errno);
  // Requests are written in one piece and then we wait; Nagle would only add
  // latency to the measured request phase.
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&address.storage), address.length) == 0) {
    return Result(IoResult::Kind::kOk);
  }
  if (errno != EINPROGRESS && errno != EINTR) return SystemError(errno);
  IoResult waited = WaitFor(Wait::kWrite, deadline);
  if (!waited.ok()) return waited;
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return SystemError(errno);
  if (err != 0) return SystemError(err);
  return Result(IoResult::Kind::kOk);
}

IoResult Connection::TlsFailure(int ssl_error) {
  const int sys_errno = SocketBioLastErrno(SSL_get_rbio(ssl_));
  std::string openssl = DrainOpenSslErrors();
  if (ssl_error == SSL_ERROR_ZERO_RETURN) return Result(IoResult::Kind::kClosed);
  if (ssl_error == SSL_ERROR_SYSCALL) {
    if (sys_errno != 0) return SystemError(sys_errno);
    if (openssl.empty()) return Result(IoResult::Kind::kClosed);
  }
  if (sys_errno == ECONNRESET || sys_errno == EPIPE) return SystemError(sys_errno);
  IoResult r;
  r.kind = IoResult::Kind::kTls;
  r.detail = openssl.empty() ? "TLS error " + std::to_string(ssl_error) : openssl;
  // OpenSSL reports a peer that hung up mid-record as a protocol error.
  if (openssl.find("unexpected eof") != std::string::npos) r.kind = IoResult::Kind::kClosed;
  return r;
}

IoResult Connection::Handshake(SSL* ssl, const Deadline& deadline) {
  ssl_ = ssl;
  BIO* bio = NewSocketBio(fd_);
  if (bio == nullptr) {
    IoResult r;
    r.kind = IoResult::Kind::kTls;
    r.detail = "cannot allocate the socket BIO";
    return r;
  }
  SSL_set_bio(ssl_, bio, bio);
  for (;;) {
    ERR_clear_error();
    const int rc = SSL_connect(ssl_);
    if (rc == 1) return Result(IoResult::Kind::kOk);
    const int err = SSL_get_error(ssl_, rc);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return TlsFailure(err);
    IoResult waited = WaitFor(err == SSL_ERROR_WANT_READ ? Wait::kRead : Wait::kWrite, deadline);
    if (!waited.ok()) return waited;
  }
}

IoResult Connection::WriteAll(std::string_view data, const Deadline& deadline) {
  std::size_t done = 0;
  while (done < data.size()) {
    if (deadline.Expired()) return Result(IoResult::Kind::kTimeout);
    if (ssl_ != nullptr) {
      ERR_clear_error();
      std::size_t written = 0;
      const int rc = SSL_write_ex(ssl_, data.data() + done, data.size() - done, &written);
      if (rc == 1) {
        done += written;
        continue;
      }
      const int err = SSL_get_error(ssl_, rc);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return TlsFailure(err);
      IoResult waited = WaitFor(err == SSL_ERROR_WANT_READ ? Wait::kRead : Wait::kWrite, deadline);
      if (!waited.ok()) return waited;
    } else {
      const ssize_t n = send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n >= 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return SystemError(errno);
      IoResult waited = WaitFor(Wait::kWrite, deadline);
      if (!waited.ok()) return waited;
    }
  }
  IoResult r;
  r.bytes = done;
  return r;
}

IoResult Connection::ReadSome(char* buffer, std::size_t capacity, const Deadline& deadline) {
  for (;;) {
    if (deadline.Expired()) return Result(IoResult::Kind::kTimeout);
    if (ssl_ != nullptr) {
      ERR_clear_error();
      std::size_t n = 0;
      const int rc = SSL_read_ex(ssl_, buffer, capacity, &n);
      if (rc == 1) {
        IoResult r;
        r.bytes = n;
        return r;
      }
      const int err = SSL_get_error(ssl_, rc);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return TlsFailure(err);
      IoResult waited = WaitFor(err == SSL_ERROR_WANT_READ ? Wait::kRead : Wait::kWrite, deadline);
      if (!waited.ok()) return waited;
    } else {
      const ssize_t n = recv(fd_, buffer, capacity, 0);
      if (n > 0) {
        IoResult r;
        r.bytes = static_cast<std::size_t>(n);
        return r;
      }
      if (n == 0) return Result(IoResult::Kind::kClosed);
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return SystemError(errno);
      IoResult waited = WaitFor(Wait::kRead, deadline);
      if (!waited.ok()) return waited;
    }
  }
}

}  // namespace pushprobe::net_internal
