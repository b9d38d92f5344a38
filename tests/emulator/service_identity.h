#pragma once

#include <string>

#include "tests/emulator/constants.h"

namespace pushprobe::emulator {

/// \brief Who the emulated tenant is, and the principal names derived from it.
struct ServiceIdentity {
  std::string organization{kDefaultOrganization};
  std::string tenant{kDefaultTenant};

  /// "00000001-...@<tenant>": the token issuer, and the metadata's issuer.
  std::string AcsIssuer() const { return std::string(kAcsPrincipal) + "@" + tenant; }
  /// "00000002-...@<tenant>": the iss every assertion must carry.
  std::string ExchangeIssuer() const { return std::string(kExchangePrincipal) + "@" + tenant; }
  /// "00000001-.../accounts.accesscontrol.windows.net@<tenant>": the assertion's aud.
  std::string AssertionAudience() const {
    return std::string(kAcsPrincipal) + "/" + std::string(kAcsHost) + "@" + tenant;
  }
  /// "00000002-.../outlook.office365.com@<tenant>": the resource, and the access token's aud.
  std::string Resource() const {
    return std::string(kExchangePrincipal) + "/" + std::string(kOutlookHost) + "@" + tenant;
  }
  std::string TokenEndpointPath() const { return "/" + tenant + "/tokens/OAuth/2"; }
  std::string TokenEndpointUrl() const {
    return "https://" + std::string(kAcsHost) + TokenEndpointPath();
  }
  /// "https://login.microsoftonline.com/<tenant>/v2.0": the OpenID configuration's issuer.
  std::string V2Issuer() const {
    return "https://" + std::string(kLoginHost) + "/" + tenant + "/v2.0";
  }
  /// "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token".
  std::string V2TokenEndpointUrl() const {
    return "https://" + std::string(kLoginHost) + "/" + tenant + std::string(kV2TokenPathSuffix);
  }
  /// "https://outlook.office365.com/.default": the one scope the v2 endpoint grants.
  std::string V2Scope() const { return std::string(kOutlookResource) + "/.default"; }
  /// True for the organization's domain or the tenant GUID, compared case-insensitively.
  bool IsRealm(const std::string& realm) const;
};

}  // namespace pushprobe::emulator
