#include "probe/net/http_client_pool.h"

#include <sys/stat.h>

#include <utility>

namespace pushprobe {
namespace {

// Length-prefixed, so no value can forge another field's boundary.
void Append(std::string& key, const std::string& value) {
  key += std::to_string(value.size());
  key += ':';
  key += value;
}

}  // namespace

std::string HttpClientPool::Key(const HttpClientOptions& options) {
  std::string key;
  Append(key, options.ca_file);
  if (!options.ca_file.empty()) {
    // The file is read when the client is built; a file replaced since then
    // must not be served by the old trust store.
    struct stat st {};
    if (::stat(options.ca_file.c_str(), &st) == 0) {
      Append(key, std::to_string(st.st_dev) + "/" + std::to_string(st.st_ino) + "/" +
                      std::to_string(st.st_size) + "/" + std::to_string(st.st_mtim.tv_sec) + "." +
                      std::to_string(st.st_mtim.tv_nsec));
    }
  }
  Append(key, options.proxy);
  Append(key, options.proxy_user);
  Append(key, options.proxy_password_file);
  Append(key, options.reuse_tls_sessions ? "1" : "0");
  Append(key, std::string(TlsVersionName(options.tls_max_version)));
  // A profile is a TLS context of its own, with its own session cache:
  // sessions are resumed only with the offer that made them.
  Append(key, std::string(TlsProfileName(options.tls_profile)));
  for (const std::string& name : options.tls_ciphers) Append(key, name);
  for (const ConnectTo& rule : options.connect_to) {
    Append(key, rule.host);
    Append(key, std::to_string(rule.port));
    Append(key, rule.connect_host);
    Append(key, std::to_string(rule.connect_port));
  }
  return key;
}

std::shared_ptr<HttpClient> HttpClientPool::Get(const HttpClientOptions& options) {
  const std::string key = Key(options);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = clients_.find(key); it != clients_.end()) {
      if (auto client = it->second.lock()) return client;
    }
  }
  // Built outside the lock: loading a CA file is slow and must not hold up
  // users of other clients. Two racing builders both succeed; the first one
  // stored wins and the other is dropped.
  auto client = std::make_shared<HttpClient>(options, clock_);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = clients_.begin(); it != clients_.end();) {
    it = it->second.expired() ? clients_.erase(it) : std::next(it);
  }
  auto [it, inserted] = clients_.emplace(key, client);
  if (!inserted) {
    if (auto existing = it->second.lock()) return existing;
    it->second = client;
  }
  return client;
}

std::size_t HttpClientPool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t alive = 0;
  for (const auto& [key, client] : clients_) alive += client.expired() ? 0 : 1;
  return alive;
}

}  // namespace pushprobe
