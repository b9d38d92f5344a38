#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pushprobe {

/// ASCII lower case of one byte; other bytes unchanged, whatever the locale
/// says (std::tolower follows it, and HTTP names and error codes are ASCII).
constexpr char ToLowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Whether \p c is one of '0'..'9' (std::isdigit depends on the locale and
/// is undefined for a negative char, which any byte over 0x7F is here).
constexpr bool IsDigitAscii(char c) { return c >= '0' && c <= '9'; }

/// ASCII lower case; other bytes unchanged, whatever the locale says.
inline std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

/// ASCII case-insensitive equality, whatever the locale says.
inline bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

/// Whether \p needle occurs in \p hay, ASCII letters compared case-insensitively.
inline bool ContainsIgnoreCaseAscii(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (EqualsIgnoreCaseAscii(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

}  // namespace pushprobe
