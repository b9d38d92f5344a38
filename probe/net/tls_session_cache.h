#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "probe/core/http_facts.h"

namespace pushprobe::net_internal {

/// \brief The last TLS session per (host, port, connect address), for
/// resumption. Thread-safe. Bounded: when full, the oldest key is dropped, so
/// an exporter that sees a rotating set of front-end addresses cannot grow it
/// without limit. Each session is kept with the facts of the certificate
/// chain it was made with, so a resumed handshake, whose session carries
/// that same chain, reports them without describing the certificates again.
class TlsSessionCache {
 public:
  static constexpr std::size_t kMaxEntries = 256;

  TlsSessionCache() = default;
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  static std::string Key(const std::string& host, int port, const std::string& address);

  using ChainFacts = std::shared_ptr<const std::vector<CertificateFacts>>;

  /// A new reference to the cached session (caller frees), or nullptr; with
  /// \p chain, the facts of its server chain (null if none were stored).
  SSL_SESSION* Get(const std::string& key, ChainFacts* chain = nullptr);
  /// Stores \p session (a reference is taken) and the facts of the chain it
  /// was made with under \p key, replacing any other.
  void Put(const std::string& key, SSL_SESSION* session, ChainFacts chain = nullptr);

 private:
  struct Entry {
    SSL_SESSION* session = nullptr;
    ChainFacts chain;
  };
  std::mutex mu_;
  std::map<std::string, Entry> sessions_;
  std::deque<std::string> order_;  // insertion order of the keys in sessions_
};

}  // namespace pushprobe::net_internal
