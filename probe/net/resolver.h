#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "probe/core/deadline.h"
#include "probe/net/net_status.h"

namespace pushprobe::net_internal {

/// \brief One address a host name resolved to, with the port filled in.
struct ResolvedAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  /// "127.0.0.1:8443" or "[::1]:8443".
  std::string ToString() const;
};

/// \brief What a blocking lookup produced: addresses, or the resolver's error text.
struct LookupResult {
  std::vector<ResolvedAddress> addresses;
  std::string error;  ///< empty on success, e.g. gai_strerror's text
};

/// A blocking lookup of (host, port). Must be safe to call on any thread and
/// must not refer to anything that may die before it returns: it can outlive
/// the Resolve call that started it.
using LookupFunction = std::function<LookupResult(const std::string& host, std::uint16_t port)>;

/// getaddrinfo(3), TCP, any address family, in the order the system prefers.
LookupResult SystemLookup(const std::string& host, std::uint16_t port);

/// \brief What a ResolverPool is doing now, read at scrape time.
struct ResolverStats {
  std::size_t in_flight = 0;  ///< lookups running on the pool's threads (abandoned ones too)
  std::size_t waiting = 0;    ///< lookups queued for a free thread
  std::size_t limit = 0;      ///< threads at most, so lookups in flight at most
};

/// \brief Runs blocking lookups on at most \p limit threads.
///
/// getaddrinfo(3) cannot be cancelled and can block for as long as the
/// resolver configuration allows (a silent server: tens of seconds), so a
/// thread per lookup piles up threads while a resolver does not answer. Here
/// lookups queue for a fixed number of threads, started as they are needed
/// and kept. A caller whose deadline passes stops waiting: a queued lookup is
/// dropped, a running one finishes alone and frees its thread. Either way
/// the caller gets kDns ("DNS lookup of X timed out ..."). Thread-safe.
class ResolverPool {
 public:
  explicit ResolverPool(std::size_t limit);
  /// Threads still in a lookup finish it and exit; callers must have returned.
  ~ResolverPool();
  ResolverPool(const ResolverPool&) = delete;
  ResolverPool& operator=(const ResolverPool&) = delete;

  /// Resolves \p host without blocking past \p deadline. IP literals bypass
  /// the lookup. A lookup that neither starts nor finishes by the deadline is
  /// kDns "timed out"; a failed lookup is kDns with the resolver's text.
  NetStatus Resolve(const std::string& host, std::uint16_t port, const Deadline& deadline,
                    const LookupFunction& lookup, std::vector<ResolvedAddress>* out);

  ResolverStats Stats() const;

  /// The process's pool, which every HttpClient resolves through. Never
  /// destroyed: its threads may be inside a lookup at exit.
  static ResolverPool& Shared();

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

/// Lookups on the process's pool at once (ResolverPool::Shared()). A healthy
/// lookup takes milliseconds, so 8 serve thousands of lookups a second; with
/// a silent resolver they bound the threads it can hold.
inline constexpr std::size_t kSharedResolverThreads = 8;

/// ResolverPool::Shared().Resolve(...).
NetStatus Resolve(const std::string& host, std::uint16_t port, const Deadline& deadline,
                  const LookupFunction& lookup, std::vector<ResolvedAddress>* out);

}  // namespace pushprobe::net_internal
