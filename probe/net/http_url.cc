#include "probe/net/http_url.h"

#include <arpa/inet.h>

#include <cctype>

namespace pushprobe::net_internal {

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string JoinHostPort(const std::string& host, std::uint16_t port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string HttpUrl::Authority() const { return JoinHostPort(host, port); }

std::string HttpUrl::HostHeader() const {
  const bool default_port = (https() && port == 443) || (!https() && port == 80);
  if (!default_port) return Authority();
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

bool ParseHttpUrl(std::string_view text, HttpUrl* out, std::string* error) {
  auto fail = [&](const std::string& why) {
    *error = "invalid URL \"" + std::string(text) + "\": " + why;
    return false;
  };
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return fail("not absolute");
  HttpUrl url;
  url.scheme = ToLower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return fail("scheme must be http or https");
  std::string_view rest = text.substr(scheme_end + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  url.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (url.target[0] == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return fail("user information not allowed");
  for (char c : url.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail("control or space in path");
  }
  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return fail("garbage after IPv6 literal");
      port_text = after.substr(1);
    }
    unsigned char buf[sizeof(in6_addr)];
    if (inet_pton(AF_INET6, std::string(host).c_str(), buf) != 1) {
      return fail("bad IPv6 literal");
    }
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        return fail("bad character in host");
      }
    }
  }
  if (host.empty()) return fail("empty host");
  url.host = ToLower(host);
  if (port_text.empty()) {
    url.port = url.https() ? 443 : 80;
  } else {
    unsigned long port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) return fail("bad port");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return fail("bad port");
    url.port = static_cast<std::uint16_t>(port);
  }
  *out = std::move(url);
  return true;
}

}  // namespace pushprobe::net_internal
