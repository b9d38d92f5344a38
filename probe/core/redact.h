#pragma once

#include <string>
#include <string_view>

namespace pushprobe {

/// The text that stands in for a secret wherever one is left out.
inline constexpr std::string_view kRedactedText = "<redacted>";

namespace redact_internal {

// Where the URL that starts at \p begin ends: white space, a quote, '<', '>',
// '?', '#' or '`'. Deliberately wider than the authority: a password with an
// unescaped '/' must not leak, and hiding a path that holds an '@' costs
// nothing.
inline std::size_t UrlEnd(std::string_view text, std::size_t begin) {
  std::size_t end = begin;
  while (end < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[end]);
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '?' ||
        c == '#' || c == '`') {
      break;
    }
    ++end;
  }
  return end;
}

// Appends text[begin, UrlEnd) to \p out with its userinfo replaced; returns
// where the copied URL ends.
inline std::size_t AppendRedactedUrl(std::string_view text, std::size_t begin, std::string& out) {
  const std::size_t end = UrlEnd(text, begin);
  const std::size_t at = text.substr(begin, end - begin).rfind('@');
  if (at == std::string_view::npos) {
    out.append(text.substr(begin, end - begin));
  } else {
    out.append(kRedactedText);
    out.append(text.substr(begin + at, end - begin - at));
  }
  return end;
}

}  // namespace redact_internal

/// \brief \p text with the userinfo ("user:password@") of every URL in it
/// replaced by "<redacted>@".
///
/// The one redaction of URLs: every output that can hold a URL (the renderers,
/// the plugin's lines, the exporter's log, status page and debug output,
/// configuration errors) passes through it. A URL is anything after "://" up
/// to white space, a quote, '<', '>', '?', '#' or '`'; its last '@' ends the
/// userinfo. Text without "://" ("mail admin@example.com") is left alone.
inline std::string RedactUrlCredentials(std::string_view text) {
  constexpr std::string_view kSeparator = "://";
  std::string out;
  std::size_t copied = 0;
  for (std::size_t sep = text.find(kSeparator); sep != std::string_view::npos;
       sep = text.find(kSeparator, copied)) {
    const std::size_t begin = sep + kSeparator.size();
    out.append(text.substr(copied, begin - copied));
    copied = redact_internal::AppendRedactedUrl(text, begin, out);
  }
  out.append(text.substr(copied));
  return out;
}

/// \brief \p text, one value meant as a URL as a user typed it (a
/// configuration value, a command-line option), with its user info
/// ("user:password@") replaced by "<redacted>@". Unlike RedactUrlCredentials,
/// the URL runs to the first '?' or '#' whatever it holds, and a missing or
/// wrong scheme ("alice:s3cret@proxy:3128": from the start) still counts, so
/// the message refusing a malformed value never echoes its password.
inline std::string RedactUrlUserinfo(std::string_view text) {
  const std::size_t sep = text.find("://");
  const std::size_t begin = sep == std::string_view::npos ? 0 : sep + 3;
  std::size_t end = text.find_first_of("?#", begin);
  if (end == std::string_view::npos) end = text.size();
  const std::size_t at = text.substr(begin, end - begin).rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, begin)) + std::string(kRedactedText) +
         std::string(text.substr(begin + at));
}

}  // namespace pushprobe
