#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/core/expected.h"

namespace pushprobe {

/// \brief The parts of the OAuthS2SV1Metadata document the check uses (docs/protocol.md 2.3).
struct AuthMetadata {
  std::string realm;             ///< tenant GUID: from "issuer" after '@' (or "realm")
  std::string issuer;            ///< full "principal@realm"
  std::string issuer_principal;  ///< "issuer" before '@'
  std::string token_endpoint;    ///< endpoint with protocol OAuth2 (usage issuance where given)
  std::vector<std::string> allowed_audiences;
  std::vector<std::string> signing_certificates_der;  ///< decoded keyValue.value entries
};

/// Parses the metadata JSON. Member names match case-insensitively. Errors
/// name what was missing or wrong: "not JSON: <detail>", "not a JSON object",
/// "no issuer", "issuer has no '@realm'" (and no "realm" either),
/// "no endpoint with protocol OAuth2", "signing key <n> is not valid base64"
/// (n counts the entries of "keys" from 1). When "issuer" and "realm" disagree,
/// the issuer's realm wins: it is the one the issuer's tokens carry.
Expected<AuthMetadata> ParseAuthMetadata(std::string_view json);

}  // namespace pushprobe
