#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "probe/core/clock.h"
#include "probe/net/http_client.h"

namespace pushprobe {

/// \brief Shares one HttpClient (its TLS context, trust store and TLS session
/// cache) among every user whose HttpClientOptions are equal.
///
/// A TLS context with its trust store costs about 23 KB and a few
/// milliseconds to build, so one per target does not scale to thousands of
/// targets; targets that reach the same hosts the same way (same CA file,
/// connect_to rules and proxy) can share one, and then also share resumable
/// TLS sessions. Sharing changes nothing a run verifies: the trust anchors are
/// the same, and a session is only cached after its chain and host name were
/// verified, under a key naming the host, port and connected address.
///
/// The pool holds clients weakly: a client lives while a user holds it, so a
/// reload that drops every user of a CA file frees its client. A CA file that
/// changed on disk (size, modification time or inode) gets a new client.
/// Thread-safe.
class HttpClientPool {
 public:
  /// \p clock must outlive the pool and every client it made.
  explicit HttpClientPool(const Clock& clock) : clock_(clock) {}
  HttpClientPool(const HttpClientPool&) = delete;
  HttpClientPool& operator=(const HttpClientPool&) = delete;

  /// The live client made for options equal to \p options, or a new one.
  /// \throw std::runtime_error as HttpClient's constructor (a CA file that
  /// cannot be loaded).
  std::shared_ptr<HttpClient> Get(const HttpClientOptions& options);

  /// Clients alive now.
  std::size_t size() const;

  /// The key under which \p options share a client (exposed for tests).
  static std::string Key(const HttpClientOptions& options);

 private:
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::weak_ptr<HttpClient>> clients_;
};

}  // namespace pushprobe
