#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/expected.h"

/// Internal to pushprobe_protocol: the JSON tree the protocol's readers walk
/// (metadata, token answers, faults), read by nlohmann-json's strict RFC 8259
/// parser. Header-only, so the Nagios plugin, which Nagios starts for every
/// check, still loads no JSON library (Poco's cost about 3 ms before main).
namespace pushprobe::json {

/// \brief One parsed JSON value; a tree owning its children.
class Value {
 public:
  enum class Kind { kNull, kBoolean, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Value>;

  Value() = default;
  static Value Boolean(bool value);
  /// \p literal is the number as written (an integer is its value printed
  /// again, the same digits but for "-0", which reads "0").
  static Value Number(std::string literal);
  static Value String(std::string text);
  static Value Array(std::vector<Value> elements);
  static Value Object(std::vector<Member> members);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_array() const { return kind_ == Kind::kArray; }

  /// A string's decoded text, a number's literal, or "true"/"false".
  const std::string& text() const { return text_; }
  /// Array elements in document order (empty for other kinds).
  const std::vector<Value>& elements() const { return elements_; }
  /// Object members in document order, duplicates kept (empty for other kinds).
  const std::vector<Member>& members() const { return members_; }

 private:
  Kind kind_ = Kind::kNull;
  std::string text_;
  std::vector<Value> elements_;
  std::vector<Member> members_;
};

/// Arrays and objects nested deeper than this are refused, so a hostile body
/// cannot build a tree whose destruction exhausts the stack.
inline constexpr std::size_t kMaxDepth = 64;

/// Parses \p text as one JSON value with nothing but whitespace after it.
/// A leading UTF-8 byte order mark is skipped. Errors name what was wrong and
/// the byte offset, e.g. "syntax error while parsing value - invalid literal
/// at offset 0", never the bytes read (a body cut short may hold a token);
/// "empty text" and "nested deeper than 64 levels" are our own.
/// Strings must be valid UTF-8 and \u escapes must pair surrogates; numbers
/// must be finite as doubles (1e400 is refused).
Expected<Value> Parse(std::string_view text);

}  // namespace pushprobe::json
