#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pushprobe {

/// RFC 9110 section 5.6.2 tchar: an ASCII letter or digit, or one of
/// !#$%&'*+-.^_`|~ (whatever the locale says).
constexpr bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c != '\0' && std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos);
}

/// An RFC 9110 token: one or more tchar (a method, a field name, a scheme).
constexpr bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

/// \p s without the optional whitespace (OWS: spaces and tabs) around it.
constexpr std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// \brief Reads the HTTP quoted-string (RFC 9110 section 5.6.4) whose
/// opening '"' is at \p text[\p pos]: returns its content with each
/// quoted-pair ("\x") read as the byte after the backslash, and leaves \p pos
/// just past the closing '"'.
///
/// Liberal, as a reader of what servers and proxies send must be: an
/// unterminated string runs to the end of \p text, and a backslash that ends
/// \p text is kept. Every byte is taken as it is (no qdtext check), so a value
/// with a stray control byte still reads.
inline std::string ReadQuotedString(std::string_view text, std::size_t& pos) {
  std::string out;
  ++pos;  // the opening quote
  while (pos < text.size()) {
    char c = text[pos++];
    if (c == '"') break;
    if (c == '\\' && pos < text.size()) c = text[pos++];
    out += c;
  }
  return out;
}

}  // namespace pushprobe
