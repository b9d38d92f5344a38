#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace pushprobe {

/// Appends \p byte as "\xNN" with upper-case hex digits, the form the HTTP
/// stages' body excerpts and the token parser's messages show an unprintable
/// byte in.
inline void AppendHexEscape(std::string& out, unsigned char byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", byte);
  out += buf;
}

/// \brief \p text in double quotes, with '"', '\\' and control characters
/// escaped (\n, \r, \t, else \xNN), so a message or log line shows exactly
/// what was there (even a stray tab or an empty string) on one line.
inline std::string QuoteText(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace pushprobe
