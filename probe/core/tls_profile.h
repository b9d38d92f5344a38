#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace pushprobe {

/// \brief What a check offers in its TLS ClientHello: OpenSSL's defaults, or
/// the SChannel defaults of a Windows Server version (docs/tls-profiles.md).
enum class TlsProfile {
  kOpenssl,        ///< OpenSSL's default lists (before tls_profile existed)
  kWindows2012R2,  ///< Windows Server 2012 R2 (Windows 8.1) with update 2919355
  kWindows2016,    ///< Windows Server 2016 (Windows 10 1607)
  kWindows2019,    ///< Windows Server 2019 (Windows 10 1809)
  kWindows2022,    ///< Windows Server 2022
};

inline constexpr TlsProfile kAllTlsProfiles[] = {TlsProfile::kOpenssl, TlsProfile::kWindows2012R2,
                                                 TlsProfile::kWindows2016, TlsProfile::kWindows2019,
                                                 TlsProfile::kWindows2022};

/// The configuration spelling, e.g. "windows-2019".
constexpr std::string_view TlsProfileName(TlsProfile profile) {
  switch (profile) {
    case TlsProfile::kOpenssl:
      return "openssl";
    case TlsProfile::kWindows2012R2:
      return "windows-2012r2";
    case TlsProfile::kWindows2016:
      return "windows-2016";
    case TlsProfile::kWindows2019:
      return "windows-2019";
    case TlsProfile::kWindows2022:
      return "windows-2022";
  }
  return "openssl";
}

inline std::optional<TlsProfile> TlsProfileFromName(std::string_view name) {
  for (TlsProfile p : kAllTlsProfiles) {
    if (TlsProfileName(p) == name) return p;
  }
  return std::nullopt;
}

/// \brief One cipher suite SChannel knows: its IANA name (as
/// Get-TlsCipherSuite prints it) and OpenSSL's name for it, empty when
/// OpenSSL on Debian 12 cannot offer it (3DES, RC4, DES, NULL, export, PSK).
struct CipherSuiteName {
  std::string_view iana;
  std::string_view openssl;
  bool tls13 = false;
};

/// Every suite SChannel lists on Windows Server 2012 R2 to 2022, enabled or
/// not. A name outside this table is a typo to reject.
inline constexpr CipherSuiteName kSchannelCipherSuites[] = {
    {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", true},
    {"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", true},
    {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", true},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"},
    {"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA"},
    {"TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256"},
    {"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256"},
    {"TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA"},
    {"TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA"},
    // Known to SChannel; OpenSSL on Debian 12 has none of these in TLS.
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", ""},
    {"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", ""},
    {"TLS_RSA_WITH_RC4_128_SHA", ""},
    {"TLS_RSA_WITH_RC4_128_MD5", ""},
    {"TLS_RSA_WITH_DES_CBC_SHA", ""},
    {"TLS_DHE_DSS_WITH_DES_CBC_SHA", ""},
    {"TLS_RSA_WITH_NULL_SHA256", ""},
    {"TLS_RSA_WITH_NULL_SHA", ""},
    {"TLS_RSA_WITH_NULL_MD5", ""},
    {"TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", ""},
    {"TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", ""},
    {"TLS_RSA_EXPORT_WITH_RC4_40_MD5", ""},
    {"TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", ""},
    {"TLS_PSK_WITH_AES_256_GCM_SHA384", ""},
    {"TLS_PSK_WITH_AES_128_GCM_SHA256", ""},
    {"TLS_PSK_WITH_AES_256_CBC_SHA384", ""},
    {"TLS_PSK_WITH_AES_128_CBC_SHA256", ""},
    {"TLS_PSK_WITH_NULL_SHA384", ""},
    {"TLS_PSK_WITH_NULL_SHA256", ""},
};

/// The table entry for \p name, also in Windows 8.1's spelling with the curve
/// appended ("..._SHA384_P256"); nullptr for a name SChannel does not know.
inline const CipherSuiteName* FindSchannelCipherSuite(std::string_view name) {
  for (std::string_view suffix : {"_P256", "_P384", "_P521"}) {
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      name = name.substr(0, name.size() - suffix.size());
      break;
    }
  }
  for (const CipherSuiteName& suite : kSchannelCipherSuites) {
    if (suite.iana == name) return &suite;
  }
  return nullptr;
}

/// \brief What a Windows profile offers, each list in SChannel's order
/// (docs/tls-profiles.md says where each comes from and what is left out:
/// suites OpenSSL lacks, and the DHE-DSS suites, which OpenSSL offers only
/// beside a DSA signature algorithm, and SChannel's one, DSA/SHA-1, is
/// refused by OpenSSL 3 at its default security level).
struct TlsOffer {
  std::vector<std::string_view> tls13_suites;  ///< IANA names; offered with tls_max_version 1.3
  std::vector<std::string_view> tls12_suites;  ///< IANA names
  std::string_view groups;                     ///< OpenSSL groups list
  std::string_view signature_algorithms;       ///< OpenSSL sigalgs list
};

/// The offer of a Windows profile; nullopt for kOpenssl (OpenSSL's defaults).
inline std::optional<TlsOffer> OfferOf(TlsProfile profile) {
  // SChannel on Windows 10 / Server 2016 and later: RSA-PSS first; the SHA-1
  // and DSA schemes it lists are left out (OpenSSL 3 refuses SHA-1
  // signatures at its default security level).
  constexpr std::string_view kSigalgs =
      "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:RSA+SHA256:RSA+SHA384:"
      "ECDSA+SHA256:ECDSA+SHA384:RSA+SHA512:ECDSA+SHA512";
  constexpr std::string_view kGroups = "X25519:P-256:P-384";
  switch (profile) {
    case TlsProfile::kOpenssl:
      return std::nullopt;
    case TlsProfile::kWindows2012R2:
      return TlsOffer{{},
                      {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                       "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                       "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
                       "TLS_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_RSA_WITH_AES_256_CBC_SHA256",
                       "TLS_RSA_WITH_AES_128_CBC_SHA256",
                       "TLS_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_RSA_WITH_AES_128_CBC_SHA",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
                      // Windows 8.1 names the curve in the suite (_P256 before _P384)
                      // and has neither Curve25519 nor RSA-PSS in TLS 1.2.
                      "P-256:P-384",
                      "RSA+SHA256:RSA+SHA384:ECDSA+SHA256:ECDSA+SHA384:RSA+SHA512:ECDSA+SHA512"};
    case TlsProfile::kWindows2016:
      return TlsOffer{{},
                      {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                       "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                       "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                       "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
                       "TLS_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_RSA_WITH_AES_256_CBC_SHA256",
                       "TLS_RSA_WITH_AES_128_CBC_SHA256",
                       "TLS_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_RSA_WITH_AES_128_CBC_SHA"},
                      kGroups,
                      kSigalgs};
    case TlsProfile::kWindows2019:
      return TlsOffer{{},
                      {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                       "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                       "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                       "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                       "TLS_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_RSA_WITH_AES_256_CBC_SHA256",
                       "TLS_RSA_WITH_AES_128_CBC_SHA256",
                       "TLS_RSA_WITH_AES_256_CBC_SHA",
                       "TLS_RSA_WITH_AES_128_CBC_SHA"},
                      kGroups,
                      kSigalgs};
    case TlsProfile::kWindows2022:
      return TlsOffer{
          {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"},
          {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
           "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
           "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
           "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
           "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
           "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
           "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384",
           "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
           "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA",
           "TLS_RSA_WITH_AES_128_CBC_SHA"},
          kGroups,
          kSigalgs};
  }
  return std::nullopt;
}

/// Whether \p profile can offer TLS 1.3 (SChannel has it from Windows Server 2022).
constexpr bool ProfileHasTls13(TlsProfile profile) {
  return profile == TlsProfile::kOpenssl || profile == TlsProfile::kWindows2022;
}

}  // namespace pushprobe
