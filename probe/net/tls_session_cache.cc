#include "probe/net/tls_session_cache.h"

namespace pushprobe::net_internal {

TlsSessionCache::~TlsSessionCache() {
  for (auto& entry : sessions_) SSL_SESSION_free(entry.second.session);
}

std::string TlsSessionCache::Key(const std::string& host, int port, const std::string& address) {
  return host + "|" + std::to_string(port) + "|" + address;
}

SSL_SESSION* TlsSessionCache::Get(const std::string& key, ChainFacts* chain) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return nullptr;
  SSL_SESSION_up_ref(it->second.session);
  if (chain != nullptr) *chain = it->second.chain;
  return it->second.session;
}

void TlsSessionCache::Put(const std::string& key, SSL_SESSION* session, ChainFacts chain) {
  SSL_SESSION_up_ref(session);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it != sessions_.end()) {
    SSL_SESSION_free(it->second.session);
    it->second = Entry{session, std::move(chain)};
    return;
  }
  if (sessions_.size() >= kMaxEntries && !order_.empty()) {
    auto oldest = sessions_.find(order_.front());
    if (oldest != sessions_.end()) {
      SSL_SESSION_free(oldest->second.session);
      sessions_.erase(oldest);
    }
    order_.pop_front();
  }
  sessions_.emplace(key, Entry{session, std::move(chain)});
  order_.push_back(key);
}

}  // namespace pushprobe::net_internal
