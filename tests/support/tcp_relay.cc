#include "tests/support/tcp_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <stdexcept>
#include <utility>

namespace pushprobe::testing {

using Clock = std::chrono::steady_clock;

RelayLog::RelayLog() {
  if (pipe2(released_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("RelayLog: no pipe");
}

RelayLog::~RelayLog() {
  close(released_pipe_[0]);
  close(released_pipe_[1]);
}

std::vector<RelayEvent> RelayLog::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

int RelayLog::IndexOf(const std::string& relay, int connection, RelayEvent::Kind kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const RelayEvent& e = events_[i];
    if (e.relay == relay && e.connection == connection && e.kind == kind) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int RelayLog::Connections(const std::string& relay) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const RelayEvent& e : events_)
    n += e.relay == relay && e.kind == RelayEvent::Kind::kAccepted;
  return n;
}

bool RelayLog::WaitFor(const Condition& condition, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return condition(events_); });
}

void RelayLog::HoldServerBytes(const std::string& relay, Condition release) {
  std::lock_guard<std::mutex> lock(mu_);
  held_relay_ = relay;
  release_ = std::move(release);
}

void RelayLog::Record(RelayEvent event) {
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back(std::move(event));
  if (release_ && release_(events_)) {
    release_ = nullptr;
    held_relay_.clear();
    // Never read: stays readable for every pump that waits on it.
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = write(released_pipe_[1], &byte, 1);
  }
  changed_.notify_all();
}

bool RelayLog::Held(const std::string& relay) const {
  std::lock_guard<std::mutex> lock(mu_);
  return !held_relay_.empty() && held_relay_ == relay;
}

namespace {

int ConnectUpstream(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

TcpRelay::TcpRelay(RelayLog& log, std::string name, std::uint16_t upstream_port,
                   std::chrono::milliseconds rtt)
    : log_(log), name_(std::move(name)), upstream_port_(upstream_port), rtt_(rtt) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    throw std::runtime_error("TcpRelay: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TcpRelay::~TcpRelay() {
  // The stop pipe wakes the acceptor and every pump; shutting the sockets
  // down ends any write in progress.
  // Closing the stop pipe's write end wakes the acceptor and every pump.
  close(stop_pipe_[1]);
  acceptor_.join();
  for (std::thread& t : pumps_) t.join();
  close(stop_pipe_[0]);
  close(listen_fd_);
}

void TcpRelay::AcceptLoop() {
  for (int connection = 0;; ++connection) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const int server = ConnectUpstream(upstream_port_);
    log_.Record({name_, connection, RelayEvent::Kind::kAccepted});
    if (server < 0) {
      close(client);
      continue;
    }
    pumps_.emplace_back([this, connection, client, server] { Pump(connection, client, server); });
  }
}

void TcpRelay::Pump(int connection, int client_fd, int server_fd) {
  struct Direction {
    int from;
    int to;
    RelayEvent::Kind data_kind;
    RelayEvent::Kind closed_kind;
    std::deque<std::pair<Clock::time_point, std::string>> queue;
    bool eof = false;
    bool shut = false;
    bool first = true;
  };
  Direction directions[2] = {
      {client_fd, server_fd, RelayEvent::Kind::kClientData, RelayEvent::Kind::kClientClosed, {}},
      {server_fd, client_fd, RelayEvent::Kind::kServerData, RelayEvent::Kind::kServerClosed, {}}};
  const Clock::duration one_way = rtt_ / 2;
  for (;;) {
    const Clock::time_point now = Clock::now();
    Clock::time_point next = Clock::time_point::max();
    bool held_with_data = false;
    for (int d = 0; d < 2; ++d) {
      Direction& dir = directions[d];
      const bool held = d == 1 && log_.Held(name_);
      if (held && !dir.queue.empty()) held_with_data = true;
      while (!held && !dir.queue.empty() && dir.queue.front().first <= now) {
        if (!WriteAll(dir.to, dir.queue.front().second)) dir.queue.clear();
        if (!dir.queue.empty()) dir.queue.pop_front();
      }
      if (!held && !dir.queue.empty()) next = std::min(next, dir.queue.front().first);
      if (dir.eof && dir.queue.empty() && !dir.shut) {
        shutdown(dir.to, SHUT_WR);
        dir.shut = true;
      }
    }
    if (directions[0].shut && directions[1].shut) break;
    pollfd fds[4];
    int sources[4];
    nfds_t n = 0;
    for (int d = 0; d < 2; ++d) {
      if (!directions[d].eof) {
        fds[n] = {directions[d].from, POLLIN, 0};
        sources[n++] = d;
      }
    }
    fds[n] = {stop_pipe_[0], POLLIN, 0};
    sources[n++] = -1;
    int timeout = -1;
    if (next != Clock::time_point::max()) {
      timeout = static_cast<int>(
          std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now()).count());
      if (timeout < 0) timeout = 0;
    }
    if (held_with_data) {
      // Server bytes wait for the release, which an event of this or another
      // relay brings.
      fds[n] = {log_.released_fd(), POLLIN, 0};
      sources[n++] = -2;
    }
    if (poll(fds, n, timeout) < 0 && errno != EINTR) break;
    bool stop = false;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (sources[i] == -2) continue;  // released: delivered on the next turn
      if (sources[i] < 0) {
        stop = true;
        continue;
      }
      Direction& dir = directions[sources[i]];
      char buffer[65536];
      const ssize_t got = recv(dir.from, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        dir.eof = true;
        log_.Record({name_, connection, dir.closed_kind});
        continue;
      }
      Clock::duration delay = one_way;
      if (dir.first && sources[i] == 0) delay += rtt_;  // the TCP handshake
      dir.first = false;
      dir.queue.emplace_back(Clock::now() + delay,
                             std::string(buffer, static_cast<std::size_t>(got)));
      log_.Record({name_, connection, dir.data_kind});
    }
    if (stop) break;
  }
  close(client_fd);
  close(server_fd);
}

}  // namespace pushprobe::testing
