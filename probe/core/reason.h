#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pushprobe {

/// \brief Why a stage failed. A small fixed set, so it is safe as a metric label.
/// One byte, as StageId.
enum class Reason : std::uint8_t {
  kNone,                    ///< the stage did not fail
  kConfig,                  ///< a required setting is missing or unusable
  kDns,                     ///< the host name could not be resolved
  kConnect,                 ///< the TCP connection was refused or unreachable
  kProxy,                   ///< the outbound proxy refused or broke the CONNECT tunnel
  kProxyAuth,               ///< the outbound proxy wants authentication, or refused ours (407)
  kNetwork,                 ///< the connection was reset or closed mid-exchange
  kTimeout,                 ///< the run's deadline passed during this stage
  kTlsHandshake,            ///< the TLS handshake failed for a reason other than trust
  kTlsUntrusted,            ///< the server's chain does not lead to a trusted anchor
  kTlsHostname,             ///< the server certificate does not name the host
  kHttpStatus,              ///< an unexpected HTTP status (including redirects)
  kMalformedResponse,       ///< the answer could not be parsed, or was too large
  kOauthError,              ///< the token issuer answered with an OAuth error
  kUntrustedIssuer,         ///< the challenge does not trust the token issuer
  kClockSkew,               ///< refused, and the server clock differs by > 5 minutes
  kTokenRejected,           ///< the push proxy refused the bearer token (401)
  kCertMissing,             ///< the Auth certificate or its key cannot be loaded
  kCertWeakKey,             ///< the key is not RSA of at least 2048 bits
  kCertExpired,             ///< the Auth certificate's notAfter has passed
  kCertNotYetValid,         ///< the Auth certificate's notBefore is in the future
  kCertKeyMismatch,         ///< the private key does not belong to the certificate
  kCertThumbprintMismatch,  ///< the certificate is not the one pinned in the config
  kInternal,                ///< a defect in pushprobe itself
};

inline constexpr std::array<Reason, 24> kAllReasons = {
    Reason::kNone,
    Reason::kConfig,
    Reason::kDns,
    Reason::kConnect,
    Reason::kProxy,
    Reason::kProxyAuth,
    Reason::kNetwork,
    Reason::kTimeout,
    Reason::kTlsHandshake,
    Reason::kTlsUntrusted,
    Reason::kTlsHostname,
    Reason::kHttpStatus,
    Reason::kMalformedResponse,
    Reason::kOauthError,
    Reason::kUntrustedIssuer,
    Reason::kClockSkew,
    Reason::kTokenRejected,
    Reason::kCertMissing,
    Reason::kCertWeakKey,
    Reason::kCertExpired,
    Reason::kCertNotYetValid,
    Reason::kCertKeyMismatch,
    Reason::kCertThumbprintMismatch,
    Reason::kInternal,
};

/// The stable snake_case name used in metric labels, JSON and plugin output.
constexpr std::string_view ReasonName(Reason r) {
  switch (r) {
    case Reason::kNone:
      return "none";
    case Reason::kConfig:
      return "config";
    case Reason::kDns:
      return "dns";
    case Reason::kConnect:
      return "connect";
    case Reason::kProxy:
      return "proxy";
    case Reason::kProxyAuth:
      return "proxy_auth";
    case Reason::kNetwork:
      return "network";
    case Reason::kTimeout:
      return "timeout";
    case Reason::kTlsHandshake:
      return "tls_handshake";
    case Reason::kTlsUntrusted:
      return "tls_untrusted";
    case Reason::kTlsHostname:
      return "tls_hostname";
    case Reason::kHttpStatus:
      return "http_status";
    case Reason::kMalformedResponse:
      return "malformed_response";
    case Reason::kOauthError:
      return "oauth_error";
    case Reason::kUntrustedIssuer:
      return "untrusted_issuer";
    case Reason::kClockSkew:
      return "clock_skew";
    case Reason::kTokenRejected:
      return "token_rejected";
    case Reason::kCertMissing:
      return "cert_missing";
    case Reason::kCertWeakKey:
      return "cert_weak_key";
    case Reason::kCertExpired:
      return "cert_expired";
    case Reason::kCertNotYetValid:
      return "cert_not_yet_valid";
    case Reason::kCertKeyMismatch:
      return "cert_key_mismatch";
    case Reason::kCertThumbprintMismatch:
      return "cert_thumbprint_mismatch";
    case Reason::kInternal:
      return "internal";
  }
  return "internal";
}

inline std::optional<Reason> ReasonFromName(std::string_view name) {
  for (Reason r : kAllReasons) {
    if (ReasonName(r) == name) return r;
  }
  return std::nullopt;
}

/// \brief The coarse category Exchange's own probe records (docs/protocol.md section 3).
/// One byte, as StageId.
enum class ExchangeCategory : std::uint8_t {
  kNone,
  kNetworking,
  kAuthentication,
  kPushNotifications,
  kUnknown
};

constexpr std::string_view ExchangeCategoryName(ExchangeCategory c) {
  switch (c) {
    case ExchangeCategory::kNone:
      return "";
    case ExchangeCategory::kNetworking:
      return "Networking";
    case ExchangeCategory::kAuthentication:
      return "Authentication";
    case ExchangeCategory::kPushNotifications:
      return "PushNotifications";
    case ExchangeCategory::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

/// Exchange's explanation for a category, word for word. Empty for kNone and for
/// kPushNotifications, whose explanation is the configuration message itself.
constexpr std::string_view ExchangeCategoryExplanation(ExchangeCategory c) {
  switch (c) {
    case ExchangeCategory::kNetworking:
      return "A connection to Office 365 could not be established. Please check the status of "
             "your network and try again.";
    case ExchangeCategory::kAuthentication:
      return "It was not possible to authenticate to the Office 365 cloud. Please verify your "
             "server is correctly configured and try again.";
    case ExchangeCategory::kUnknown:
      return "An unknown error has occurred while trying to connect to Office 365. Please refer "
             "to the error message for more details.";
    case ExchangeCategory::kNone:
    case ExchangeCategory::kPushNotifications:
      return "";
  }
  return "";
}

/// \brief Where Exchange would file a failure with this reason.
///
/// Socket-level failures are Networking, TLS trust failures Authentication,
/// missing settings PushNotifications, and everything else (an OAuth 401
/// included) Unknown, as Exchange's probe does.
constexpr ExchangeCategory CategoryFor(Reason r) {
  switch (r) {
    case Reason::kNone:
      return ExchangeCategory::kNone;
    case Reason::kDns:
    case Reason::kConnect:
    case Reason::kProxy:
    case Reason::kProxyAuth:
    case Reason::kNetwork:
    case Reason::kTimeout:
      return ExchangeCategory::kNetworking;
    case Reason::kTlsHandshake:
    case Reason::kTlsUntrusted:
    case Reason::kTlsHostname:
      return ExchangeCategory::kAuthentication;
    case Reason::kConfig:
      return ExchangeCategory::kPushNotifications;
    default:
      return ExchangeCategory::kUnknown;
  }
}

}  // namespace pushprobe
