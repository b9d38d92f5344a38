#include "probe/protocol/json_members.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "probe/core/decimal.h"
#include "probe/core/json_string.h"
#include "probe/protocol/encoding.h"

namespace pushprobe::json {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ToLowerAscii(a) == ToLowerAscii(b);
}

// An integer written in decimal, surrounded by spaces or tabs, with an
// optional sign; nullopt when it is not one or is beyond 64 bits signed.
std::optional<std::int64_t> ParseSignedDecimal(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const Expected<std::uint64_t, DecimalError> magnitude = ParseDecimal(s);
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!magnitude || *magnitude > kMax) return std::nullopt;
  const auto value = static_cast<std::int64_t>(*magnitude);
  return negative ? -value : value;
}

// A number literal with a fraction or an exponent ("86399.0", "8.6399e4"):
// read as a double (locale-independent) and truncated toward zero.
std::optional<std::int64_t> TruncateNumber(const std::string& literal) {
  double d = 0;
  const char* end = literal.data() + literal.size();
  auto [ptr, ec] = std::from_chars(literal.data(), end, d);
  if (ec != std::errc() || ptr != end || !std::isfinite(d)) return std::nullopt;
  if (d < -9.2e18 || d > 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

}  // namespace

Expected<Value> ParseObject(std::string_view text) {
  Expected<Value> parsed = Parse(text);
  if (!parsed) return Expected<Value>::Error("not JSON: " + parsed.error());
  if (!parsed->is_object()) return Expected<Value>::Error("not a JSON object");
  return parsed;
}

const Value* Member(const Value& object, std::string_view name) {
  const Value* exact = nullptr;
  const Value* folded = nullptr;
  for (const Value::Member& member : object.members()) {
    if (member.first == name) {
      exact = &member.second;
    } else if (folded == nullptr && EqualsIgnoreCase(member.first, name)) {
      folded = &member.second;
    }
  }
  return exact != nullptr ? exact : folded;
}

std::optional<std::string> String(const Value& object, std::string_view name) {
  const Value* v = Member(object, name);
  if (v == nullptr) return std::nullopt;
  switch (v->kind()) {
    case Value::Kind::kString:
    case Value::Kind::kNumber:
    case Value::Kind::kBoolean:
      return v->text();
    default:
      return std::nullopt;
  }
}

std::optional<std::int64_t> Integer(const Value& value) {
  if (value.kind() == Value::Kind::kString) return ParseSignedDecimal(value.text());
  if (value.kind() != Value::Kind::kNumber) return std::nullopt;
  if (auto exact = ParseSignedDecimal(value.text())) return exact;
  // Not plain digits, or beyond 64 bits: a fraction or exponent may still
  // name an in-range integer; a 20-digit integer gives nullopt there.
  return TruncateNumber(value.text());
}

std::optional<std::int64_t> Integer(const Value& object, std::string_view name) {
  const Value* v = Member(object, name);
  if (v == nullptr) return std::nullopt;
  return Integer(*v);
}

std::optional<bool> Boolean(const Value& object, std::string_view name) {
  const Value* v = Member(object, name);
  if (v == nullptr) return std::nullopt;
  if (v->kind() != Value::Kind::kBoolean && v->kind() != Value::Kind::kString) return std::nullopt;
  const std::string s = ToLowerAscii(v->text());
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

const Value* ObjectMember(const Value& object, std::string_view name) {
  const Value* v = Member(object, name);
  return v != nullptr && v->is_object() ? v : nullptr;
}

const Value* ArrayMember(const Value& object, std::string_view name) {
  const Value* v = Member(object, name);
  return v != nullptr && v->is_array() ? v : nullptr;
}

std::string Quote(std::string_view text) { return JsonQuote(text); }

}  // namespace pushprobe::json
