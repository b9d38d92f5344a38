#include "probe/protocol/json_members.h"

#include <cstdio>
#include <exception>
#include <limits>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include "probe/core/json_string.h"
#include "probe/protocol/encoding.h"

namespace pushprobe::json {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ToLowerAscii(a) == ToLowerAscii(b);
}

std::optional<std::int64_t> ParseDecimal(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    int digit = c - '0';
    if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

}  // namespace

Expected<Poco::JSON::Object::Ptr> ParseObject(std::string_view text) {
  using Result = Expected<Poco::JSON::Object::Ptr>;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  Poco::Dynamic::Var root;
  try {
    Poco::JSON::Parser parser;
    // Bounded so a hostile body cannot exhaust the stack.
    parser.setDepth(64);
    root = parser.parse(std::string(text));
  } catch (const Poco::Exception& e) {
    // Poco 1.11 rejects a top-level scalar ("null", "\"x\"") with this
    // message; such a body is JSON, just not the object every caller needs.
    if (e.message().find("empty stack") != std::string::npos) {
      return Result::Error("not a JSON object");
    }
    return Result::Error("not JSON: " + e.message());
  } catch (const std::exception& e) {
    return Result::Error(std::string("not JSON: ") + e.what());
  }
  if (root.type() != typeid(Poco::JSON::Object::Ptr)) return Result::Error("not a JSON object");
  auto object = root.extract<Poco::JSON::Object::Ptr>();
  if (object.isNull()) return Result::Error("not a JSON object");
  return object;
}

const Poco::Dynamic::Var* Member(const Poco::JSON::Object& object, std::string_view name) {
  const Poco::Dynamic::Var* found = nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it->first == name) return &it->second;
    if (found == nullptr && EqualsIgnoreCase(it->first, name)) found = &it->second;
  }
  return found;
}

std::optional<std::string> String(const Poco::JSON::Object& object, std::string_view name) {
  const Poco::Dynamic::Var* v = Member(object, name);
  if (v == nullptr || v->isEmpty()) return std::nullopt;
  try {
    if (v->isString() || v->isNumeric() || v->isBoolean()) return v->convert<std::string>();
  } catch (const Poco::Exception&) {
  }
  return std::nullopt;
}

std::optional<std::int64_t> Integer(const Poco::JSON::Object& object, std::string_view name) {
  const Poco::Dynamic::Var* v = Member(object, name);
  if (v == nullptr || v->isEmpty()) return std::nullopt;
  try {
    if (v->isString()) return ParseDecimal(v->extract<std::string>());
    if (v->isInteger()) return v->convert<std::int64_t>();
    if (v->isNumeric()) {
      double d = v->convert<double>();
      if (d != d || d < -9.2e18 || d > 9.2e18) return std::nullopt;
      return static_cast<std::int64_t>(d);
    }
  } catch (const Poco::Exception&) {
  }
  return std::nullopt;
}

std::optional<bool> Boolean(const Poco::JSON::Object& object, std::string_view name) {
  const Poco::Dynamic::Var* v = Member(object, name);
  if (v == nullptr || v->isEmpty()) return std::nullopt;
  try {
    if (v->isBoolean()) return v->extract<bool>();
    if (v->isString()) {
      std::string s = ToLowerAscii(v->extract<std::string>());
      if (s == "true") return true;
      if (s == "false") return false;
    }
  } catch (const Poco::Exception&) {
  }
  return std::nullopt;
}

Poco::JSON::Object::Ptr ObjectMember(const Poco::JSON::Object& object, std::string_view name) {
  const Poco::Dynamic::Var* v = Member(object, name);
  if (v == nullptr || v->type() != typeid(Poco::JSON::Object::Ptr)) return {};
  return v->extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr ArrayMember(const Poco::JSON::Object& object, std::string_view name) {
  const Poco::Dynamic::Var* v = Member(object, name);
  if (v == nullptr || v->type() != typeid(Poco::JSON::Array::Ptr)) return {};
  return v->extract<Poco::JSON::Array::Ptr>();
}

Poco::JSON::Object::Ptr ObjectAt(const Poco::JSON::Array& array, std::size_t index) {
  if (index >= array.size()) return {};
  const Poco::Dynamic::Var& v = array.get(static_cast<unsigned int>(index));
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) return {};
  return v.extract<Poco::JSON::Object::Ptr>();
}

std::string Quote(std::string_view text) { return JsonQuote(text); }

}  // namespace pushprobe::json
