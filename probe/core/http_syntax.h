#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pushprobe {

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
