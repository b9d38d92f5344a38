#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace pushprobe {

// The one rule for showing text to people (error messages, log values,
// response headers, the plugin's output), so the same bytes read the same
// everywhere:
// - quoted text is in double quotes, with '"' and '\\' backslash-escaped;
// - a line break or tab is named: \n, \r, \t;
// - any other control character (below 0x20, and 0x7F) is \xNN, two
//   upper-case hex digits;
// - bytes from 0x80 up pass unchanged, so UTF-8 text stays readable.
// An unquoted excerpt (an HTTP body snippet) escapes its control characters
// with AppendHexEscape the same way. Rules defined by a format stay that
// format's own: Prometheus label values (the exposition format), JSON
// strings (json_string.h), HTML (the status page), logfmt's bare values.

/// Appends \p byte as "\xNN" with upper-case hex digits.
inline void AppendHexEscape(std::string& out, unsigned char byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", byte);
  out += buf;
}

/// \brief \p text in double quotes, escaped by the rule above, so a message
/// or log line shows exactly what was there (even a stray tab or an empty
/// string) on one line.
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
          AppendHexEscape(out, static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

/// How many bytes of a value QuoteExcerpt shows by default: enough to
/// recognise it.
inline constexpr std::size_t kQuoteExcerptBytes = 80;

namespace excerpt_detail {
// Where text longer than max is cut: at max, backed off continuation bytes
// (10xxxxxx, at most 3 for a UTF-8 character) so no character is split.
inline std::size_t CutAt(std::string_view text, std::size_t max) {
  std::size_t cut = max;
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++i) {
    --cut;
  }
  return cut;
}
inline std::string CutNote(std::size_t size) { return "... (" + std::to_string(size) + " bytes)"; }
}  // namespace excerpt_detail

/// \brief Text someone else wrote (a configuration value, an option, a
/// client's header) as a message or a log line repeats it: whole when at
/// most \p max bytes, else its first \p max bytes cut back to a UTF-8
/// character boundary and "... (N bytes)" with its whole length. An error
/// about a 6 MB value is one short line, not a 6 MB one. Not quoted: for a
/// logger that quotes its fields itself.
inline std::string Excerpt(std::string_view text, std::size_t max = kQuoteExcerptBytes) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, excerpt_detail::CutAt(text, max))) +
         excerpt_detail::CutNote(text.size());
}

/// \brief Excerpt's text quoted by QuoteText, its "... (N bytes)" after the
/// closing quote.
inline std::string QuoteExcerpt(std::string_view text, std::size_t max = kQuoteExcerptBytes) {
  if (text.size() <= max) return QuoteText(text);
  return QuoteText(text.substr(0, excerpt_detail::CutAt(text, max))) +
         excerpt_detail::CutNote(text.size());
}

}  // namespace pushprobe
