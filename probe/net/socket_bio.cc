#include "probe/net/socket_bio.h"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>

// Why a custom BIO: OpenSSL's socket BIO writes with write(2), which raises
// SIGPIPE when the peer has closed. A library must not change the process's
// signal disposition, Linux has no SO_NOSIGPIPE, and a BIO pair would add a
// copy and a second buffering layer; send(2) with MSG_NOSIGNAL solves it at
// the only place bytes leave the process.

namespace pushprobe::net_internal {
namespace {

struct SocketBioData {
  int fd = -1;
  int last_errno = 0;
};

std::atomic<std::uint64_t> recv_calls{0};

bool IsRetryable(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

int BioCreate(BIO* bio) {
  BIO_set_data(bio, new SocketBioData());
  BIO_set_init(bio, 0);
  return 1;
}

int BioDestroy(BIO* bio) {
  if (bio == nullptr) return 0;
  delete static_cast<SocketBioData*>(BIO_get_data(bio));
  BIO_set_data(bio, nullptr);
  return 1;
}

int BioWrite(BIO* bio, const char* buf, int len) {
  auto* data = static_cast<SocketBioData*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t n = send(data->fd, buf, static_cast<std::size_t>(len), MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (IsRetryable(errno)) {
    BIO_set_retry_write(bio);
  } else {
    data->last_errno = errno;
  }
  return -1;
}

int BioRead(BIO* bio, char* buf, int len) {
  auto* data = static_cast<SocketBioData*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  recv_calls.fetch_add(1, std::memory_order_relaxed);
  const ssize_t n = recv(data->fd, buf, static_cast<std::size_t>(len), 0);
  if (n >= 0) return static_cast<int>(n);
  if (IsRetryable(errno)) {
    BIO_set_retry_read(bio);
  } else {
    data->last_errno = errno;
  }
  return -1;
}

int BioPuts(BIO* bio, const char* str) {
  int len = 0;
  while (str[len] != '\0') ++len;
  return BioWrite(bio, str, len);
}

long BioCtrl(BIO* /*bio*/, int cmd, long /*num*/, void* /*ptr*/) {
  // send(2) does not buffer in user space, so a flush is always complete.
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

const BIO_METHOD* Method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "pushprobe socket");
    if (m == nullptr) return m;
    BIO_meth_set_write(m, BioWrite);
    BIO_meth_set_read(m, BioRead);
    BIO_meth_set_puts(m, BioPuts);
    BIO_meth_set_ctrl(m, BioCtrl);
    BIO_meth_set_create(m, BioCreate);
    BIO_meth_set_destroy(m, BioDestroy);
    return m;
  }();
  return method;
}

}  // namespace

BIO* NewSocketBio(int fd) {
  const BIO_METHOD* method = Method();
  if (method == nullptr) return nullptr;
  BIO* bio = BIO_new(method);
  if (bio == nullptr) return nullptr;
  static_cast<SocketBioData*>(BIO_get_data(bio))->fd = fd;
  BIO_set_init(bio, 1);
  return bio;
}

int SocketBioLastErrno(BIO* bio) {
  if (bio == nullptr) return 0;
  auto* data = static_cast<SocketBioData*>(BIO_get_data(bio));
  return data != nullptr ? data->last_errno : 0;
}

std::uint64_t SocketBioRecvCalls() { return recv_calls.load(std::memory_order_relaxed); }

}  // namespace pushprobe::net_internal
