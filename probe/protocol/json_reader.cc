#include "probe/protocol/json_reader.h"

#include <cstdint>
#include <cstdio>
#include <optional>

namespace pushprobe::json {

Value Value::Boolean(bool value) {
  Value v;
  v.kind_ = Kind::kBoolean;
  v.text_ = value ? "true" : "false";
  return v;
}

Value Value::Number(std::string literal) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(literal);
  return v;
}

Value Value::String(std::string text) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(text);
  return v;
}

Value Value::Array(std::vector<Value> elements) {
  Value v;
  v.kind_ = Kind::kArray;
  v.elements_ = std::move(elements);
  return v;
}

Value Value::Object(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void AppendUtf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

constexpr std::uint32_t kReplacementCharacter = 0xFFFD;

/// Recursive descent over the text; the first error stops it and is kept.
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  Expected<Value> Document() {
    SkipWhitespace();
    if (AtEnd()) return Expected<Value>::Error("empty text");
    std::optional<Value> root = ParseValue(0);
    if (root) {
      SkipWhitespace();
      if (!AtEnd()) Fail("unexpected " + Describe(s_[pos_]) + " after the value");
    }
    if (!error_.empty())
      return Expected<Value>::Error(error_ + " at offset " + std::to_string(pos_));
    return std::move(*root);
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }

  // Printable ASCII is shown as itself, anything else as its byte value, so
  // an error message never carries control characters.
  static std::string Describe(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F) return std::string("character '") + c + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    return std::string("byte ") + hex;
  }

  std::nullopt_t Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }

  std::nullopt_t Unexpected(const char* what_was_expected) {
    if (AtEnd()) return Fail(std::string("text ends where ") + what_was_expected + " was expected");
    return Fail("unexpected " + Describe(s_[pos_]) + ", expected " + what_was_expected);
  }

  void SkipWhitespace() {
    while (!AtEnd() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(char c) {
    if (AtEnd() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  std::optional<Value> ParseValue(std::size_t depth) {
    if (AtEnd()) return Unexpected("a value");
    switch (s_[pos_]) {
      case '{':
        return ParseObject(depth + 1);
      case '[':
        return ParseArray(depth + 1);
      case '"': {
        std::optional<std::string> text = ParseString();
        if (!text) return std::nullopt;
        return Value::String(std::move(*text));
      }
      case 't':
        return ParseLiteral("true", Value::Boolean(true));
      case 'f':
        return ParseLiteral("false", Value::Boolean(false));
      case 'n':
        return ParseLiteral("null", Value());
      default:
        if (s_[pos_] == '-' || IsDigit(s_[pos_])) return ParseNumber();
        return Unexpected("a value");
    }
  }

  std::optional<Value> ParseLiteral(std::string_view word, Value value) {
    if (s_.substr(pos_, word.size()) != word) return Unexpected("a value");
    pos_ += word.size();
    return value;
  }

  // RFC 8259 section 6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  std::optional<Value> ParseNumber() {
    const std::size_t start = pos_;
    Consume('-');
    if (Consume('0')) {
      // A leading zero stands alone.
    } else if (!AtEnd() && IsDigit(s_[pos_])) {
      while (!AtEnd() && IsDigit(s_[pos_])) ++pos_;
    } else {
      return Unexpected("a digit");
    }
    if (Consume('.')) {
      if (AtEnd() || !IsDigit(s_[pos_])) return Unexpected("a digit after the decimal point");
      while (!AtEnd() && IsDigit(s_[pos_])) ++pos_;
    }
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) Consume('-');
      if (AtEnd() || !IsDigit(s_[pos_])) return Unexpected("a digit in the exponent");
      while (!AtEnd() && IsDigit(s_[pos_])) ++pos_;
    }
    return Value::Number(std::string(s_.substr(start, pos_ - start)));
  }

  std::optional<std::uint32_t> ParseHex4() {
    if (s_.size() - pos_ < 4) return Fail("text ends inside a \\u escape");
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_];
      value <<= 4;
      if (IsDigit(c)) {
        value |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return Unexpected("a hex digit in a \\u escape");
      }
      ++pos_;
    }
    return value;
  }

  // After "\u": one code point, joining a surrogate pair when the second half
  // follows. A lone surrogate cannot be encoded in UTF-8 and becomes U+FFFD.
  std::optional<std::uint32_t> ParseUnicodeEscape() {
    std::optional<std::uint32_t> first = ParseHex4();
    if (!first) return std::nullopt;
    if (*first < 0xD800 || *first > 0xDFFF) return first;
    if (*first >= 0xDC00 || s_.substr(pos_, 2) != "\\u") return kReplacementCharacter;
    const std::size_t second_at = pos_;
    pos_ += 2;
    std::optional<std::uint32_t> second = ParseHex4();
    if (!second) return std::nullopt;
    if (*second < 0xDC00 || *second > 0xDFFF) {
      pos_ = second_at;  // not a pair: read the second escape on its own
      return kReplacementCharacter;
    }
    return 0x10000 + ((*first - 0xD800) << 10) + (*second - 0xDC00);
  }

  std::optional<std::string> ParseString() {
    ++pos_;  // the opening quote
    std::string out;
    while (true) {
      if (AtEnd()) return Fail("text ends inside a string");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Fail("unescaped control " + Describe(c) + " in a string");
      }
      ++pos_;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (AtEnd()) return Fail("text ends inside a string");
      const char escape = s_[pos_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::optional<std::uint32_t> code_point = ParseUnicodeEscape();
          if (!code_point) return std::nullopt;
          AppendUtf8(out, *code_point);
          break;
        }
        default:
          --pos_;
          return Fail("invalid escape \\" + std::string(1, escape) + " in a string");
      }
    }
  }

  std::optional<Value> ParseArray(std::size_t depth) {
    if (depth > kMaxDepth)
      return Fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    ++pos_;  // '['
    std::vector<Value> elements;
    SkipWhitespace();
    if (Consume(']')) return Value::Array(std::move(elements));
    while (true) {
      SkipWhitespace();
      std::optional<Value> element = ParseValue(depth);
      if (!element) return std::nullopt;
      elements.push_back(std::move(*element));
      SkipWhitespace();
      if (Consume(']')) return Value::Array(std::move(elements));
      if (!Consume(',')) return Unexpected("',' or ']'");
    }
  }

  std::optional<Value> ParseObject(std::size_t depth) {
    if (depth > kMaxDepth)
      return Fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    ++pos_;  // '{'
    std::vector<Value::Member> members;
    SkipWhitespace();
    if (Consume('}')) return Value::Object(std::move(members));
    while (true) {
      SkipWhitespace();
      if (AtEnd() || s_[pos_] != '"') return Unexpected("a member name in quotes");
      std::optional<std::string> name = ParseString();
      if (!name) return std::nullopt;
      SkipWhitespace();
      if (!Consume(':')) return Unexpected("':'");
      SkipWhitespace();
      std::optional<Value> value = ParseValue(depth);
      if (!value) return std::nullopt;
      members.emplace_back(std::move(*name), std::move(*value));
      SkipWhitespace();
      if (Consume('}')) return Value::Object(std::move(members));
      if (!Consume(',')) return Unexpected("',' or '}'");
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

Expected<Value> Parse(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return Reader(text).Document();
}

}  // namespace pushprobe::json
