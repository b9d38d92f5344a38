#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/core/expected.h"
#include "probe/core/target_config.h"
#include "probe/core/url.h"

/// What a target's values must look like, and the values a target derives
/// from others when it does not set them. Shared by the configuration loader
/// and the Nagios plugin, whose options can replace a file's values.
namespace pushprobe {

/// A GUID in its 36-character form, "00000002-0000-0ff1-ce00-000000000000".
bool IsGuid(std::string_view text);

/// A plausible DNS name with at least two labels whose last label is not all
/// digits (which turns away IP addresses: a tenant is named by its domain).
bool IsDomainName(std::string_view name);

/// A tls_max_version value: "1.2" or "1.3", also spelt "TLS12" (as
/// blackbox_exporter) or "TLSv1.2" (as OpenSSL); nullopt for anything else.
std::optional<TlsVersion> ParseTlsVersion(std::string_view text);

/// Success, or why the target's TLS settings cannot be offered together (a
/// profile without TLS 1.3 and tls_max_version 1.3; tls_ciphers naming no
/// suite that can be offered). Shared by the loader and the plugin.
Expected<void> CheckTlsSettings(const TargetConfig& target);

/// The most replicas a shard can name. Far above any real deployment (a
/// million organisations need about a hundred), low enough that a typo such
/// as "0/20000" is caught.
inline constexpr std::uint64_t kMaxShards = 10000;

/// An exporter shard "I/N" (0 <= I < N <= kMaxShards, decimal digits only):
/// the one reading of --scheduler.shard and of the file's `exporter: shard:`.
/// The error says what is expected, without repeating \p text.
Expected<Shard> ParseShard(std::string_view text);

/// An organization: the tenant's domain name, returned in lower case (DNS
/// names are case-insensitive; one spelling keeps labels and the metadata URL
/// stable). The error is the configuration's message,
/// `invalid organization "x": must be ...`, for the caller to put in context.
Expected<std::string> CheckOrganization(std::string_view text);

/// An absolute http(s) URL the probe sends requests to (service_uri,
/// auth_metadata_url, token_url): no user info, no fragment, no empty port.
/// The error is `invalid URL "<url, user info redacted>": why`.
Expected<std::string> CheckRequestUrl(std::string_view text);

/// A proxy URL, http://[USER@]host:port; empty turns a proxy off. A password
/// in the URL is refused: the URL is quoted in messages, so the password
/// belongs in proxy_password_file. The error is
/// `invalid URL "<url, user info redacted>": why`.
Expected<std::string> CheckProxyUrl(std::string_view text);

/// A next_effective_date value: RFC 3339 with a zone ("2027-01-15T00:00:00Z",
/// "2027-01-15T09:00:00+01:00", the form of PowerShell's
/// `(Get-AuthConfig).NextCertificateEffectiveDate.ToUniversalTime().ToString('o')`)
/// or a plain date "2027-01-15" (midnight UTC). Get-AuthConfig's own display
/// ("1/15/2027 12:00:00 AM") is refused: its order of day and month and its
/// zone follow the Windows locale, so it cannot be read reliably. The error
/// says what is expected, without repeating \p text.
Expected<WallTime> ParseEffectiveDate(std::string_view text);

/// \brief A `proxy` value split into the URL the client dials and the user
/// it names.
struct ProxyValue {
  std::string url;   ///< "http://host:port", the userinfo left out
  std::string user;  ///< from "http://USER@host:port", percent-decoded; empty when none
};

/// A proxy value checked as CheckProxyUrl does (with its error) and split
/// into the URL the client dials and the user it names ("" is not one:
/// callers treat it as "no proxy").
Expected<ProxyValue> ParseProxy(std::string_view text);

/// Success, or why \p user cannot be a proxy user (empty, a ':' which would
/// end the user in Basic credentials, control characters); the error is the
/// end of a sentence ("must not be empty") for the caller to begin.
Expected<void> CheckProxyUser(std::string_view user);

/// Success, or why a target's proxy credentials cannot be used (a user
/// without proxy_password_file, the file without a user, either without a
/// proxy), worded by the keys. The loader and the plugin's options both end
/// with this check.
Expected<void> CheckProxyCredentials(const TargetConfig& target);

/// The identity platform token URL of a target that sets none.
std::string DefaultTokenUrl(const TargetConfig& target);

}  // namespace pushprobe
