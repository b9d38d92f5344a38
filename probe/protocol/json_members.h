#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "probe/core/expected.h"

/// Internal to pushprobe_protocol: JSON reading shared by the parsers. Not part
/// of the library's interface (it exposes Poco types).
namespace pushprobe::json {

/// Parses \p text as a JSON object. Errors: "not JSON: <detail>" or
/// "not a JSON object". A leading UTF-8 byte order mark is ignored.
Expected<Poco::JSON::Object::Ptr> ParseObject(std::string_view text);

/// The member named \p name compared case-insensitively, or nullptr. When
/// several members match, an exact-case match wins.
const Poco::Dynamic::Var* Member(const Poco::JSON::Object& object, std::string_view name);

/// The member as a string; numbers and booleans are converted, null and
/// containers give nullopt.
std::optional<std::string> String(const Poco::JSON::Object& object, std::string_view name);

/// The member as an integer: a JSON number (fractions dropped) or a string of
/// decimal digits ("86399"). nullopt when absent, null or not a number.
std::optional<std::int64_t> Integer(const Poco::JSON::Object& object, std::string_view name);

/// The member as a boolean: true/false or the strings "true"/"false".
std::optional<bool> Boolean(const Poco::JSON::Object& object, std::string_view name);

/// The member as an object or array, or null pointers.
Poco::JSON::Object::Ptr ObjectMember(const Poco::JSON::Object& object, std::string_view name);
Poco::JSON::Array::Ptr ArrayMember(const Poco::JSON::Object& object, std::string_view name);

/// An array element as an object, or a null pointer.
Poco::JSON::Object::Ptr ObjectAt(const Poco::JSON::Array& array, std::size_t index);

/// \p text as a JSON string literal (quotes included). Escapes only what JSON
/// requires, so '/' stays as it is.
std::string Quote(std::string_view text);

}  // namespace pushprobe::json
