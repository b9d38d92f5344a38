#include "probe/config/connect_to.h"

#include <cstdint>

#include "probe/core/quote_text.h"

namespace pushprobe {
namespace {

constexpr std::string_view kSyntax = "expected HOST:PORT:CONNECT_HOST:CONNECT_PORT";

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

// Reads a host field starting at \p pos (bracketed IPv6 or a plain name) and
// leaves \p pos on the ':' after it or at the end. Returns an error reason, or
// an empty string on success.
std::string ReadHost(std::string_view text, std::size_t& pos, std::string& host) {
  if (pos < text.size() && text[pos] == '[') {
    std::size_t close = text.find(']', pos);
    if (close == std::string_view::npos) return "missing \"]\" after IPv6 address";
    std::string_view inner = text.substr(pos + 1, close - pos - 1);
    bool valid = inner.find(':') != std::string_view::npos;
    for (char c : inner) valid = valid && IsIpv6Char(c);
    if (!valid)
      return "host " + QuoteExcerpt(text.substr(pos, close - pos + 1)) + " is not an IPv6 address";
    host = std::string(inner);
    pos = close + 1;
    if (pos < text.size() && text[pos] != ':') return std::string(kSyntax);
    return "";
  }
  std::size_t end = text.find(':', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view name = text.substr(pos, end - pos);
  for (char c : name) {
    if (!IsHostNameChar(c)) {
      return "host " + QuoteExcerpt(name) +
             " is not a host name or address (IPv6 goes in brackets)";
    }
  }
  host = std::string(name);
  pos = end;
  return "";
}

// Reads a port field up to the next ':' or the end; empty means 0.
std::string ReadPort(std::string_view text, std::size_t& pos, std::uint16_t& port) {
  std::size_t end = text.find(':', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view digits = text.substr(pos, end - pos);
  pos = end;
  port = 0;
  if (digits.empty()) return "";
  std::uint32_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || value > 65535) {
      value = 0;
      break;
    }
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value < 1 || value > 65535) {
    return "port " + QuoteExcerpt(digits) + " is not a number between 1 and 65535";
  }
  port = static_cast<std::uint16_t>(value);
  return "";
}

}  // namespace

Expected<ConnectTo> ParseConnectTo(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return Expected<ConnectTo>::Error("invalid connect_to " + QuoteExcerpt(text) + ": " + why);
  };
  ConnectTo rule;
  std::size_t pos = 0;
  auto expect_colon = [&]() {
    if (pos >= text.size() || text[pos] != ':') return false;
    ++pos;
    return true;
  };
  std::string why = ReadHost(text, pos, rule.host);
  if (!why.empty()) return fail(why);
  if (!expect_colon()) return fail(std::string(kSyntax));
  why = ReadPort(text, pos, rule.port);
  if (!why.empty()) return fail(why);
  if (!expect_colon()) return fail(std::string(kSyntax));
  why = ReadHost(text, pos, rule.connect_host);
  if (!why.empty()) return fail(why);
  if (!expect_colon()) return fail(std::string(kSyntax));
  // The last field runs to the end: a ':' in it means too many fields.
  if (text.find(':', pos) != std::string_view::npos) return fail(std::string(kSyntax));
  why = ReadPort(text, pos, rule.connect_port);
  if (!why.empty()) return fail(why);
  if (rule.connect_host.empty() && rule.connect_port == 0) {
    return fail("CONNECT_HOST and CONNECT_PORT are both empty, so the rule changes nothing");
  }
  return rule;
}

std::string FormatConnectTo(const ConnectTo& rule) {
  auto host = [](const std::string& h) {
    return h.find(':') == std::string::npos ? h : "[" + h + "]";
  };
  auto port = [](std::uint16_t p) { return p == 0 ? std::string() : std::to_string(p); };
  return host(rule.host) + ":" + port(rule.port) + ":" + host(rule.connect_host) + ":" +
         port(rule.connect_port);
}

}  // namespace pushprobe
