#include "probe/config/target_values.h"

#include <ctime>

#include "probe/core/ascii.h"
#include "probe/core/decimal.h"
#include "probe/core/quote_text.h"
#include "probe/core/url.h"

namespace pushprobe {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// I or N of a shard: digits only, at most 9 of them and at most kMaxShards.
Expected<std::uint64_t, DecimalError> ParseShardNumber(std::string_view text) {
  using Result = Expected<std::uint64_t, DecimalError>;
  if (text.size() > 9) return Result::Error(DecimalError::kDigitCount);
  Result value = ParseDecimal(text);
  if (value && *value > kMaxShards) return Result::Error(DecimalError::kTooLarge);
  return value;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding, for a user such as "FABRIKAM%5Cprobe".
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string PortProblem(std::string_view port) {
  return "port " + QuoteExcerpt(port) + " is not a number between 1 and 65535";
}

// The configuration's wording of what SplitUrl found wrong: a bare reason.
std::string UrlProblem(const UrlError& error) {
  switch (error.kind) {
    case UrlErrorKind::kSpaceOrControl:
      return "must not contain spaces or control characters";
    case UrlErrorKind::kEmpty:
    case UrlErrorKind::kNotAbsolute:
      return "must start with http:// or https://";
    case UrlErrorKind::kScheme:
      return "scheme must be http or https";
    case UrlErrorKind::kIpv6Unclosed:
      return "missing \"]\" after IPv6 address";
    case UrlErrorKind::kIpv6Invalid:
      return "host " + QuoteExcerpt(error.part) + " is not an IPv6 address";
    case UrlErrorKind::kIpv6Trailing:
      return "unexpected text after \"]\"";
    case UrlErrorKind::kHostChar:
      return "host " + QuoteExcerpt(error.part) + " is not a host name";
    case UrlErrorKind::kNoHost:
      return "missing host";
    case UrlErrorKind::kPort:
      return PortProblem(error.part);
    case UrlErrorKind::kUserInfo:
      return "must not contain user:password@";
    case UrlErrorKind::kFragment:
      return "must not contain a fragment (#...)";
  }
  return error.Message();
}

// SplitUrl, with the port rule of configuration: "host:" (an empty port,
// which RFC 3986 reads as the default) is refused as a typo.
Expected<UrlParts, std::string> SplitConfiguredUrl(std::string_view text) {
  auto parts = SplitUrl(text);
  if (!parts.ok()) return Expected<UrlParts, std::string>::Error(UrlProblem(parts.error()));
  if (parts->port_text && parts->port_text->empty()) {
    return Expected<UrlParts, std::string>::Error(PortProblem(""));
  }
  return std::move(parts).value();
}

Expected<std::string> InvalidUrl(std::string_view text, const std::string& why) {
  return Expected<std::string>::Error("invalid URL " + QuoteExcerpt(RedactUrlUserinfo(text)) +
                                      ": " + why);
}

// Exactly \p digits (at most 9) decimal digits at \p pos.
Expected<int, DecimalError> Digits(std::string_view text, std::size_t pos, std::size_t digits) {
  using Result = Expected<int, DecimalError>;
  if (pos + digits > text.size()) return Result::Error(DecimalError::kDigitCount);
  const Expected<std::uint64_t, DecimalError> value = ParseDecimal(text.substr(pos, digits));
  if (!value) return Result::Error(value.error());
  return static_cast<int>(*value);
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

Expected<std::string> CheckOrganization(std::string_view text) {
  if (!IsDomainName(text)) {
    return Expected<std::string>::Error("invalid organization " + QuoteExcerpt(text) +
                                        ": must be the tenant's domain name, like "
                                        "\"fabrikam.com\"");
  }
  return ToLowerAscii(text);
}

Expected<std::string> CheckRequestUrl(std::string_view text) {
  auto parts = SplitConfiguredUrl(text);
  if (!parts.ok()) return InvalidUrl(text, parts.error());
  if (parts->has_userinfo) return InvalidUrl(text, "must not contain user:password@");
  if (parts->has_fragment) return InvalidUrl(text, "must not contain a fragment (#...)");
  return std::string(text);
}

Expected<std::string> CheckProxyUrl(std::string_view text) {
  if (text.empty()) return std::string();
  if (auto proxy = ParseProxy(text); !proxy) return Expected<std::string>::Error(proxy.error());
  return std::string(text);
}

Expected<WallTime> ParseEffectiveDate(std::string_view text) {
  const std::string expected =
      "expected an RFC 3339 time with a zone such as \"2027-01-15T00:00:00Z\" or a date such as "
      "\"2027-01-15\" (UTC); Get-AuthConfig's display depends on the Windows locale, print it "
      "with (Get-AuthConfig).NextCertificateEffectiveDate.ToUniversalTime().ToString('o')";
  std::tm tm{};
  // Digits checks its bounds, so every field is read before the separators.
  const Expected<int, DecimalError> year = Digits(text, 0, 4);
  const Expected<int, DecimalError> month = Digits(text, 5, 2);
  const Expected<int, DecimalError> day = Digits(text, 8, 2);
  if (!year || text.size() < 10 || text[4] != '-' || !month || text[7] != '-' || !day ||
      *month < 1 || *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month)) {
    return Expected<WallTime>::Error(expected);
  }
  long offset_seconds = 0;
  if (text.size() > 10) {
    const Expected<int, DecimalError> hour = Digits(text, 11, 2);
    const Expected<int, DecimalError> minute = Digits(text, 14, 2);
    const Expected<int, DecimalError> second = Digits(text, 17, 2);
    if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !hour || text.size() < 19 ||
        text[13] != ':' || !minute || text[16] != ':' || !second || *hour > 23 || *minute > 59 ||
        *second > 60) {
      return Expected<WallTime>::Error(expected);
    }
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {  // fraction: ignored (PowerShell's 'o' has 7)
      ++pos;
      std::size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start) return Expected<WallTime>::Error(expected);
    }
    std::string_view zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
      offset_seconds = 0;
    } else {
      const Expected<int, DecimalError> zone_hours = Digits(zone, 1, 2);
      const Expected<int, DecimalError> zone_minutes = Digits(zone, 4, 2);
      if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !zone_hours || zone[3] != ':' ||
          !zone_minutes || *zone_hours > 23 || *zone_minutes > 59) {
        return Expected<WallTime>::Error(expected);
      }
      offset_seconds = (*zone_hours * 3600L + *zone_minutes * 60L) * (zone[0] == '-' ? -1 : 1);
    }
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
  }
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  // timegm is glibc's and the one the certificate code uses for notAfter.
  const std::time_t utc = timegm(&tm) - offset_seconds;
  return WallTime(std::chrono::system_clock::from_time_t(utc));
}

Expected<ProxyValue> ParseProxy(std::string_view text) {
  using Result = Expected<ProxyValue>;
  auto parts = SplitConfiguredUrl(text);
  const auto invalid = [text](const std::string& why) {
    return Result::Error(InvalidUrl(text, why).error());
  };
  if (!parts.ok()) return invalid(parts.error());
  if (parts->url.Https()) {
    return invalid("must be http://host:port (the proxy is reached over plain HTTP, then CONNECT)");
  }
  if (!parts->port_text) return invalid("missing port (expected http://host:port)");
  if (parts->url.path_and_query != "/" || parts->has_fragment) {
    return invalid("must not have a path, query or fragment");
  }
  ProxyValue proxy;
  proxy.url = std::string(text);
  if (parts->has_userinfo) {
    // The authority's last '@' ends the user info, as SplitUrl reads it.
    const std::string authority = SplitUriReference(text).authority.value_or("");
    const std::string userinfo = authority.substr(0, authority.rfind('@'));
    // A password here reached every output of a failing run once; the URL
    // is quoted in messages, a password file is not.
    if (userinfo.find(':') != std::string::npos) {
      return invalid(
          "must not contain a password (the URL shows in messages and logs): put the password "
          "in proxy_password_file and keep only the user in the URL (USER@ before the host) "
          "or in proxy_user");
    }
    std::optional<std::string> user = PercentDecode(userinfo);
    if (!user) return invalid("the user in the URL has a bad %-escape");
    if (auto checked = CheckProxyUser(*user); !checked) {
      return invalid("the user " + checked.error());
    }
    proxy.user = std::move(*user);
    const std::size_t sep = text.find("://") + 3;
    proxy.url =
        std::string(text.substr(0, sep)) + std::string(text.substr(sep + userinfo.size() + 1));
  }
  return proxy;
}

Expected<void> CheckProxyUser(std::string_view user) {
  using Result = Expected<void>;
  if (user.empty()) return Result::Error("must not be empty");
  for (char c : user) {
    if (c == ':') {
      return Result::Error("must not contain \":\" (Basic credentials end the user there)");
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Result::Error("must not contain control characters");
    }
  }
  return {};
}

Expected<void> CheckProxyCredentials(const TargetConfig& target) {
  using Result = Expected<void>;
  const bool user = !target.proxy_user.empty();
  const bool file = !target.proxy_password_file.empty();
  if ((user || file) && target.proxy.empty()) {
    return Result::Error("proxy credentials (proxy_user, proxy_password_file) need a proxy");
  }
  if (user && !file) {
    return Result::Error(
        "a proxy user needs \"proxy_password_file\", the file holding the proxy's password");
  }
  if (file && !user) {
    return Result::Error(
        "\"proxy_password_file\" needs a user: \"proxy_user\", or the user in the proxy URL "
        "(USER@ before its host)");
  }
  return {};
}

Expected<Shard> ParseShard(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::string_view index_text =
      slash == std::string_view::npos ? std::string_view() : text.substr(0, slash);
  const std::string_view count_text =
      slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
  const Expected<std::uint64_t, DecimalError> index = ParseShardNumber(index_text);
  const Expected<std::uint64_t, DecimalError> count = ParseShardNumber(count_text);
  if (slash == std::string_view::npos || !index || !count || *count == 0 || *index >= *count) {
    return Expected<Shard>::Error(
        "must be I/N, this replica's number I of N replicas with 0 <= I "
        "< N <= " +
        std::to_string(kMaxShards) + ", such as 0/2 and 1/2");
  }
  Shard shard;
  shard.index = *index;
  shard.count = *count;
  return shard;
}

bool IsGuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen ? text[i] != '-' : !IsHex(text[i])) return false;
  }
  return true;
}

bool IsDomainName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t labels = 0;
  bool last_all_digits = false;
  std::size_t begin = 0;
  while (true) {
    std::size_t end = name.find('.', begin);
    if (end == std::string_view::npos) end = name.size();
    std::string_view label = name.substr(begin, end - begin);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    last_all_digits = true;
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
      if (c < '0' || c > '9') last_all_digits = false;
    }
    ++labels;
    if (end == name.size()) break;
    begin = end + 1;
  }
  return labels >= 2 && !last_all_digits;
}

std::optional<TlsVersion> ParseTlsVersion(std::string_view text) {
  for (TlsVersion version : {TlsVersion::k1_2, TlsVersion::k1_3}) {
    const std::string name(TlsVersionName(version));  // "1.2"
    if (text == name || text == "TLS1" + name.substr(2) || text == "TLSv" + name) return version;
  }
  return std::nullopt;
}

Expected<void> CheckTlsSettings(const TargetConfig& target) {
  using Result = Expected<void>;
  const TlsProfile profile = ResolvedTlsProfile(target);
  if (target.tls_max_version == TlsVersion::k1_3 && !ProfileHasTls13(profile)) {
    return Result::Error("tls_max_version \"1.3\" cannot go with tls_profile " +
                         std::string(TlsProfileName(profile)) +
                         ": SChannel offers TLS 1.3 from Windows Server 2022 on (windows-2022), "
                         "or use openssl");
  }
  if (target.tls_ciphers.empty()) return {};
  bool tls12 = false;
  for (const std::string& name : target.tls_ciphers) {
    const CipherSuiteName* suite = FindSchannelCipherSuite(name);
    if (suite != nullptr && !suite->openssl.empty() && !suite->tls13) tls12 = true;
  }
  if (!tls12) {
    return Result::Error(
        "tls_ciphers names no TLS 1.2 cipher suite pushprobe can offer (3DES, RC4, DES, NULL, "
        "export and PSK suites are not available in OpenSSL on Debian 12)");
  }
  return {};
}

std::string DefaultTokenUrl(const TargetConfig& target) {
  return kLoginBaseUrl + target.tenant + kDefaultTokenUrlSuffix;
}

}  // namespace pushprobe
