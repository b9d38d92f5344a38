#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "probe/core/expected.h"

namespace pushprobe {

/// \brief A successful token answer. Numbers may arrive as strings or numbers.
struct TokenGrant {
  std::string token_type;
  std::string access_token;                ///< secret: never log or print
  std::int64_t expires_in = 0;             ///< seconds
  std::optional<std::int64_t> not_before;  ///< Unix seconds
  std::optional<std::int64_t> expires_on;  ///< Unix seconds
  std::string resource;
};

/// \brief An OAuth error answer ({"error":...,"error_description":...}).
struct OAuthError {
  std::string error;
  std::string description;  ///< full text, may contain "\r\nTrace ID: ..."
  std::vector<std::int64_t> error_codes;
  /// The leading code of the description, e.g. "AADSTS700027" or "ACS50012", or empty.
  std::string ServiceCode() const;
  /// The description up to the first line break.
  std::string FirstLine() const;
};

using TokenAnswer = std::variant<TokenGrant, OAuthError>;

/// Parses a token endpoint body: a grant (access_token and expires_in
/// required), or an OAuth error (a body whose "error" member is a string). Anything else
/// is an error naming what was wrong, with at most 80 characters of the body
/// (control characters escaped, never anything from "access_token" on).
Expected<TokenAnswer> ParseTokenAnswer(std::string_view json);

}  // namespace pushprobe
