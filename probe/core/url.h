#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/core/ascii.h"
#include "probe/core/expected.h"

namespace pushprobe {

/// \brief An absolute http(s) URL split into what a client needs: the one URL
/// type of the probe (configuration, client, stages and hints all use it).
struct Url {
  std::string scheme;          ///< "http" or "https", lower case
  std::string host;            ///< lower case; IPv6 literals without brackets
  std::uint16_t port = 0;      ///< explicit or the scheme's default
  std::string path_and_query;  ///< origin-form request target, at least "/"

  bool Https() const { return scheme == "https"; }
  std::uint16_t DefaultPort() const { return Https() ? 443 : 80; }
  /// The host, with brackets when it is an IPv6 literal.
  std::string BracketedHost() const {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
  }
  /// "host:port", the port always given (for CONNECT and messages).
  std::string Authority() const { return BracketedHost() + ":" + std::to_string(port); }
  /// The Host header value: the scheme's default port is left out.
  std::string HostHeader() const { return port == DefaultPort() ? BracketedHost() : Authority(); }
  /// Normalised text; the default port is left out.
  std::string ToString() const { return scheme + "://" + HostHeader() + path_and_query; }
};

namespace url_internal {

inline bool IsSpaceOrControl(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b <= 0x20 || b == 0x7F;
}

inline bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

inline bool IsIpv6LiteralChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

}  // namespace url_internal

/// Parses an absolute http or https URL. Rejects, with a specific message
/// that quotes the URL: spaces and control characters, relative references,
/// other schemes, user info (not quoted: it may hold a password), fragments,
/// a missing host, a host that is neither a name ([A-Za-z0-9._-]) nor a
/// bracketed IPv6 literal, and ports outside 1..65535. An empty port
/// ("host:") means the default, as RFC 3986 allows.
inline Expected<Url> ParseUrl(std::string_view text) {
  using Result = Expected<Url>;
  using namespace url_internal;
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.empty()) return Result::Error("empty URL");
  for (char c : text) {
    if (IsSpaceOrControl(c)) {
      return Result::Error("URL contains spaces or control characters: " + quoted);
    }
  }
  // RFC 3986 Appendix B: scheme ":" "//" authority path ["?" query] ["#" fragment].
  const auto scheme_end = text.find_first_of(":/?#");
  if (scheme_end == std::string_view::npos || scheme_end == 0 || text[scheme_end] != ':' ||
      text.substr(scheme_end + 1, 2) != "//") {
    return Result::Error("not an absolute URL: " + quoted);
  }
  Url url;
  const std::string_view scheme = text.substr(0, scheme_end);
  url.scheme = ToLowerAscii(scheme);
  if (url.scheme != "http" && url.scheme != "https") {
    return Result::Error("unsupported URL scheme \"" + std::string(scheme) +
                         "\" (http or https expected)");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end == std::string_view::npos ? rest.size() : authority_end);
  // Not echoed: user info may carry a password.
  if (authority.find('@') != std::string_view::npos) {
    return Result::Error("URL contains user info, which is not supported");
  }
  if (rest.find('#') != std::string_view::npos)
    return Result::Error("URL has a fragment: " + quoted);

  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Result::Error("bad IPv6 literal in URL: " + quoted);
    const std::string_view literal = authority.substr(1, close - 1);
    bool valid = literal.find(':') != std::string_view::npos;
    for (char c : literal) valid = valid && IsIpv6LiteralChar(c);
    if (!valid) return Result::Error("bad IPv6 literal in URL: " + quoted);
    url.host = ToLowerAscii(literal);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Result::Error("bad IPv6 literal in URL: " + quoted);
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    for (char c : host) {
      if (!IsHostNameChar(c)) {
        return Result::Error("bad character in the host of URL: " + quoted);
      }
    }
    url.host = ToLowerAscii(host);
  }
  if (url.host.empty()) return Result::Error("URL has no host: " + quoted);
  url.port = url.DefaultPort();
  if (has_port && !port_text.empty()) {
    unsigned long port = 0;
    bool valid = port_text.size() <= 5;
    for (char c : port_text) {
      valid = valid && c >= '0' && c <= '9';
      if (valid) port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!valid || port == 0 || port > 65535) {
      return Result::Error("bad port \"" + std::string(port_text) + "\" in URL: " + quoted);
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  url.path_and_query =
      rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return url;
}

}  // namespace pushprobe
