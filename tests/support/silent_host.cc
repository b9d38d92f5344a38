#include "tests/support/silent_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace pushprobe::testing {
namespace {

int PollMillis(std::chrono::steady_clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

}  // namespace

SilentHost::SilentHost(Mode mode) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("SilentHost: no socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listen_fd_, mode == Mode::kDropsSyn ? 0 : 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(listen_fd_);
    throw std::runtime_error("SilentHost: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  if (mode == Mode::kDropsSyn) {
    // A backlog of 0 holds one completed connection: this one. A blocking
    // connect returns once the kernel has queued it.
    filler_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (filler_fd_ < 0 ||
        connect(filler_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      if (filler_fd_ >= 0) close(filler_fd_);
      close(listen_fd_);
      throw std::runtime_error("SilentHost: cannot fill its own accept queue");
    }
  }
}

SilentHost::~SilentHost() {
  if (accepted_fd_ >= 0) close(accepted_fd_);
  if (filler_fd_ >= 0) close(filler_fd_);
  close(listen_fd_);
}

bool SilentHost::WaitForClientBytes(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  if (accepted_fd_ < 0) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, PollMillis(until)) != 1) return false;
    accepted_fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (accepted_fd_ < 0) return false;
  }
  pollfd p{accepted_fd_, POLLIN, 0};
  return poll(&p, 1, PollMillis(until)) == 1;
}

}  // namespace pushprobe::testing
