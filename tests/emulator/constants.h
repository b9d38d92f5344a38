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

/// Microsoft identity platform v2 (docs/protocol.md 2.6).
inline constexpr std::string_view kClientCredentialsGrant = "client_credentials";
inline constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// The resource of the v2 scope, and the aud of the access tokens the v2 endpoint issues
/// (an inference: Exchange Online's application id URI).
inline constexpr std::string_view kOutlookResource = "https://outlook.office365.com";
inline constexpr std::string_view kV2TokenPathSuffix = "/oauth2/v2.0/token";
inline constexpr std::string_view kOpenIdConfigurationPathSuffix =
    "/v2.0/.well-known/openid-configuration";
/// The dedicated hybrid application the lab registers its Auth certificate on.
inline constexpr std::string_view kLabApplicationId = "6731de76-14a6-49ae-97bc-6eba6914391e";

inline constexpr std::string_view kMetadataPath = "/metadata/json/1/";
inline constexpr std::string_view kPublishPath =
    "/PushNotifications/service.svc/PublishOnPremNotifications";
inline constexpr std::string_view kControlPrefix = "/_emulator/";

inline constexpr std::string_view kDefaultOrganization = "fabrikam.com";
inline constexpr std::string_view kDefaultTenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

}  // namespace pushprobe::emulator
