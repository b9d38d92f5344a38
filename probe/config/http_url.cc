#include "probe/config/http_url.h"

#include <cstdint>

#include "probe/config/quote.h"

namespace pushprobe::config_internal {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

// The authority's extent: after "://" up to the first '/', '?' or '#'.
std::size_t AuthorityEnd(std::string_view text, std::size_t begin) {
  std::size_t end = text.find_first_of("/?#", begin);
  return end == std::string_view::npos ? text.size() : end;
}

}  // namespace

Expected<HttpUrlParts> SplitHttpUrl(std::string_view text) {
  using Result = Expected<HttpUrlParts>;
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Result::Error("must not contain spaces or control characters");
    }
  }
  std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return Result::Error("must start with http:// or https://");
  HttpUrlParts parts;
  for (char c : text.substr(0, sep)) parts.scheme += Lower(c);
  if (parts.scheme != "http" && parts.scheme != "https") {
    return Result::Error("scheme must be http or https");
  }
  std::size_t begin = sep + 3;
  std::size_t end = AuthorityEnd(text, begin);
  std::string_view authority = text.substr(begin, end - begin);
  parts.rest = std::string(text.substr(end));
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    parts.has_userinfo = true;
    parts.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Result::Error("missing \"]\" after IPv6 address");
    std::string_view inner = authority.substr(1, close - 1);
    bool valid = inner.find(':') != std::string_view::npos;
    for (char c : inner) valid = valid && IsIpv6Char(c);
    if (!valid)
      return Result::Error("host " + Quote(authority.substr(0, close + 1)) +
                           " is not an IPv6 address");
    parts.host = std::string(inner);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Result::Error("unexpected text after \"]\"");
      has_port = true;
      port = after.substr(1);
    }
  } else {
    std::size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(colon + 1);
    }
    for (char c : host) {
      if (!IsHostNameChar(c)) return Result::Error("host " + Quote(host) + " is not a host name");
    }
    parts.host = std::string(host);
  }
  if (parts.host.empty()) return Result::Error("missing host");
  if (has_port) {
    std::uint32_t value = 0;
    bool digits = !port.empty();
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) {
        digits = false;
        break;
      }
      value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (!digits || value < 1 || value > 65535) {
      return Result::Error("port " + Quote(port) + " is not a number between 1 and 65535");
    }
    parts.port = std::string(port);
  }
  return parts;
}

std::string RedactUserinfo(std::string_view text) {
  std::size_t sep = text.find("://");
  std::size_t begin = sep == std::string_view::npos ? 0 : sep + 3;
  // Deliberately wider than the authority: a password with an unescaped '/'
  // must not leak, and hiding a path that holds an '@' costs nothing.
  std::size_t end = text.find_first_of("?#", begin);
  if (end == std::string_view::npos) end = text.size();
  std::size_t at = text.substr(begin, end - begin).rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, begin)) + "<redacted>" + std::string(text.substr(begin + at));
}

}  // namespace pushprobe::config_internal
