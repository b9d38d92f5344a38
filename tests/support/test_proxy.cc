#include "tests/support/test_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace pushprobe::testing {
namespace {

constexpr std::size_t kMaxHead = 16 * 1024;

bool SendAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// The head up to the empty line, byte by byte so nothing after it is taken.
std::optional<std::string> ReadHead(int fd) {
  std::string head;
  char c;
  while (head.size() < kMaxHead && ::recv(fd, &c, 1, 0) == 1) {
    head += c;
    if (head.size() >= 4 && head.compare(head.size() - 4, 4, "\r\n\r\n") == 0) return head;
  }
  return std::nullopt;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<std::string> HeaderValue(const std::string& head, const std::string& name) {
  std::size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    const std::size_t begin = line + 2;
    const std::size_t end = head.find("\r\n", begin);
    const std::string field = head.substr(begin, end - begin);
    const std::size_t colon = field.find(':');
    if (colon != std::string::npos && Lower(field.substr(0, colon)) == Lower(name)) {
      std::string value = field.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
    line = end;
  }
  return std::nullopt;
}

}  // namespace

std::string BasicCredentials(const std::string& user, const std::string& password) {
  const std::string plain = user + ":" + password;
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(plain.data()),
                                static_cast<int>(plain.size()));
  return "Basic " + encoded.substr(0, static_cast<std::size_t>(n));
}

TestProxy::TestProxy(Options options) : options_(std::move(options)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error(std::string("test proxy: cannot listen: ") + std::strerror(errno));
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TestProxy::~TestProxy() { Stop(); }

std::string TestProxy::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<SeenConnect> TestProxy::connects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connects_;
}

void TestProxy::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    // Wakes accept() and every blocked recv()/poll() of the handlers.
    ::shutdown(listen_fd_, SHUT_RDWR);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  acceptor_.join();
  for (std::thread& t : handlers_) t.join();
  ::close(listen_fd_);
}

void TestProxy::AcceptLoop() {
  while (true) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    if (fd < 0) continue;
    open_fds_.push_back(fd);
    handlers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void TestProxy::Serve(int fd) {
  if (std::optional<std::string> head = ReadHead(fd)) {
    SeenConnect seen;
    seen.proxy_authorization = HeaderValue(*head, "Proxy-Authorization");
    std::string reply;
    const int upstream = Answer(*head, seen, reply);
    {
      // Recorded before the answer goes out: a client that has read the
      // answer finds the CONNECT here.
      std::lock_guard<std::mutex> lock(mu_);
      connects_.push_back(seen);
    }
    const bool sent = SendAll(fd, reply);
    if (upstream >= 0) {
      if (sent) Tunnel(fd, upstream);
      ::close(upstream);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

// Decides the answer to the CONNECT; returns the upstream socket when the
// tunnel is open, else -1.
int TestProxy::Answer(const std::string& head, SeenConnect& seen, std::string& reply) {
  const std::size_t line_end = head.find("\r\n");
  const std::string line = head.substr(0, line_end);
  const std::size_t space = line.find(' ', 8);
  if (line.compare(0, 8, "CONNECT ") != 0 || space == std::string::npos) {
    seen.status = 400;
    reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    return -1;
  }
  seen.target = line.substr(8, space - 8);
  if (!options_.user.empty() &&
      seen.proxy_authorization != BasicCredentials(options_.user, options_.password)) {
    seen.status = 407;
    reply =
        "HTTP/1.1 407 Proxy Authentication Required\r\n"
        "Proxy-Authenticate: Basic realm=\"pushprobe-test\"\r\n"
        "Content-Length: 0\r\n\r\n";
    return -1;
  }
  const std::size_t colon = seen.target.rfind(':');
  std::uint16_t port = options_.upstream_port;
  if (port == 0 && colon != std::string::npos) {
    port = static_cast<std::uint16_t>(std::atoi(seen.target.c_str() + colon + 1));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (upstream < 0 || ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (upstream >= 0) ::close(upstream);
    seen.status = 502;
    reply = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
    return -1;
  }
  seen.status = 200;
  reply = "HTTP/1.1 200 Connection established\r\n\r\n";
  return upstream;
}

void TestProxy::Tunnel(int client, int upstream) {
  pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
  char buf[16 * 1024];
  bool open = true;
  while (open && ::poll(fds, 2, -1) > 0) {
    for (int i = 0; i < 2 && open; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
      open = n > 0 && ::send(fds[1 - i].fd, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) == n;
    }
    std::lock_guard<std::mutex> lock(mu_);
    open = open && !stopping_;
  }
}

}  // namespace pushprobe::testing
