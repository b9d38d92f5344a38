#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
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

/// Resolves \p host without blocking past \p deadline. IP literals bypass the
/// lookup. Otherwise \p lookup runs on a detached thread that shares its result
/// through reference-counted state, so on timeout this returns kTimeout
/// ("DNS lookup of X timed out after N ms") and the lookup finishes alone.
/// A failed lookup is kDns with the resolver's text.
NetStatus Resolve(const std::string& host, std::uint16_t port, const Deadline& deadline,
                  const LookupFunction& lookup, std::vector<ResolvedAddress>* out);

}  // namespace pushprobe::net_internal
