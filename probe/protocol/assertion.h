#pragma once

#include <string>
#include <string_view>

#include "probe/core/clock.h"
#include "probe/protocol/signing_credential.h"

namespace pushprobe {

/// \brief The inputs of an ACS S2S actor assertion (docs/protocol.md 2.5).
struct AssertionParams {
  std::string service_name;         ///< Exchange's principal id
  std::string realm;                ///< tenant GUID
  std::string token_issuer;         ///< ACS principal id
  std::string token_endpoint_host;  ///< host of the token endpoint URL
  WallTime now{};
  Duration lifetime = std::chrono::seconds(600);
};

/// The JOSE header JSON: {"typ":"JWT","alg":"RS256","x5t":"..."}.
std::string AssertionHeaderJson(const SigningCredential& credential);
/// The claims JSON with exactly iss, aud, nbf, exp.
std::string AssertionClaimsJson(const AssertionParams& params);
/// The signed compact JWT (header.claims.signature). Secret: never log it.
std::string BuildAssertion(const SigningCredential& credential, const AssertionParams& params);

/// The token request body: exactly grant_type, assertion, resource, form-encoded.
std::string TokenRequestBody(std::string_view assertion, std::string_view resource);
/// "<client_id>/<push proxy host>@<realm>".
std::string TokenResource(std::string_view client_id, std::string_view proxy_host,
                          std::string_view realm);

/// \brief The inputs of a Microsoft identity platform v2 client assertion
/// (docs/protocol.md 2.6, RFC 7523 section 3).
struct ClientAssertionParams {
  std::string application_id;  ///< the application (client) id: iss and sub
  std::string token_url;       ///< the token endpoint the assertion is posted to: aud
  std::string jti;             ///< a fresh id per assertion (a GUID)
  WallTime now{};              ///< nbf and iat
  Duration lifetime = std::chrono::seconds(600);
};

/// The v2 JOSE header JSON: {"typ":"JWT","alg":"RS256","x5t":"...","x5t#S256":"..."}.
std::string ClientAssertionHeaderJson(const SigningCredential& credential);
/// The v2 claims JSON with exactly aud, iss, sub, jti, nbf, iat, exp (in that order).
std::string ClientAssertionClaimsJson(const ClientAssertionParams& params);
/// The signed compact JWT. Secret: never log it.
std::string BuildClientAssertion(const SigningCredential& credential,
                                 const ClientAssertionParams& params);
/// The v2 token request body, form-encoded, with exactly grant_type
/// (client_credentials), client_id, client_assertion_type (jwt-bearer),
/// client_assertion and scope, in that order.
std::string ClientCredentialsRequestBody(std::string_view application_id,
                                         std::string_view client_assertion, std::string_view scope);

/// \brief The monitoring batch body and its notification id (docs/protocol.md 2.7).
/// \p sequence is N in "yyyyMMdd-HHmmss-N".
std::string MonitoringBatchJson(WallTime now, int sequence);
std::string NotificationId(WallTime now, int sequence);

}  // namespace pushprobe
