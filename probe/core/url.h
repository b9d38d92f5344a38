#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/core/ascii.h"
#include "probe/core/expected.h"
#include "probe/core/redact.h"

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

/// \brief The five components of a URI reference (RFC 3986 Appendix B).
/// "Defined" matters: an empty query differs from no query.
struct UriReference {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

/// The one split of URL text: RFC 3986 Appendix B's regular expression,
/// which accepts any string. ParseUrl validates on top of it; reference
/// resolution (probe/protocol/url.h) recomposes its parts.
inline UriReference SplitUriReference(std::string_view s) {
  UriReference parts;
  const auto scheme_end = s.find_first_of(":/?#");
  if (scheme_end != std::string_view::npos && scheme_end > 0 && s[scheme_end] == ':') {
    parts.scheme = std::string(s.substr(0, scheme_end));
    s.remove_prefix(scheme_end + 1);
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    const auto end = s.find_first_of("/?#");
    parts.authority = std::string(s.substr(0, end));
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  const auto path_end = s.find_first_of("?#");
  parts.path = std::string(s.substr(0, path_end));
  s.remove_prefix(path_end == std::string_view::npos ? s.size() : path_end);
  if (!s.empty() && s.front() == '?') {
    const auto end = s.find('#');
    parts.query = std::string(s.substr(1, end == std::string_view::npos ? s.npos : end - 1));
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  if (!s.empty() && s.front() == '#') parts.fragment = std::string(s.substr(1));
  return parts;
}

/// What is wrong with a URL, for callers that word it themselves.
enum class UrlErrorKind {
  kEmpty,
  kSpaceOrControl,
  kNotAbsolute,   ///< no "scheme://"
  kScheme,        ///< neither http nor https
  kIpv6Unclosed,  ///< "[" without "]"
  kIpv6Invalid,   ///< the bracketed text is not an IPv6 literal
  kIpv6Trailing,  ///< text other than ":port" after "]"
  kHostChar,      ///< a host that is not [A-Za-z0-9._-]
  kNoHost,
  kPort,      ///< not a number in 1..65535
  kUserInfo,  ///< only from ParseUrl; SplitUrl reports it as a fact
  kFragment,  ///< only from ParseUrl; SplitUrl reports it as a fact
};

/// \brief A URL that did not parse: the kind, the offending piece, and the
/// URL (its user info already redacted, so no message can leak a password).
struct UrlError {
  UrlErrorKind kind = UrlErrorKind::kEmpty;
  /// The scheme, host, bracketed literal ("[...]") or port text at fault;
  /// empty for the other kinds.
  std::string part;
  std::string url;  ///< the whole text, user info redacted

  /// The probe's own wording, quoting the URL.
  std::string Message() const {
    const std::string quoted = "\"" + url + "\"";
    switch (kind) {
      case UrlErrorKind::kEmpty:
        return "empty URL";
      case UrlErrorKind::kSpaceOrControl:
        return "URL contains spaces or control characters: " + quoted;
      case UrlErrorKind::kNotAbsolute:
        return "not an absolute URL: " + quoted;
      case UrlErrorKind::kScheme:
        return "unsupported URL scheme \"" + part + "\" (http or https expected)";
      case UrlErrorKind::kIpv6Unclosed:
      case UrlErrorKind::kIpv6Invalid:
      case UrlErrorKind::kIpv6Trailing:
        return "bad IPv6 literal in URL: " + quoted;
      case UrlErrorKind::kHostChar:
        return "bad character in the host of URL: " + quoted;
      case UrlErrorKind::kNoHost:
        return "URL has no host: " + quoted;
      case UrlErrorKind::kPort:
        return "bad port \"" + part + "\" in URL: " + quoted;
      case UrlErrorKind::kUserInfo:
        return "URL contains user info, which is not supported";
      case UrlErrorKind::kFragment:
        return "URL has a fragment: " + quoted;
    }
    return "bad URL: " + quoted;
  }
};

/// \brief An absolute http(s) URL as written, with the facts ParseUrl
/// rejects (user info, a fragment) reported rather than refused, so the
/// configuration loader can word each of them in its own context.
struct UrlParts {
  Url url;
  bool has_userinfo = false;
  bool has_fragment = false;
  /// The text after the authority's ':' (possibly empty, "host:"); none
  /// when the URL names no port.
  std::optional<std::string> port_text;
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

namespace url_internal {

// Text without "://" has no user info ("mailto:x@y" is quoted as written).
inline std::string RedactedForUrlError(std::string_view text) {
  return text.find("://") == std::string_view::npos ? std::string(text) : RedactUrlUserinfo(text);
}

}  // namespace url_internal

/// Splits and validates an absolute http or https URL: spaces and control
/// characters, relative references, other schemes, a missing host, a host
/// that is neither a name ([A-Za-z0-9._-]) nor a bracketed IPv6 literal, and
/// ports outside 1..65535 are errors, in that order. An empty port ("host:")
/// means the default, as RFC 3986 allows. User info (the last '@' of the
/// authority ends it) and a fragment are reported in UrlParts.
inline Expected<UrlParts, UrlError> SplitUrl(std::string_view text) {
  using Result = Expected<UrlParts, UrlError>;
  using namespace url_internal;
  const auto fail = [text](UrlErrorKind kind, std::string_view part = {}) {
    return Result::Error(UrlError{kind, std::string(part), RedactedForUrlError(text)});
  };
  if (text.empty()) return fail(UrlErrorKind::kEmpty);
  for (char c : text) {
    if (IsSpaceOrControl(c)) return fail(UrlErrorKind::kSpaceOrControl);
  }
  const UriReference reference = SplitUriReference(text);
  if (!reference.scheme || !reference.authority) return fail(UrlErrorKind::kNotAbsolute);
  UrlParts parts;
  Url& url = parts.url;
  url.scheme = ToLowerAscii(*reference.scheme);
  if (url.scheme != "http" && url.scheme != "https") {
    return fail(UrlErrorKind::kScheme, *reference.scheme);
  }
  std::string_view authority = *reference.authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    parts.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(UrlErrorKind::kIpv6Unclosed);
    const std::string_view literal = authority.substr(1, close - 1);
    bool valid = literal.find(':') != std::string_view::npos;
    for (char c : literal) valid = valid && IsIpv6LiteralChar(c);
    if (!valid) return fail(UrlErrorKind::kIpv6Invalid, authority.substr(0, close + 1));
    url.host = ToLowerAscii(literal);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(UrlErrorKind::kIpv6Trailing);
      parts.port_text = std::string(after.substr(1));
    }
  } else {
    const auto colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) parts.port_text = std::string(authority.substr(colon + 1));
    for (char c : host) {
      if (!IsHostNameChar(c)) return fail(UrlErrorKind::kHostChar, host);
    }
    url.host = ToLowerAscii(host);
  }
  if (url.host.empty()) return fail(UrlErrorKind::kNoHost);
  url.port = url.DefaultPort();
  if (parts.port_text && !parts.port_text->empty()) {
    unsigned long port = 0;
    bool valid = true;
    for (char c : *parts.port_text) {
      valid = valid && c >= '0' && c <= '9' && port <= 65535;
      if (valid) port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!valid || port == 0 || port > 65535) return fail(UrlErrorKind::kPort, *parts.port_text);
    url.port = static_cast<std::uint16_t>(port);
  }
  url.path_and_query = reference.path.empty() ? "/" : reference.path;
  if (reference.query) url.path_and_query += "?" + *reference.query;
  parts.has_fragment = reference.fragment.has_value();
  return parts;
}

/// Parses an absolute http or https URL a request can use: SplitUrl's
/// errors, then user info (its message does not quote the URL) and a
/// fragment.
inline Expected<Url, UrlError> ParseUrl(std::string_view text) {
  using Result = Expected<Url, UrlError>;
  auto parts = SplitUrl(text);
  if (!parts) return Result::Error(parts.error());
  if (parts->has_userinfo) {
    return Result::Error(
        UrlError{UrlErrorKind::kUserInfo, {}, url_internal::RedactedForUrlError(text)});
  }
  if (parts->has_fragment) {
    return Result::Error(
        UrlError{UrlErrorKind::kFragment, {}, url_internal::RedactedForUrlError(text)});
  }
  return std::move(parts).value().url;
}

}  // namespace pushprobe
