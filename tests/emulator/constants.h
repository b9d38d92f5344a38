#pragma once

#include <string_view>

namespace pushprobe::emulator {

/// Exchange's own principal (AuthConfig ServiceName), the client of the token endpoint.
inline constexpr std::string_view kExchangePrincipal = "00000002-0000-0ff1-ce00-000000000000";
/// The ACS principal, the token issuer.
inline constexpr std::string_view kAcsPrincipal = "00000001-0000-0000-c000-000000000000";

inline constexpr std::string_view kAcsHost = "accounts.accesscontrol.windows.net";
inline constexpr std::string_view kOutlookHost = "outlook.office365.com";
inline constexpr std::string_view kLoginHost = "login.microsoftonline.com";

inline constexpr std::string_view kJwtBearerGrant = "http://oauth.net/grant_type/jwt/1.0/bearer";

inline constexpr std::string_view kMetadataPath = "/metadata/json/1/";
inline constexpr std::string_view kPublishPath =
    "/PushNotifications/service.svc/PublishOnPremNotifications";
inline constexpr std::string_view kControlPrefix = "/_emulator/";

inline constexpr std::string_view kDefaultOrganization = "fabrikam.com";
inline constexpr std::string_view kDefaultTenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

}  // namespace pushprobe::emulator
