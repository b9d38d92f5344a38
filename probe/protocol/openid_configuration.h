#pragma once

#include <string_view>

#include "probe/core/expected.h"
#include "probe/protocol/auth_metadata.h"

namespace pushprobe {

/// \brief Parses a tenant's OpenID configuration
/// (`https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration`)
/// into the AuthMetadata the later stages use, the way the ACS metadata
/// supplies them for the ACS flow (docs/protocol.md 2.3 and 2.6; reading this
/// document is an inference).
///
/// Uses the members "issuer" (realm: its first path segment, the tenant id,
/// as in `https://login.microsoftonline.com/<tenant id>/v2.0`) and
/// "token_endpoint"; member names match case-insensitively. issuer_principal
/// stays empty (the challenge stage then uses the configured token_issuer) and
/// no signing keys are read (they are at jwks_uri, which the check does not
/// need). Errors: "not JSON: <detail>", "not a JSON object", "no issuer",
/// "issuer <quoted> names no tenant", "no token_endpoint".
Expected<AuthMetadata> ParseOpenIdConfiguration(std::string_view json);

}  // namespace pushprobe
