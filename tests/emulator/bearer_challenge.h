#pragma once

#include <optional>
#include <string>

namespace pushprobe::emulator {

/// \brief The WWW-Authenticate value of Exchange Online's 401 (docs/protocol.md 2.4).
struct BearerChallenge {
  std::string trusted_issuers = "00000001-0000-0000-c000-000000000000@*";
  std::optional<std::string> realm;  ///< a realm parameter, which the service omits
  std::optional<std::string> error;  ///< error="..." as sent for a rejected token

  /// With the defaults, exactly:
  /// `Bearer client_id="00000002-...", trusted_issuers="00000001-...@*",
  /// token_types="app_asserted_user_v1 service_asserted_app_v1",
  /// authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",Basic Realm=""`
  std::string ToString() const;
};

}  // namespace pushprobe::emulator
