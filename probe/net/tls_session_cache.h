#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace pushprobe::net_internal {

/// \brief The last TLS session per (host, port, connect address), for
/// resumption. Thread-safe. Bounded: when full, the oldest key is dropped, so
/// an exporter that sees a rotating set of front-end addresses cannot grow it
/// without limit.
class TlsSessionCache {
 public:
  static constexpr std::size_t kMaxEntries = 256;

  TlsSessionCache() = default;
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  static std::string Key(const std::string& host, int port, const std::string& address);

  /// A new reference to the cached session (caller frees), or nullptr.
  SSL_SESSION* Get(const std::string& key);
  /// Stores \p session (a reference is taken) under \p key, replacing any other.
  void Put(const std::string& key, SSL_SESSION* session);

 private:
  std::mutex mu_;
  std::map<std::string, SSL_SESSION*> sessions_;
  std::deque<std::string> order_;  // insertion order of the keys in sessions_
};

}  // namespace pushprobe::net_internal
