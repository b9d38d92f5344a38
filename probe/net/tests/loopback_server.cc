#include "probe/net/tests/loopback_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

#include "probe/net/socket_bio.h"
#include "tests/support/test_pki.h"

namespace pushprobe::testing {
namespace {

int ListenOnLoopback(std::uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

template <typename T, typename F>
T* PemRead(const std::string& pem, F reader) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  T* out = reader(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (out == nullptr) throw std::runtime_error("cannot parse test PEM");
  return out;
}

std::size_t ContentLength(const std::string& head) {
  std::size_t pos = 0;
  while ((pos = head.find('\n', pos)) != std::string::npos) {
    ++pos;
    if (strncasecmp(head.c_str() + pos, "content-length:", 15) == 0) {
      return std::strtoul(head.c_str() + pos + 15, nullptr, 10);
    }
  }
  return 0;
}

}  // namespace

std::string WriteTempFile(const std::string& name, const std::string& content) {
  static std::atomic<int> counter{0};
  std::string path = ::testing::TempDir() + "pushprobe_net_" + std::to_string(getpid()) + "_" +
                     std::to_string(counter++) + "_" + name;
  WriteFile(path, content);
  return path;
}

std::uint16_t UnusedPort() {
  std::uint16_t port = 0;
  close(ListenOnLoopback(&port));
  return port;
}

bool ServerConnection::stopping() const {
  std::lock_guard<std::mutex> lock(server_.mu_);
  return server_.stopping_;
}

long ServerConnection::ReadSome(char* buf, std::size_t len) {
  if (!pending_.empty()) {
    const std::size_t n = std::min(len, pending_.size());
    std::memcpy(buf, pending_.data(), n);
    pending_.erase(0, n);
    return static_cast<long>(n);
  }
  if (ssl_ != nullptr) {
    const int n = SSL_read(ssl_, buf, static_cast<int>(len));
    return n > 0 ? n : 0;
  }
  const ssize_t n = recv(fd_, buf, len, 0);
  return n > 0 ? n : 0;
}

bool ServerConnection::ReadHead(std::string* head) {
  head->clear();
  char c;
  while (head->size() < 1 << 20) {
    if (ReadSome(&c, 1) <= 0) return false;
    head->push_back(c);
    if (head->size() >= 4 && head->compare(head->size() - 4, 4, "\r\n\r\n") == 0) {
      head->resize(head->size() - 4);
      return true;
    }
  }
  return false;
}

bool ServerConnection::ReadRequest(SeenRequest* out) {
  SeenRequest seen;
  seen.sni = sni_;
  seen.session_reused = reused_;
  if (!ReadHead(&seen.head)) return false;
  const std::size_t length = ContentLength(seen.head);
  std::vector<char> buf(64 * 1024);
  while (seen.body.size() < length) {
    const long n = ReadSome(buf.data(), std::min(buf.size(), length - seen.body.size()));
    if (n <= 0) return false;
    seen.body.append(buf.data(), static_cast<std::size_t>(n));
  }
  {
    std::lock_guard<std::mutex> lock(server_.mu_);
    server_.requests_.push_back(seen);
  }
  if (out != nullptr) *out = std::move(seen);
  return true;
}

bool ServerConnection::Write(std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    if (ssl_ != nullptr) {
      const int n = SSL_write(ssl_, data.data() + done, static_cast<int>(data.size() - done));
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    } else {
      const ssize_t n = send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
  }
  return true;
}

bool ServerConnection::WriteThenCloseNotify(std::string_view data) {
  int on = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
  const bool written = Write(data) && ssl_ != nullptr && SSL_shutdown(ssl_) >= 0;
  int off = 0;
  setsockopt(fd_, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
  return written;
}

void ServerConnection::Reset() {
  linger lin{};
  lin.l_onoff = 1;
  lin.l_linger = 0;
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  reset_ = true;
}

void ServerConnection::WaitForStop() {
  std::unique_lock<std::mutex> lock(server_.mu_);
  server_.stop_cv_.wait(lock, [this] { return server_.stopping_; });
}

LoopbackServer::LoopbackServer(Behaviour behaviour, std::optional<TlsIdentity> tls)
    : behaviour_(std::move(behaviour)) {
  if (tls) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    X509* cert = PemRead<X509>(tls->cert_pem, PEM_read_bio_X509);
    EVP_PKEY* key = PemRead<EVP_PKEY>(tls->key_pem, PEM_read_bio_PrivateKey);
    const bool ok =
        SSL_CTX_use_certificate(ctx_, cert) == 1 && SSL_CTX_use_PrivateKey(ctx_, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    for (const std::string& pem : tls->chain_pem) {
      X509* extra = PemRead<X509>(pem, PEM_read_bio_X509);
      SSL_CTX_add1_chain_cert(ctx_, extra);
      X509_free(extra);
    }
    if (!ok) throw std::runtime_error("cannot set up the test server's TLS identity");
  }
  listen_fd_ = ListenOnLoopback(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

LoopbackServer::~LoopbackServer() {
  Stop();
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

std::string LoopbackServer::Url(std::string_view path, std::string_view host) const {
  return std::string(ctx_ != nullptr ? "https://" : "http://") + std::string(host) + ":" +
         std::to_string(port_) + std::string(path);
}

int LoopbackServer::connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_;
}

bool LoopbackServer::WaitForHandshakes(int count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return handshake_cv_.wait_for(lock, timeout, [&] { return handshakes_ >= count; });
}

std::vector<SeenRequest> LoopbackServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void LoopbackServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !acceptor_.joinable()) return;
    stopping_ = true;
    // shutdown(2) wakes accept(2) and every blocked read of the handlers.
    shutdown(listen_fd_, SHUT_RDWR);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  stop_cv_.notify_all();
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& t : handlers_) t.join();
  handlers_.clear();
  close(listen_fd_);
}

void LoopbackServer::AcceptLoop() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mu_);
    if (fd < 0) {
      if (stopping_) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    if (stopping_) {
      close(fd);
      return;
    }
    ++connections_;
    open_fds_.push_back(fd);
    handlers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void LoopbackServer::Serve(int fd) {
  ServerConnection conn(*this, fd);
  bool ready = true;
  if (ctx_ != nullptr) {
    conn.ssl_ = SSL_new(ctx_);
    BIO* bio = net_internal::NewSocketBio(fd);
    SSL_set_bio(conn.ssl_, bio, bio);
    ready = SSL_accept(conn.ssl_) == 1;
    ERR_clear_error();
    if (ready) {
      const char* sni = SSL_get_servername(conn.ssl_, TLSEXT_NAMETYPE_host_name);
      conn.sni_ = sni != nullptr ? sni : "";
      conn.reused_ = SSL_session_reused(conn.ssl_) == 1;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++handshakes_;
      }
      handshake_cv_.notify_all();
    }
  }
  if (ready) behaviour_(conn);
  if (conn.ssl_ != nullptr) {
    if (ready && !conn.reset_) SSL_shutdown(conn.ssl_);
    SSL_free(conn.ssl_);
    ERR_clear_error();
  }
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  close(fd);
}

LoopbackServer::Behaviour LoopbackServer::Respond(const std::string& raw) {
  return [raw](ServerConnection& c) {
    if (c.ReadRequest()) c.Write(raw);
  };
}

LoopbackServer::Behaviour LoopbackServer::NeverAnswer() {
  return [](ServerConnection& c) {
    c.ReadRequest();
    c.WaitForStop();
  };
}

LoopbackServer::Behaviour LoopbackServer::ResetAfterRequest() {
  return [](ServerConnection& c) {
    if (c.ReadRequest()) c.Reset();
  };
}

LoopbackServer::Behaviour LoopbackServer::ConnectProxy(const std::string& refuse_status_line) {
  return [refuse_status_line](ServerConnection& c) {
    std::string head;
    if (!c.ReadHead(&head)) return;
    {
      std::lock_guard<std::mutex> lock(c.server_.mu_);
      c.server_.requests_.push_back(SeenRequest{head, "", "", false});
    }
    if (!refuse_status_line.empty()) {
      c.Write(refuse_status_line + "\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    // "CONNECT host:port HTTP/1.1": every host is this machine.
    const auto space = head.find(' ', 8);
    const auto colon = head.rfind(':', space);
    if (head.compare(0, 8, "CONNECT ") != 0 || colon == std::string::npos) {
      c.Write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(head.substr(colon + 1))));
    const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(upstream);
      c.Write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    c.Write("HTTP/1.1 200 Connection established\r\nProxy-Agent: loopback\r\n\r\n");
    pollfd fds[2] = {{c.fd(), POLLIN, 0}, {upstream, POLLIN, 0}};
    char buf[16 * 1024];
    bool open = true;
    while (open && poll(fds, 2, -1) > 0) {
      for (int i = 0; i < 2 && open; ++i) {
        if (fds[i].revents == 0) continue;
        const ssize_t n = recv(fds[i].fd, buf, sizeof(buf), 0);
        open = n > 0 && send(fds[1 - i].fd, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) == n;
      }
    }
    close(upstream);
  };
}

}  // namespace pushprobe::testing
