#pragma once

#include <chrono>
#include <string>

#include "tests/emulator/application_registry.h"
#include "tests/emulator/fault.h"
#include "tests/emulator/http_exchange.h"
#include "tests/emulator/service_identity.h"
#include "tests/emulator/token_policy.h"
#include "tests/emulator/token_signer.h"

namespace pushprobe::emulator {

/// \brief POST /<tenant>/oauth2/v2.0/token on login.microsoftonline.com: the
/// strict Microsoft identity platform v2 token endpoint for the client
/// credentials grant with a certificate (docs/protocol.md 2.6, RFC 7523 3).
///
/// Checks, in the order Azure AD would: the tenant; POST and form encoding
/// with exactly grant_type, client_id, client_assertion_type,
/// client_assertion and scope; the grant and assertion types; the
/// application (AADSTS700016); the assertion's JOSE header (alg RS256, x5t,
/// and x5t#S256 when present matching the same key); the key by x5t on that
/// application (AADSTS700027 when missing or expired); the signature; exactly
/// the claims aud, iss, sub, jti, nbf, iat, exp, with iss = sub = client_id
/// (AADSTS700021), aud = the token URL, and the time window (AADSTS700024);
/// the scope (AADSTS1002012, AADSTS500011). Errors are 400, and 401 for
/// invalid_client, as Azure AD answers. The AADSTS texts are Azure AD's
/// where known and close paraphrases otherwise.
class IdentityPlatformTokenEndpoint {
 public:
  IdentityPlatformTokenEndpoint(const ServiceIdentity& identity,
                                const ApplicationRegistry& applications, TokenSigner& signer,
                                TokenPolicy policy);

  /// True for a path of this endpoint (any tenant segment).
  static bool IsPath(const std::string& path);

  /// \p fault, when set, is one of the token faults the endpoint acts on
  /// (unregistered, expired-registration, skew); others are ignored here.
  Reply Handle(const Request& request, std::chrono::system_clock::time_point now,
               const Fault* fault);

  /// expires_in of the tokens it issues, as Azure AD's 3599.
  static constexpr std::chrono::seconds kTokenLifetime{3599};

 private:
  const ServiceIdentity& identity_;
  const ApplicationRegistry& applications_;
  TokenSigner& signer_;
  TokenPolicy policy_;
};

}  // namespace pushprobe::emulator
