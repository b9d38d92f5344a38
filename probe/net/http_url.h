#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pushprobe::net_internal {

/// \brief The parts of an absolute http(s) URL the client needs.
struct HttpUrl {
  std::string scheme;  ///< "http" or "https"
  std::string host;    ///< lower case, IPv6 literals without brackets
  std::uint16_t port = 0;
  std::string target;  ///< origin-form request target, at least "/"; no fragment

  bool https() const { return scheme == "https"; }
  /// "host:port" with brackets around IPv6 literals, the default port kept.
  std::string Authority() const;
  /// The Host header value: the default port of the scheme is left out.
  std::string HostHeader() const;
};

/// Parses an absolute http or https URL. Returns false with a message in
/// \p error for anything else (other schemes, userinfo, empty host, bad port).
bool ParseHttpUrl(std::string_view text, HttpUrl* out, std::string* error);

/// True for IPv4 and IPv6 literals (without brackets).
bool IsIpLiteral(const std::string& host);

/// "host:port", with brackets when \p host is an IPv6 literal.
std::string JoinHostPort(const std::string& host, std::uint16_t port);

/// ASCII lower case.
std::string ToLower(std::string_view s);

/// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace pushprobe::net_internal
