#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/core/expected.h"

namespace pushprobe {

/// \brief An absolute http(s) URL split into what a client needs.
struct Url {
  std::string scheme;            ///< "http" or "https", lower case
  std::string host;              ///< without brackets for IPv6 literals, lower case
  std::uint16_t port = 0;        ///< explicit or the scheme's default
  std::string path_and_query;    ///< at least "/"
  std::string ToString() const;  ///< normalised; default port omitted
};

/// Parses an absolute http or https URL; rejects userinfo, fragments in
/// requests, empty hosts and bad ports with a specific message.
Expected<Url> ParseUrl(std::string_view text);

/// RFC 3986 section 5.2 reference resolution of \p reference against \p base
/// (both as strings; \p base must be absolute).
Expected<std::string> ResolveReference(std::string_view base, std::string_view reference);

/// The relative reference Exchange resolves against the push proxy Uri.
inline constexpr std::string_view kPublishRelativeReference =
    "PushNotifications/service.svc/PublishOnPremNotifications";

/// The publish URL for a service Uri, per docs/protocol.md 2.7.
Expected<std::string> PublishUrlFor(std::string_view service_uri);

/// True when \p service_uri's path ends in '/' (and is not just "/"), which
/// makes Exchange post to ".../PushNotifications/PushNotifications/..." (a
/// classic misconfiguration).
bool HasTrailingSlashMisconfiguration(std::string_view service_uri);

}  // namespace pushprobe
