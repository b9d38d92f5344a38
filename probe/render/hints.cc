#include "probe/render/hints.h"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "probe/core/ascii.h"
#include "probe/core/target_config.h"
#include "probe/core/time_format.h"
#include "probe/core/url.h"
#include "probe/render/format.h"

namespace pushprobe::render {
namespace {

// What a rule sees: the whole result and, for a failed run, the failed stage.
struct Ctx {
  const ProbeResult& result;
  const StageResult* stage;  // nullptr for a successful run
};

struct HintRule {
  std::optional<StageId> stage;  // nullopt: any stage
  Reason reason;
  bool (*applies)(const Ctx&);  // nullptr: always
  std::string (*text)(const Ctx&);
};

// Everything a failure said about itself, for matching codes like AADSTS700027.
std::string FailureText(const Ctx& c) {
  std::string text = c.result.facts.oauth_error + "\n" + c.result.facts.oauth_error_description +
                     "\n" + c.result.error;
  if (c.stage) text += "\n" + c.stage->message + "\n" + c.stage->exchange_error;
  return text;
}

bool Mentions(const Ctx& c, std::string_view needle) {
  return ContainsIgnoreCaseAscii(FailureText(c), needle);
}

std::string StageFact(const Ctx& c, std::string_view name) {
  if (!c.stage) return "";
  for (const Fact& f : c.stage->facts) {
    if (f.name == name) return f.value;
  }
  return "";
}

const HttpRequestFacts* LastRequest(const Ctx& c) {
  if (!c.stage || c.stage->requests.empty()) return nullptr;
  return &c.stage->requests.back();
}

std::string HostOf(std::string_view url) {
  // Never the text itself when it does not parse: it may hold user info.
  auto parsed = ParseUrl(url);
  return parsed ? parsed->BracketedHost() : "the server";
}

// The host the failed stage was talking to, named as specifically as the
// result allows.
std::string Host(const Ctx& c) {
  if (const HttpRequestFacts* r = LastRequest(c)) return HostOf(r->url);
  const ProbeFacts& f = c.result.facts;
  if (c.stage) {
    switch (c.stage->stage) {
      case StageId::kToken:
        if (!f.token_endpoint.empty()) return HostOf(f.token_endpoint);
        return "the token endpoint";
      case StageId::kChallenge:
      case StageId::kPublish:
        if (!f.publish_url.empty()) return HostOf(f.publish_url);
        return "outlook.office365.com";
      case StageId::kMetadata:
        return "accounts.accesscontrol.windows.net";
      default:
        break;
    }
  }
  return "the server";
}

// The identity platform (v2) token stage records the application and scope
// it asked for; the ACS one records a resource instead.
bool IsIdentityPlatform(const Ctx& c) {
  return c.stage && c.stage->stage == StageId::kToken && !StageFact(c, "scope").empty();
}

std::string StageLabel(const Ctx& c) {
  return c.stage ? std::string(StageName(c.stage->stage)) : std::string("check");
}

int HttpStatus(const Ctx& c) {
  if (const HttpRequestFacts* r = LastRequest(c)) return r->status;
  if (c.stage && c.stage->stage == StageId::kPublish) return c.result.facts.publish_status;
  return 0;
}

std::string Organization(const Ctx& c) {
  return c.result.organization.empty() ? "<tenant domain>" : c.result.organization;
}

std::string Realm(const Ctx& c) {
  return c.result.facts.realm.empty() ? "<tenant id>" : c.result.facts.realm;
}

std::string Thumbprint(const Ctx& c) {
  return c.result.facts.auth_cert_thumbprint.empty() ? "<thumbprint>"
                                                     : c.result.facts.auth_cert_thumbprint;
}

std::string Join(std::initializer_list<std::string> lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

std::string UploadCertificateStep() {
  return "New-MsolServicePrincipalCredential -AppPrincipalId " + std::string(kExchangePrincipalId) +
         " -Type asymmetric -Usage Verify -Value <base64 of the certificate's DER>"
         " (or re-run the Hybrid Configuration Wizard)";
}

std::string RenewalSteps() {
  // NOLINTBEGIN(bugprone-suspicious-missing-comma): long steps are split for the column limit.
  return Join({
      "  1. $c = New-ExchangeCertificate -KeySize 2048 -PrivateKeyExportable $true -SubjectName "
      "\"cn=Microsoft Exchange Server Auth Certificate\" -FriendlyName \"Microsoft Exchange "
      "Server Auth Certificate\" -DomainName @()  (answer No to replacing the SMTP certificate)",
      "  2. Set-AuthConfig -NewCertificateThumbprint $c.Thumbprint -NewCertificateEffectiveDate "
      "(Get-Date); Set-AuthConfig -PublishCertificate; Set-AuthConfig -ClearPreviousCertificate",
      "  3. upload it to Microsoft 365: " + UploadCertificateStep(),
      "  4. Restart-Service MSExchangeServiceHost; Restart-WebAppPool MSExchangeOWAAppPool; "
      "Restart-WebAppPool MSExchangeECPAppPool; Restart-Service MSExchangeHM",
      "  5. export it with its key (Export-ExchangeCertificate -Thumbprint $c.Thumbprint "
      "-BinaryEncoded -Password ...) and point pushprobe's `certificate` at the new file",
  });
  // NOLINTEND(bugprone-suspicious-missing-comma)
}

std::optional<std::int64_t> CertDaysLeft(const Ctx& c) {
  if (!c.result.facts.auth_cert_not_after) return std::nullopt;
  return DaysLeft(*c.result.facts.auth_cert_not_after, c.result.started_at);
}

std::string CertExpiryPhrase(const Ctx& c) {
  if (!c.result.facts.auth_cert_not_after) return "has expired";
  return FormatExpiry(*c.result.facts.auth_cert_not_after, c.result.started_at);
}

// x-ms-diagnostics: 2000001;reason="...";error_category="invalid_token"
std::string DiagnosticsCategory(const Ctx& c) {
  const std::string& d = c.result.facts.x_ms_diagnostics;
  const std::string key = "error_category=\"";
  auto pos = d.find(key);
  if (pos != std::string::npos) {
    pos += key.size();
    return d.substr(pos, d.find('"', pos) - pos);
  }
  // Only the numeric code: map the ones the proxy is known to send.
  if (d.rfind("2000000", 0) == 0) return "invalid_signature";
  if (d.rfind("2000001", 0) == 0) return "invalid_token";
  if (d.rfind("2000002", 0) == 0) return "token_expired";
  if (d.rfind("4000000", 0) == 0) return "oauth_not_available";
  return "";
}

bool DiagnosticsIs(const Ctx& c, std::string_view category) {
  return DiagnosticsCategory(c) == category;
}

// The stage's own words (DescribeClockSkew) and which clock to fix, so the
// message and the hint never disagree on amount or direction.
std::string SkewPhrase(const Ctx& c) {
  if (!c.result.facts.clock_skew) {
    return "This machine's clock differs from the server's by more than 5 minutes";
  }
  const Duration skew = *c.result.facts.clock_skew;
  return "The " + DescribeClockSkew(skew) + " (" + Host(c) + " Date header): this machine's " +
         "clock is " + (skew > Duration::zero() ? "behind" : "ahead");
}

std::string StatusPhrase(const Ctx& c) {
  const int status = HttpStatus(c);
  return status > 0 ? "HTTP " + std::to_string(status) : "an unexpected HTTP status";
}

// A service URI with a trailing slash resolves the relative publish path to
// ".../PushNotifications/PushNotifications/..." (docs/protocol.md 2.7).
bool DoubledServicePath(const Ctx& c) {
  constexpr std::string_view kDoubled = "/PushNotifications/PushNotifications/";
  const auto doubled = [&](std::string_view url) {
    return url.find(kDoubled) != std::string_view::npos;
  };
  if (doubled(c.result.facts.publish_url) || doubled(StageFact(c, "publish_url"))) return true;
  if (const HttpRequestFacts* r = LastRequest(c)) return doubled(r->url);
  return false;
}

// Ordered: within a reason, specific rules come before the general one.
const HintRule kRules[] = {
    // A healthy run: only the coming certificate expiry deserves a step.
    {std::nullopt, Reason::kNone,
     [](const Ctx& c) {
       auto days = CertDaysLeft(c);
       return days && *days < kCertRenewalWarningDays;
     },
     [](const Ctx& c) {
       return Join({"The Auth certificate " + Thumbprint(c) + " " + CertExpiryPhrase(c) +
                        "; renew it before it expires (hybrid OAuth stops then):",
                    RenewalSteps()});
     }},

    // Configuration: the most specific message first.
    {StageId::kConfiguration, Reason::kConfig,
     [](const Ctx& c) { return Mentions(c, "Push Notifications settings could not be found"); },
     [](const Ctx&) {
       return std::string(
           "Push notifications to Office 365 are not enabled: run "
           "Enable-PushNotificationProxy -Organization <tenant domain>, then "
           "Restart-Service MSExchangeHM so Exchange's probe reads the settings.");
     }},
    {StageId::kConfiguration, Reason::kConfig,
     [](const Ctx& c) {
       return Mentions(c, "domain of your Office 365") || Mentions(c, "organization");
     },
     [](const Ctx& c) {
       return "Set the tenant's domain: on Exchange run Enable-PushNotificationProxy "
              "-Organization <tenant domain> (e.g. fabrikam.com), and set `organization` for "
              "target \"" +
              c.result.target + "\" in pushprobe's configuration to the same domain.";
     }},
    {StageId::kConfiguration, Reason::kConfig,
     [](const Ctx& c) { return Mentions(c, "Service URI") || Mentions(c, "service_uri"); },
     [](const Ctx&) {
       return "Set the push proxy URI: Enable-PushNotificationProxy -Organization <tenant "
              "domain> -Uri " +
              std::string(kDefaultServiceUri) +
              " (no trailing slash); pushprobe's `service_uri` defaults to the same.";
     }},
    {StageId::kConfiguration, Reason::kConfig, [](const Ctx& c) { return Mentions(c, "metadata"); },
     [](const Ctx&) {
       return std::string(
           "Fix the auth metadata URL: it is https://accounts.accesscontrol.windows.net/"
           "metadata/json/1/?realm=<tenant domain> (Get-AuthServer MicrosoftSts | fl "
           "AuthMetadataUrl); pushprobe derives it from `organization` when "
           "`auth_metadata_url` is not set.");
     }},
    {std::nullopt, Reason::kConfig, nullptr,
     [](const Ctx& c) {
       return "Fix the configuration of target \"" + c.result.target +
              "\": " + (c.stage ? c.stage->message : c.result.error) +
              ". Check the file with `pushprobe check-config --config FILE`; the matching Exchange "
              "settings are "
              "Enable-PushNotificationProxy -Organization/-Uri and Get-AuthConfig.";
     }},

    // The Auth certificate.
    {std::nullopt, Reason::kCertExpired, nullptr,
     [](const Ctx& c) {
       return Join({"The Auth certificate " + Thumbprint(c) + " " + CertExpiryPhrase(c) +
                        ", the most common cause of broken hybrid OAuth. Renew it on an "
                        "Exchange server:",
                    RenewalSteps()});
     }},
    {std::nullopt, Reason::kCertNotYetValid, nullptr,
     [](const Ctx& c) {
       std::string from = c.result.facts.auth_cert_not_before
                              ? " until " + FormatRfc3339(*c.result.facts.auth_cert_not_before)
                              : "";
       return "The Auth certificate " + Thumbprint(c) + " is not valid yet" + from +
              ": either this machine's clock is behind (w32tm /resync; check NTP) or the "
              "certificate was just created; Exchange switches to it at "
              "NewCertificateEffectiveDate (Get-AuthConfig | fl *Certificate*), and pushprobe "
              "should keep the current one until then.";
     }},
    {std::nullopt, Reason::kCertMissing, nullptr,
     [](const Ctx& c) {
       return "The Auth certificate or its private key could not be loaded. Export the current "
              "one with its key on Exchange: Export-ExchangeCertificate -Thumbprint "
              "(Get-AuthConfig).CurrentCertificateThumbprint -BinaryEncoded -Password "
              "(Read-Host -AsSecureString) | ... to a .pfx, then check `certificate`, "
              "`private_key` and `private_key_password_file` of target \"" +
              c.result.target + "\" and that pushprobe may read those files.";
     }},
    {std::nullopt, Reason::kCertWeakKey, nullptr,
     [](const Ctx& c) {
       std::string bits = c.result.facts.auth_key_bits > 0
                              ? " (" + std::to_string(c.result.facts.auth_key_bits) + " bits)"
                              : "";
       return Join({"The Auth certificate's key" + bits +
                        " is not RSA of at least 2048 bits, which Exchange and ACS require. "
                        "Create a new Auth certificate:",
                    RenewalSteps()});
     }},
    {std::nullopt, Reason::kCertKeyMismatch, nullptr,
     [](const Ctx&) {
       return std::string(
           "The private key does not belong to the certificate, usually files from two "
           "renewals mixed up. Export certificate and key together from Exchange "
           "(Export-ExchangeCertificate -Thumbprint (Get-AuthConfig).CurrentCertificateThumbprint "
           "-BinaryEncoded -Password ...) and use that .pfx as `certificate`.");
     }},
    {std::nullopt, Reason::kCertThumbprintMismatch, nullptr,
     [](const Ctx& c) {
       return "The loaded certificate " + Thumbprint(c) +
              " is not the one pinned in `thumbprint`: the Auth certificate was probably "
              "renewed. Compare with (Get-AuthConfig).CurrentCertificateThumbprint, export the "
              "current one, and update `thumbprint` (or remove the pin).";
     }},

    // OAuth errors from the token issuer, most specific first.
    // "The key used is expired": the certificate is known, but its registration
    // (the credential's EndDate) has passed; uploading "again" is the fix, not
    // a first registration.
    {std::nullopt, Reason::kOauthError,
     [](const Ctx& c) { return Mentions(c, "AADSTS700027") && Mentions(c, "key used is expired"); },
     [](const Ctx& c) {
       if (IsIdentityPlatform(c)) {
         return "AADSTS700027 (key expired): the Auth certificate " + Thumbprint(c) +
                " is known to the application " + StageFact(c, "client_id") +
                ", but that credential's end date has passed (the certificate itself may still "
                "be valid). Upload it again under Entra ID > App registrations > " +
                StageFact(c, "client_id") +
                " > Certificates & secrets, or re-run the Hybrid Configuration Wizard.";
       }
       return Join({"AADSTS700027 (key expired): the Auth certificate " + Thumbprint(c) +
                        " is registered on the Exchange service principal " +
                        std::string(kExchangePrincipalId) +
                        ", but that registration's end date has passed (the certificate itself may "
                        "still be valid). Register it again with a new end date:",
                    "  " + UploadCertificateStep() + " -EndDate <the certificate's expiry>",
                    "  check: Get-MsolServicePrincipalCredential -AppPrincipalId " +
                        std::string(kExchangePrincipalId) +
                        " -ReturnKeyValues $false shows the key's EndDate; then Restart-Service "
                        "MSExchangeHM."});
     }},
    {std::nullopt, Reason::kOauthError,
     [](const Ctx& c) { return Mentions(c, "AADSTS700027") && IsIdentityPlatform(c); },
     [](const Ctx& c) {
       return Join(
           {"AADSTS700027: Microsoft Entra ID does not know the key that signed the client "
            "assertion: the Auth certificate " +
                Thumbprint(c) + " is not among the certificates of the application " +
                StageFact(c, "client_id") +
                " (the dedicated Exchange hybrid application), or it was renewed without "
                "uploading the new one.",
            "  Re-run the Hybrid Configuration Wizard, or CSS-Exchange's "
            "ConfigureExchangeHybridApplication.ps1, to upload the current Auth certificate "
            "to the application;",
            "  check: Entra ID > App registrations > " + StageFact(c, "client_id") +
                " > Certificates & secrets lists thumbprint " + Thumbprint(c) + ", valid today."});
     }},
    {std::nullopt, Reason::kOauthError, [](const Ctx& c) { return Mentions(c, "AADSTS700027"); },
     [](const Ctx& c) {
       return Join(
           {"AADSTS700027: Microsoft 365 does not know the key that signed the "
            "assertion: the Auth certificate " +
                Thumbprint(c) +
                " was never registered on the Exchange service principal, or was "
                "replaced (renewed) without uploading the new one. Upload the current "
                "certificate:",
            "  " + UploadCertificateStep(),
            "  check: Get-MsolServicePrincipalCredential -AppPrincipalId " +
                std::string(kExchangePrincipalId) +
                " -ReturnKeyValues $false lists a key valid today; "
                "then Restart-Service MSExchangeHM to drop Exchange's cached token."});
     }},
    {std::nullopt, Reason::kOauthError, [](const Ctx& c) { return Mentions(c, "AADSTS700024"); },
     [](const Ctx& c) {
       return "AADSTS700024: the assertion's time window (nbf/exp) is outside the service's "
              "clock: this machine's clock is off; fix NTP (w32tm /resync, or chrony/ntpd "
              "here). Clock skew seen: " +
              (c.result.facts.clock_skew ? FormatSignedSeconds(*c.result.facts.clock_skew) + " s"
                                         : std::string("unknown")) +
              ".";
     }},
    {std::nullopt, Reason::kOauthError, [](const Ctx& c) { return Mentions(c, "AADSTS90002"); },
     [](const Ctx& c) {
       return "AADSTS90002: tenant not found: organization \"" + Organization(c) + "\" or realm " +
              Realm(c) +
              " is not a Microsoft 365 tenant; check Enable-PushNotificationProxy "
              "-Organization and the realm in Get-AuthServer MicrosoftSts | fl AuthMetadataUrl.";
     }},
    {std::nullopt, Reason::kOauthError, [](const Ctx& c) { return Mentions(c, "AADSTS500011"); },
     [](const Ctx&) {
       return "AADSTS500011: the resource principal was not found: the Exchange Online "
              "principal " +
              std::string(kExchangePrincipalId) +
              " or its outlook.office365.com name is missing in the tenant; re-run the Hybrid "
              "Configuration Wizard, and check that `service_uri` points at "
              "outlook.office365.com.";
     }},
    {std::nullopt, Reason::kOauthError, [](const Ctx& c) { return Mentions(c, "AADSTS700016"); },
     [](const Ctx&) {
       return std::string(
           "AADSTS700016: the application id in the assertion is not registered in this "
           "tenant: check the application id of the dedicated hybrid application (or "
           "`service_name`) and the tenant.");
     }},
    {std::nullopt, Reason::kOauthError, [](const Ctx& c) { return Mentions(c, "ACS50012"); },
     [](const Ctx& c) {
       return "ACS50012 Authentication failed: ACS refused the assertion. Check that "
              "organization \"" +
              Organization(c) + "\" is the tenant's domain and realm " + Realm(c) +
              " its tenant id, that the Auth certificate " + Thumbprint(c) +
              " is registered on the Exchange service principal "
              "(Get-MsolServicePrincipalCredential "
              "-AppPrincipalId " +
              std::string(kExchangePrincipalId) + "; else " + UploadCertificateStep() +
              "), and that this machine's clock is right (w32tm /resync).";
     }},
    {std::nullopt, Reason::kOauthError, nullptr,
     [](const Ctx& c) {
       const ProbeFacts& f = c.result.facts;
       std::string what =
           f.oauth_error.empty() ? std::string("an OAuth error") : "\"" + f.oauth_error + "\"";
       if (!f.oauth_error_description.empty()) what += " (" + f.oauth_error_description + ")";
       return "The token issuer " + Host(c) + " refused the assertion with " + what +
              ". Look the AADSTS/ACS code up in Microsoft's error reference; most such errors "
              "are the Auth certificate not registered on the Exchange service principal ("
              "Get-MsolServicePrincipalCredential -AppPrincipalId " +
              std::string(kExchangePrincipalId) + ") or a wrong organization/realm.";
     }},

    {std::nullopt, Reason::kUntrustedIssuer, nullptr,
     [](const Ctx& c) {
       return "The push proxy's Bearer challenge (WWW-Authenticate trusted_issuers) does not "
              "name the ACS principal " +
              std::string(kAcsPrincipalId) +
              ", so it would refuse ACS tokens. Either the request did not reach Exchange "
              "Online (a proxy, connect_to rule or DNS entry sends " +
              Host(c) + " elsewhere) or `token_issuer` was changed from " +
              std::string(kAcsPrincipalId) + ".";
     }},

    {std::nullopt, Reason::kClockSkew, nullptr,
     [](const Ctx& c) {
       return SkewPhrase(c) +
              "; tokens and assertions are valid only within minutes of the issuer's time. "
              "Fix time sync: w32tm /resync (w32tm /query /status on Exchange), or "
              "chrony/ntpd where pushprobe runs.";
     }},

    // The push proxy refused the token: x-ms-diagnostics names the category.
    {std::nullopt, Reason::kTokenRejected,
     [](const Ctx& c) { return DiagnosticsIs(c, "invalid_signature"); },
     [](const Ctx& c) {
       return "The push proxy could not verify the token's signature (x-ms-diagnostics "
              "invalid_signature): the token came from an issuer or tenant it does not "
              "trust. Check that realm " +
              Realm(c) + " is the tenant of \"" + Organization(c) +
              "\" and that the metadata URL's realm is that tenant.";
     }},
    {std::nullopt, Reason::kTokenRejected,
     [](const Ctx& c) { return DiagnosticsIs(c, "invalid_token"); },
     [](const Ctx& c) {
       return "The push proxy found the token invalid (x-ms-diagnostics invalid_token), "
              "usually the wrong audience: the resource must be " +
              std::string(kExchangePrincipalId) + "/outlook.office365.com@" + Realm(c) +
              "; check that `service_uri` uses the host outlook.office365.com and that "
              "organization matches Enable-PushNotificationProxy -Organization.";
     }},
    {std::nullopt, Reason::kTokenRejected,
     [](const Ctx& c) { return DiagnosticsIs(c, "token_expired"); },
     [](const Ctx&) {
       return std::string(
           "The push proxy says the token expired (x-ms-diagnostics token_expired) right after "
           "it was issued: a clock is wrong; fix NTP (w32tm /resync) on this machine and on "
           "Exchange.");
     }},
    {std::nullopt, Reason::kTokenRejected,
     [](const Ctx& c) {
       return DiagnosticsIs(c, "invalid_tenant") || DiagnosticsIs(c, "invalid_resource");
     },
     [](const Ctx& c) {
       return "The push proxy does not accept the token's tenant or resource (x-ms-diagnostics " +
              DiagnosticsCategory(c) + "): check that organization \"" + Organization(c) +
              "\" is the tenant's domain, realm " + Realm(c) +
              " its tenant id, and that the tenant has Exchange Online.";
     }},
    {std::nullopt, Reason::kTokenRejected,
     [](const Ctx& c) { return DiagnosticsIs(c, "oauth_not_available"); },
     [](const Ctx&) {
       return std::string(
           "The push proxy cannot validate OAuth tokens right now (x-ms-diagnostics "
           "oauth_not_available), a service-side problem: check the Microsoft 365 service "
           "health for Exchange Online and retry later.");
     }},
    {std::nullopt, Reason::kTokenRejected, nullptr,
     [](const Ctx& c) {
       const std::string diag = c.result.facts.x_ms_diagnostics.empty()
                                    ? std::string("no x-ms-diagnostics header")
                                    : "x-ms-diagnostics: " + c.result.facts.x_ms_diagnostics;
       return "The push proxy refused the bearer token (401, " + diag +
              "). Check that organization \"" + Organization(c) +
              "\" matches Enable-PushNotificationProxy -Organization, that realm " + Realm(c) +
              " is its tenant, and that the Auth certificate is registered on the Exchange "
              "service principal " +
              std::string(kExchangePrincipalId) + ".";
     }},

    // TLS.
    {std::nullopt, Reason::kTlsUntrusted, nullptr,
     [](const Ctx& c) {
       std::string issuer;
       if (const HttpRequestFacts* r = LastRequest(c); r && !r->server_chain.empty()) {
         issuer = " (issued by " + r->server_chain.front().issuer + ")";
       }
       return "The certificate chain presented for " + Host(c) + issuer +
              " does not lead to a trusted root. If that issuer is your own CA, a "
              "TLS-inspecting proxy or firewall intercepts the connection: exempt " +
              Host(c) +
              " (and the other Office 365 endpoints) from inspection, or trust its CA with "
              "`ca_file`. Otherwise update the system trust store or set `ca_file`.";
     }},
    {std::nullopt, Reason::kTlsHostname, nullptr,
     [](const Ctx& c) {
       std::string subject;
       if (const HttpRequestFacts* r = LastRequest(c); r && !r->server_chain.empty()) {
         subject = " (it presented " + r->server_chain.front().subject + ")";
       }
       return "The server that answered for " + Host(c) + " has a certificate for another name" +
              subject +
              ": a connect_to rule, the proxy, DNS or a hosts-file entry points to the wrong "
              "server; compare `nslookup " +
              Host(c) + "` with the connected address and check connect_to.";
     }},
    {std::nullopt, Reason::kTlsHandshake, nullptr,
     [](const Ctx& c) {
       const HttpRequestFacts* r = LastRequest(c);
       if (r != nullptr && !r->tls_alert.empty() && r->tls_offer &&
           r->tls_offer->profile != "openssl") {
         // The server refused what this Windows version offers: Exchange on
         // such a host meets the same refusal.
         return "The server at " + Host(c) + " refused the TLS offer of tls_profile " +
                r->tls_offer->profile + " (alert \"" + r->tls_alert +
                "\"): it accepts none of the cipher suites, groups or signature algorithms "
                "SChannel offers on that Windows version by default, so Exchange on such a host "
                "fails the same way. Compare with Get-TlsCipherSuite on the Exchange server and "
                "enable a suite the service still accepts (Enable-TlsCipherSuite), or set "
                "tls_profile/tls_ciphers to what the host really offers; tls_profile openssl "
                "shows whether the path works at all.";
       }
       return "The TLS handshake with " + Host(c) +
              " failed before any certificate could be checked: Office 365 requires TLS 1.2 "
              "or later; check that no firewall or proxy downgrades or blocks TLS to " +
              Host(c) + " (openssl s_client -connect " + Host(c) + ":443 shows where it stops).";
     }},

    // Network path.
    {std::nullopt, Reason::kDns, nullptr,
     [](const Ctx& c) {
       return "The name " + Host(c) +
              " could not be resolved: check this machine's DNS servers (nslookup " + Host(c) +
              "); where only the proxy resolves Internet names, set `proxy` for target \"" +
              c.result.target + "\".";
     }},
    {std::nullopt, Reason::kConnect, nullptr,
     [](const Ctx& c) {
       std::string addr;
       if (const HttpRequestFacts* r = LastRequest(c); r && !r->connected_address.empty()) {
         addr = " (" + r->connected_address + ")";
       }
       return "The TCP connection to " + Host(c) + ":443" + addr +
              " was refused or is unreachable: the firewall must allow outbound HTTPS to "
              "the Office 365 endpoints, or outbound traffic must go through `proxy`.";
     }},
    {std::nullopt, Reason::kProxy, nullptr,
     [](const Ctx& c) {
       std::string proxy = StageFact(c, "proxy");
       return "The outbound proxy" + (proxy.empty() ? std::string() : " " + proxy) +
              " refused or broke the CONNECT tunnel to " + Host(c) +
              ":443: allow that host on the proxy (no authentication required for it), or "
              "check `proxy` for target \"" +
              c.result.target + "\".";
     }},
    {std::nullopt, Reason::kProxyAuth, nullptr,
     [](const Ctx& c) {
       return "The outbound proxy wants authentication for the tunnel to " + Host(c) +
              ":443 (HTTP 407): set `proxy_user` (or the user in the `proxy` URL) and "
              "`proxy_password_file` for target \"" +
              c.result.target +
              "\"; when they are set, the proxy refused them: check the user, the password "
              "file (one line), and that the proxy accepts Basic authentication (one that "
              "offers only Negotiate or NTLM needs an exemption for the Office 365 hosts).";
     }},
    {std::nullopt, Reason::kNetwork, nullptr,
     [](const Ctx& c) {
       return "The connection to " + Host(c) +
              " was reset or closed mid-exchange: a firewall, proxy or load balancer on the "
              "path drops it (idle or size limits, TLS inspection); Exchange treats this as "
              "transient, so check whether it repeats.";
     }},
    {std::nullopt, Reason::kTimeout, nullptr,
     [](const Ctx& c) {
       return "No answer from " + Host(c) + " during stage " + StageLabel(c) +
              " before the deadline: a firewall silently dropping packets to " + Host(c) +
              ", a slow proxy, or a service-side delay. Try `curl -v https://" + Host(c) +
              "/` from this machine; if the path is just slow, raise `timeout`.";
     }},

    // HTTP status, by stage.
    {StageId::kPublish, Reason::kHttpStatus,
     [](const Ctx& c) { return HttpStatus(c) == 404 && DoubledServicePath(c); },
     [](const Ctx&) {
       return "The push proxy URI has a trailing slash, so the publish URL became "
              ".../PushNotifications/PushNotifications/... (404). Remove the slash: "
              "Enable-PushNotificationProxy -Organization <tenant domain> -Uri " +
              std::string(kDefaultServiceUri) + ", and the same in `service_uri`.";
     }},
    {StageId::kPublish, Reason::kHttpStatus, [](const Ctx& c) { return HttpStatus(c) >= 500; },
     [](const Ctx& c) {
       std::string fault = c.result.facts.fault_message.empty()
                               ? std::string()
                               : " (fault: " + c.result.facts.fault_message + ")";
       return "The push proxy failed on its side with " + StatusPhrase(c) + fault +
              "; Exchange treats this as transient and retries. If it persists, check the "
              "Microsoft 365 service health for Exchange Online and quote client-request-id " +
              (c.result.facts.client_request_id.empty() ? std::string("<id>")
                                                        : c.result.facts.client_request_id) +
              " to support.";
     }},
    {StageId::kPublish, Reason::kHttpStatus, [](const Ctx& c) { return HttpStatus(c) == 404; },
     [](const Ctx&) {
       return "The push proxy has no such endpoint (404): the service URI must be " +
              std::string(kDefaultServiceUri) +
              " (Enable-PushNotificationProxy -Uri, `service_uri`).";
     }},
    // The token issuer failing or throttling is not the customer's doing: the
    // assertion was never judged.
    {StageId::kToken, Reason::kHttpStatus,
     [](const Ctx& c) { return HttpStatus(c) >= 500 || HttpStatus(c) == 429; },
     [](const Ctx& c) {
       const HttpRequestFacts* r = LastRequest(c);
       const std::string id = r != nullptr && !r->client_request_id.empty() ? r->client_request_id
                                                                            : std::string("<id>");
       return "The token issuer " + Host(c) + " failed on its side with " + StatusPhrase(c) +
              (HttpStatus(c) == 429 ? " (throttled)" : "") +
              ": a service-side outage or throttling, not the Auth certificate or this "
              "configuration (the request was not judged). Exchange's own token requests fail "
              "the same way meanwhile; it is usually transient. If it persists, check the "
              "Microsoft 365 service health (Microsoft Entra ID / Access Control) and quote "
              "client-request-id " +
              id + " to support.";
     }},
    {StageId::kMetadata, Reason::kHttpStatus, nullptr,
     [](const Ctx& c) {
       return "The auth metadata URL answered " + StatusPhrase(c) +
              ": it must be https://accounts.accesscontrol.windows.net/metadata/json/1/"
              "?realm=" +
              Organization(c) +
              " (Get-AuthServer MicrosoftSts | fl AuthMetadataUrl, and `auth_metadata_url` "
              "in pushprobe), with the tenant's domain as realm.";
     }},
    {StageId::kChallenge, Reason::kHttpStatus, nullptr,
     [](const Ctx& c) {
       return "The push proxy answered the empty bearer request with " + StatusPhrase(c) +
              " instead of a 401 challenge: something other than Exchange Online answered "
              "for " +
              Host(c) + " (proxy, captive portal, connect_to) or `service_uri` is wrong.";
     }},
    {std::nullopt, Reason::kHttpStatus,
     [](const Ctx& c) { return HttpStatus(c) >= 300 && HttpStatus(c) < 400; },
     [](const Ctx& c) {
       return Host(c) + " answered with a redirect (" + StatusPhrase(c) +
              "), which pushprobe, like Exchange, does not follow: a proxy or captive portal "
              "is answering, or the URL is outdated (http instead of https?).";
     }},
    {std::nullopt, Reason::kHttpStatus, nullptr,
     [](const Ctx& c) {
       return Host(c) + " answered " + StatusPhrase(c) + " during stage " + StageLabel(c) +
              "; run with -v to see the request and response, and check that `" +
              (c.stage && c.stage->stage == StageId::kToken ? "auth_metadata_url" : "service_uri") +
              "` is right.";
     }},

    {std::nullopt, Reason::kMalformedResponse, nullptr,
     [](const Ctx& c) {
       return "The answer from " + Host(c) + " during stage " + StageLabel(c) +
              " could not be parsed: probably not the real service (a proxy error page, "
              "captive portal or TLS-inspection block page). Run with -v to see what "
              "answered, and check the proxy's logs for " +
              Host(c) + ".";
     }},
    {std::nullopt, Reason::kInternal, nullptr,
     [](const Ctx& c) {
       return "This is a defect in pushprobe itself (stage " + StageLabel(c) +
              "), not in Exchange or the network: please report it with the output of "
              "pushprobe -vv.";
     }},
};

}  // namespace

std::string ClockSkewNote(const ProbeResult& result) {
  if (!result.facts.clock_skew) return "";
  const Duration skew = *result.facts.clock_skew;
  if (skew < kClockSkewNotice && skew > -kClockSkewNotice) return "";
  return "Clock: " + DescribeClockSkew(skew) +
         " (the servers' Date headers); OAuth in the hybrid (free/busy, mailbox moves) fails "
         "beyond 5 minutes: fix time sync (chrony/ntpd here, w32tm /resync on Exchange).";
}

std::string RolloverHintFor(const ProbeResult& result) {
  if (!result.rollover || result.rollover->status != StageStatus::kFailed) return "";
  const StageResult& step = *result.rollover;
  const ProbeFacts& f = result.facts;
  const std::string thumbprint =
      f.next_auth_cert_thumbprint.empty() ? "<thumbprint>" : f.next_auth_cert_thumbprint;
  const std::string when =
      f.next_auth_cert_effective
          ? "from " + FormatRfc3339(*f.next_auth_cert_effective) + " (its effective date)"
          : "from its effective date (Get-AuthConfig's NextCertificateEffectiveDate)";
  if (step.reason == Reason::kOauthError) {
    return Join({"The next Auth certificate " + thumbprint +
                     " is not registered on the Exchange service principal in Microsoft 365 (" +
                     step.message + "): every token request will fail with AADSTS700027 " + when +
                     ". Upload it now, on the Exchange server that holds it:",
                 "  New-MsolServicePrincipalCredential -AppPrincipalId " +
                     std::string(kExchangePrincipalId) +
                     " -Type asymmetric -Usage Verify -Value ([System.Convert]::ToBase64String("
                     "(Get-ExchangeCertificate -Thumbprint " +
                     thumbprint + ").GetRawCertData()))",
                 "  (or re-run the Hybrid Configuration Wizard, which uploads it)"});
  }
  return "The next Auth certificate is not usable (" + std::string(ReasonName(step.reason)) +
         "): " + step.message + ". Fix it before it becomes effective " + when +
         ", or token requests fail from that day.";
}

std::string HintFor(const ProbeResult& result) {
  const Ctx ctx{result, result.failed_stage ? result.FailedStage() : nullptr};
  const Reason reason = ctx.stage ? ctx.stage->reason : Reason::kNone;
  for (const HintRule& rule : kRules) {
    if (rule.reason != reason) continue;
    if (rule.stage && (!ctx.stage || *rule.stage != ctx.stage->stage)) continue;
    if (rule.applies && !rule.applies(ctx)) continue;
    return rule.text(ctx);
  }
  if (!ctx.stage) return "";
  // A reason added to core without a rule here still gets a useful line.
  return "Stage " + StageLabel(ctx) + " failed (" + std::string(ReasonName(reason)) +
         "): " + ctx.stage->message + ". Run with -v for the details.";
}

}  // namespace pushprobe::render
