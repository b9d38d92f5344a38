#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/core/expected.h"
#include "probe/core/url.h"

namespace pushprobe {

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
