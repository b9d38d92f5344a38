#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/core/expected.h"

namespace pushprobe {

/// \brief The Bearer challenge of a 401's WWW-Authenticate (docs/protocol.md 2.4).
struct BearerChallenge {
  std::string realm;  ///< empty when absent
  std::string client_id;
  std::vector<std::string> trusted_issuers;  ///< "principal@realm", realm may be "*"
  std::vector<std::string> token_types;      ///< split at spaces
  std::string authorization_uri;
  std::string error;
  /// True when trusted_issuers names \p principal for \p realm_name (or for "*").
  bool Trusts(std::string_view principal, std::string_view realm_name) const;
};

/// Finds the Bearer scheme among the schemes of one or more WWW-Authenticate
/// values (e.g. `Bearer k="v", k2="v2",Basic Realm=""`) and parses its
/// parameters (quoted or token values, names case-insensitive).
Expected<BearerChallenge> ParseBearerChallenge(std::string_view header_value);

}  // namespace pushprobe
