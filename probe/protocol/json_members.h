#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/core/expected.h"
#include "probe/protocol/json_reader.h"

/// Internal to pushprobe_protocol: reading the members of the JSON objects the
/// protocol receives, as liberally as the services' clients do (names compared
/// case-insensitively, numbers sent as strings).
namespace pushprobe::json {

/// Parses \p text as a JSON object. Errors: "not JSON: <detail>" or
/// "not a JSON object". A leading UTF-8 byte order mark is ignored.
Expected<Value> ParseObject(std::string_view text);

/// The member named \p name compared case-insensitively, or nullptr. When
/// several members match, an exact-case match wins, and among those the last
/// one (as most JSON readers keep the last of duplicate names).
const Value* Member(const Value& object, std::string_view name);

/// The member as a string; numbers (as written) and booleans are converted,
/// null and containers give nullopt.
std::optional<std::string> String(const Value& object, std::string_view name);

/// The member as an integer: a JSON number (fractions dropped) or a string of
/// decimal digits ("86399"). nullopt when absent, null, not a number or out of
/// the 64-bit range.
std::optional<std::int64_t> Integer(const Value& object, std::string_view name);
/// The same conversion for a value that is not a member (an array element).
std::optional<std::int64_t> Integer(const Value& value);

/// The member as a boolean: true/false or the strings "true"/"false".
std::optional<bool> Boolean(const Value& object, std::string_view name);

/// The member if it is an object or an array, else nullptr.
const Value* ObjectMember(const Value& object, std::string_view name);
const Value* ArrayMember(const Value& object, std::string_view name);

/// \p text as a JSON string literal (quotes included). Escapes only what JSON
/// requires, so '/' stays as it is.
std::string Quote(std::string_view text);

}  // namespace pushprobe::json
