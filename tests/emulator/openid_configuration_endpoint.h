#pragma once

#include <chrono>
#include <string>

#include "tests/emulator/http_exchange.h"
#include "tests/emulator/service_identity.h"

namespace pushprobe::emulator {

/// \brief GET /<tenant>/v2.0/.well-known/openid-configuration on
/// login.microsoftonline.com: the tenant's OpenID configuration, with the
/// members Azure AD sends that a client credentials client reads (issuer,
/// token_endpoint, jwks_uri, ...). <tenant> is the organization's domain or
/// the tenant GUID; the document always names the GUID, as Azure AD does. An
/// unknown tenant gets 400 invalid_tenant with AADSTS90002.
class OpenIdConfigurationEndpoint {
 public:
  explicit OpenIdConfigurationEndpoint(const ServiceIdentity& identity);

  /// True for a path of this endpoint (any tenant segment).
  static bool IsPath(const std::string& path);
  const std::string& document() const { return document_; }
  Reply Handle(const Request& request, std::chrono::system_clock::time_point now) const;

 private:
  const ServiceIdentity& identity_;
  std::string document_;
};

}  // namespace pushprobe::emulator
