#pragma once

#include <string>
#include <string_view>

#include "probe/core/ascii.h"
#include "probe/core/expected.h"
#include "probe/core/hex.h"

namespace pushprobe {

/// Base64 (RFC 4648 section 4) with padding.
std::string Base64Encode(std::string_view bytes);
/// Base64url (section 5) without padding, as JWTs and x5t use it.
std::string Base64UrlEncode(std::string_view bytes);
/// Decodes base64 or base64url, with or without padding, ignoring whitespace.
Expected<std::string> Base64Decode(std::string_view text);
/// application/x-www-form-urlencoded encoding of one name or value.
std::string FormUrlEncode(std::string_view text);

}  // namespace pushprobe
