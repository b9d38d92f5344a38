#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
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

/// \brief ParseAuthMetadata with a memo of the last few documents parsed.
///
/// A tenant's document changes only when its keys roll, so a check nearly
/// always fetches the bytes it fetched last run: those (compared byte for
/// byte, never by a hash alone) give the copy parsed then, without parsing
/// the JSON and decoding its certificates again. Only successes are kept;
/// bounded at kEntries documents, the least recently used dropped first, so
/// thousands of tenants cost a few comparisons of lengths per run. Thread-safe.
class AuthMetadataMemo {
 public:
  static constexpr std::size_t kEntries = 16;

  /// What ParseAuthMetadata(\p json) returns.
  Expected<AuthMetadata> Parse(std::string_view json);
  /// How many documents were served from the memo.
  std::uint64_t hits() const;

  /// The memo the checks of this process share.
  static AuthMetadataMemo& Shared();

 private:
  struct Entry {
    std::string json;
    AuthMetadata parsed;
  };
  mutable std::mutex mu_;
  std::list<Entry> entries_;  // most recently used first
  std::uint64_t hits_ = 0;
};

}  // namespace pushprobe
