#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/interned.h"
#include "probe/core/tls_profile.h"

namespace pushprobe {

inline constexpr const char* kDefaultServiceUri = "https://outlook.office365.com/PushNotifications";
inline constexpr const char* kDefaultMetadataUrlPrefix =
    "https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=";
inline constexpr const char* kExchangePrincipalId = "00000002-0000-0ff1-ce00-000000000000";
inline constexpr const char* kAcsPrincipalId = "00000001-0000-0000-c000-000000000000";
/// Microsoft identity platform (v2) defaults (docs/protocol.md 2.6); <tenant> follows the prefix.
inline constexpr const char* kLoginBaseUrl = "https://login.microsoftonline.com/";
inline constexpr const char* kDefaultTokenUrlSuffix = "/oauth2/v2.0/token";
inline constexpr const char* kOpenIdConfigurationSuffix = "/v2.0/.well-known/openid-configuration";
inline constexpr const char* kDefaultScope = "https://outlook.office365.com/.default";

/// \brief How the token stage obtains its access token.
enum class TokenFlow {
  kAcs,               ///< ACS S2S, app-only (docs/protocol.md 2.5); the default
  kIdentityPlatform,  ///< Microsoft identity platform v2, certificate credential (2.6)
};

/// The configuration spelling: "acs" or "identity-platform".
constexpr std::string_view TokenFlowName(TokenFlow flow) {
  return flow == TokenFlow::kIdentityPlatform ? "identity-platform" : "acs";
}

/// \brief The highest TLS version a check offers (TLS 1.2 is always the lowest).
enum class TlsVersion {
  k1_2,  ///< what Exchange Server negotiates: SChannel before Windows Server 2022 has no TLS 1.3
  k1_3,
};

/// The configuration spelling: "1.2" or "1.3".
constexpr std::string_view TlsVersionName(TlsVersion version) {
  return version == TlsVersion::k1_3 ? "1.3" : "1.2";
}

/// \brief How a check orders its requests.
enum class Concurrency {
  /// The challenge beside the metadata request and the publish connection
  /// opened at the start, so a check takes 6 round trips at TLS 1.2 (5 resumed).
  kConcurrent,
  /// One request after another in stage order, as before: for comparison.
  kSequential,
};

/// The configuration spelling: "concurrent" or "sequential".
constexpr std::string_view ConcurrencyName(Concurrency concurrency) {
  return concurrency == Concurrency::kSequential ? "sequential" : "concurrent";
}

/// \brief One curl-style --connect-to rule: requests for HOST:PORT connect to
/// CONNECT_HOST:CONNECT_PORT instead, keeping the URL, SNI and name check.
/// An empty host or a zero port matches any; an empty connect host or a zero
/// connect port keeps the original.
struct ConnectTo {
  std::string host;
  std::uint16_t port = 0;
  std::string connect_host;
  std::uint16_t connect_port = 0;

  auto Tie() const { return std::tie(host, port, connect_host, connect_port); }
  friend bool operator==(const ConnectTo& a, const ConnectTo& b) { return a.Tie() == b.Tie(); }
  friend bool operator!=(const ConnectTo& a, const ConnectTo& b) { return !(a == b); }
  friend std::size_t InternHash(const ConnectTo& rule) {
    std::size_t seed = InternHash(rule.host);
    seed = CombineHash(seed, rule.port);
    seed = CombineHash(seed, InternHash(rule.connect_host));
    return CombineHash(seed, rule.connect_port);
  }
};

/// \brief Everything needed to check one organization. Built by the config
/// loader (defaults, then the file, then validation) and const after that.
///
/// Settings that targets usually share (defaults, paths, rules) are Interned:
/// one copy for all the targets that hold the same value, where an exporter
/// has tens of thousands. Those that differ by target by nature (name,
/// organization and what derives from it, the application id) stay plain
/// strings, which cost less than an interned value held once.
struct TargetConfig {
  std::string name;
  std::string organization;
  SharedString service_uri = kDefaultServiceUri;
  /// Set only when the configuration names one; empty: the default, which
  /// AuthMetadataUrl() derives when a run needs it. Derived, not stored: it
  /// differs from target to target only by the organization, and stored it
  /// was a 79-byte string for each of an exporter's 50,000 targets.
  std::string auth_metadata_url;
  SharedString certificate;  ///< path: PEM (certificate, maybe key) or PKCS#12
  SharedString private_key;  ///< path: PEM key, when not in the certificate file
  SharedString private_key_password_file;
  SharedString thumbprint;  ///< optional pin, uppercase hex
  /// The next Auth certificate (Set-AuthConfig -NewCertificateThumbprint), same
  /// forms as the three above; empty: no rollover step.
  SharedString next_certificate;
  SharedString next_private_key;
  SharedString next_private_key_password_file;
  /// Get-AuthConfig's NextCertificateEffectiveDate, when known.
  std::optional<WallTime> next_effective_date;
  SharedString ca_file;  ///< trust anchors; empty: the system store
  Interned<std::vector<ConnectTo>> connect_to;
  SharedString proxy;  ///< "http://host:port" (never with userinfo), empty for none
  /// Proxy authentication (Basic, on the CONNECT only): the user, from
  /// `proxy_user` or the proxy URL, and the file holding the password.
  /// Both set or both empty.
  SharedString proxy_user;
  SharedString proxy_password_file;
  /// TLS 1.2 by default, as Exchange speaks it to Office 365; "1.3" offers
  /// TLS 1.3 too (Exchange 2019 CU15 and later on Windows Server 2022 and later).
  TlsVersion tls_max_version = TlsVersion::k1_2;
  /// The SChannel defaults to offer; unset: windows-2019, or windows-2022
  /// with tls_max_version 1.3 (ResolvedTlsProfile below).
  std::optional<TlsProfile> tls_profile;
  /// (Placed beside the other small fields, so padding does not add to each
  /// of an exporter's 50,000 copies: TargetConfigLayoutTest.)
  TokenFlow token_flow = TokenFlow::kAcs;
  Concurrency concurrency = Concurrency::kConcurrent;
  /// IANA names (Get-TlsCipherSuite's), replacing the profile's cipher
  /// suites; empty: the profile's. Validated against kSchannelCipherSuites.
  Interned<std::vector<std::string>> tls_ciphers;
  Duration timeout = std::chrono::seconds(30);
  Duration interval = std::chrono::seconds(60);
  SharedString service_name = kExchangePrincipalId;  ///< Exchange's own principal id
  SharedString token_issuer = kAcsPrincipalId;       ///< the ACS principal id
  std::size_t max_response_bytes = 1 << 20;          ///< bound on every response body read
  // Identity platform (v2) settings, used only with token_flow
  // kIdentityPlatform; the loader fills the defaults of tenant and token_url
  // for such targets.
  std::string application_id;  ///< the application (client) id, a GUID; required for v2
  std::string tenant;          ///< tenant domain or GUID; the organization when not set
  std::string token_url;       ///< kLoginBaseUrl + tenant + kDefaultTokenUrlSuffix when not set
  SharedString scope = kDefaultScope;

  /// Every field, for equality (the exporter reloads a target only when it
  /// changed): probe/config's target_overrides_test fails to compile when a
  /// field is added above and not here.
  auto Tie() const {
    return std::tie(name, organization, service_uri, auth_metadata_url, certificate, private_key,
                    private_key_password_file, thumbprint, next_certificate, next_private_key,
                    next_private_key_password_file, next_effective_date, ca_file, connect_to, proxy,
                    proxy_user, proxy_password_file, tls_max_version, tls_profile, tls_ciphers,
                    timeout, interval, service_name, token_issuer, max_response_bytes, token_flow,
                    application_id, tenant, token_url, scope, concurrency);
  }
  friend bool operator==(const TargetConfig& a, const TargetConfig& b) {
    return a.Tie() == b.Tie();
  }
  friend bool operator!=(const TargetConfig& a, const TargetConfig& b) { return !(a == b); }
};

/// The auth metadata URL of a target that sets none: ACS's metadata for the
/// organization (kDefaultMetadataUrlPrefix + organization), or for token_flow
/// identity-platform the tenant's OpenID configuration
/// (kLoginBaseUrl + tenant + kOpenIdConfigurationSuffix).
inline std::string DefaultAuthMetadataUrl(const TargetConfig& target) {
  if (target.token_flow == TokenFlow::kIdentityPlatform) {
    return kLoginBaseUrl + target.tenant + kOpenIdConfigurationSuffix;
  }
  return kDefaultMetadataUrlPrefix + target.organization;
}

/// The auth metadata URL a run fetches: the target's own, else the default.
inline std::string AuthMetadataUrl(const TargetConfig& target) {
  return target.auth_metadata_url.empty() ? DefaultAuthMetadataUrl(target)
                                          : target.auth_metadata_url;
}

/// The profile a target offers: its tls_profile, else windows-2019 (Windows
/// Server 2016 and 2019 run most Exchange 2016/2019 servers; 2019's offer is
/// the narrower of the two), or windows-2022 when tls_max_version is 1.3,
/// which only Windows Server 2022 and later speak.
inline TlsProfile ResolvedTlsProfile(const TargetConfig& target) {
  if (target.tls_profile) return *target.tls_profile;
  return target.tls_max_version == TlsVersion::k1_3 ? TlsProfile::kWindows2022
                                                    : TlsProfile::kWindows2019;
}

/// \brief Which of `count` exporter replicas this one is. A replica schedules
/// the targets whose name hashes to `index` with Prometheus's hashmod (see
/// exporters/shard.h), so Prometheus can split a /probe job the same way.
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;  ///< 1: this replica schedules every target

  bool operator==(const Shard& other) const { return index == other.index && count == other.count; }
  bool operator!=(const Shard& other) const { return !(*this == other); }
};

/// The spelling of flags, configuration and labels: "I/N".
inline std::string ShardName(const Shard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

/// \brief The exporter's own settings: the configuration file's `exporter:`
/// section. The plugin and the diagnostics command ignore them.
struct ExporterSettings {
  std::optional<Shard> shard;
};

/// \brief A loaded configuration file.
struct Config {
  std::string path;
  std::vector<TargetConfig> targets;
  ExporterSettings exporter;
};

}  // namespace pushprobe
