#include "probe/config/target_values.h"

namespace pushprobe {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

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

std::string DefaultAuthMetadataUrl(const TargetConfig& target) {
  if (target.token_flow == TokenFlow::kIdentityPlatform) {
    return kLoginBaseUrl + target.tenant + kOpenIdConfigurationSuffix;
  }
  return kDefaultMetadataUrlPrefix + target.organization;
}

std::string DefaultTokenUrl(const TargetConfig& target) {
  return kLoginBaseUrl + target.tenant + kDefaultTokenUrlSuffix;
}

}  // namespace pushprobe
