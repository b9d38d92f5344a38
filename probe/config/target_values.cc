#include "probe/config/target_values.h"

namespace pushprobe {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool ParseDecimal(std::string_view text, std::uint64_t max, std::uint64_t& out) {
  if (text.empty() || text.size() > 9) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return out <= max;
}

}  // namespace

Expected<Shard> ParseShard(std::string_view text) {
  const std::size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos ||
      !ParseDecimal(text.substr(0, slash), kMaxShards, shard.index) ||
      !ParseDecimal(text.substr(slash + 1), kMaxShards, shard.count) || shard.count == 0 ||
      shard.index >= shard.count) {
    return Expected<Shard>::Error(
        "must be I/N, this replica's number I of N replicas with 0 <= I "
        "< N <= " +
        std::to_string(kMaxShards) + ", such as 0/2 and 1/2");
  }
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
