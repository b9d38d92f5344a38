#pragma once

#include <string>
#include <string_view>

namespace pushprobe {

/// The text that stands in for a secret wherever one is left out.
inline constexpr std::string_view kRedactedText = "<redacted>";

/// \brief \p text with the userinfo ("user:password@") of every URL in it
/// replaced by "<redacted>@".
///
/// The one redaction of URLs: every output that can hold a URL (the renderers,
/// the plugin's lines, the exporter's log, status page and debug output,
/// configuration errors) passes through it. A URL is anything after "://" up
/// to white space, a quote, '<', '>', '?' or '#'; its last '@' ends the
/// userinfo. Deliberately wider than the authority: a password with an
/// unescaped '/' must not leak, and hiding a path that holds an '@' costs
/// nothing.
inline std::string RedactUrlCredentials(std::string_view text) {
  constexpr std::string_view kSeparator = "://";
  std::string out;
  std::size_t copied = 0;
  for (std::size_t sep = text.find(kSeparator); sep != std::string_view::npos;
       sep = text.find(kSeparator, sep + kSeparator.size())) {
    const std::size_t begin = sep + kSeparator.size();
    std::size_t end = begin;
    while (end < text.size()) {
      const unsigned char c = static_cast<unsigned char>(text[end]);
      if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '?' ||
          c == '#' || c == '`') {
        break;
      }
      ++end;
    }
    const std::size_t at = text.substr(begin, end - begin).rfind('@');
    if (at == std::string_view::npos) continue;
    out.append(text.substr(copied, begin - copied));
    out.append(kRedactedText);
    copied = begin + at;
    sep = copied;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace pushprobe
