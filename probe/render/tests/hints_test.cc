#include "probe/render/hints.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "probe/core/time_format.h"
#include "probe/render/tests/sample_results.h"

namespace pushprobe::render {
namespace {

using namespace std::chrono_literals;
using samples::ProbeResultBuilder;

struct HintCase {
  StageId stage;
  const char* keyword;  // a word only the specific hint for this reason carries
};

// One row per reason: a new Reason in core fails this test until it has a
// rule in hints.cc and a row here.
const std::map<Reason, HintCase>& Cases() {
  static const std::map<Reason, HintCase> kCases = {
      {Reason::kConfig, {StageId::kConfiguration, "Enable-PushNotificationProxy"}},
      {Reason::kDns, {StageId::kMetadata, "nslookup"}},
      {Reason::kConnect, {StageId::kMetadata, "firewall"}},
      {Reason::kProxy, {StageId::kMetadata, "CONNECT"}},
      {Reason::kProxyAuth, {StageId::kMetadata, "proxy_password_file"}},
      {Reason::kNetwork, {StageId::kToken, "reset"}},
      {Reason::kTimeout, {StageId::kPublish, "curl -v"}},
      {Reason::kTlsHandshake, {StageId::kMetadata, "TLS 1.2"}},
      {Reason::kTlsUntrusted, {StageId::kMetadata, "ca_file"}},
      {Reason::kTlsHostname, {StageId::kPublish, "connect_to"}},
      {Reason::kHttpStatus, {StageId::kMetadata, "AuthMetadataUrl"}},
      {Reason::kMalformedResponse, {StageId::kMetadata, "captive portal"}},
      {Reason::kOauthError, {StageId::kToken, "Get-MsolServicePrincipalCredential"}},
      {Reason::kUntrustedIssuer, {StageId::kChallenge, "trusted_issuers"}},
      {Reason::kClockSkew, {StageId::kToken, "w32tm /resync"}},
      {Reason::kTokenRejected, {StageId::kPublish, "x-ms-diagnostics"}},
      {Reason::kCertMissing, {StageId::kCertificate, "Export-ExchangeCertificate"}},
      {Reason::kCertWeakKey, {StageId::kCertificate, "2048"}},
      {Reason::kCertExpired, {StageId::kCertificate, "Set-AuthConfig -NewCertificateThumbprint"}},
      {Reason::kCertNotYetValid, {StageId::kCertificate, "NewCertificateEffectiveDate"}},
      {Reason::kCertKeyMismatch, {StageId::kCertificate, "private key does not belong"}},
      {Reason::kCertThumbprintMismatch, {StageId::kCertificate, "CurrentCertificateThumbprint"}},
      {Reason::kInternal, {StageId::kPublish, "defect"}},
  };
  return kCases;
}

ProbeResultBuilder Failing(StageId stage, Reason reason, std::string message) {
  ProbeResultBuilder b("fabrikam", "fabrikam.com", samples::SampleStart());
  b.Fail(stage, reason, std::move(message), 1ms);
  return b;
}

TEST(HintFor, EveryReasonHasASpecificHint) {
  for (Reason reason : kAllReasons) {
    if (reason == Reason::kNone) continue;
    SCOPED_TRACE(std::string(ReasonName(reason)));
    auto it = Cases().find(reason);
    ASSERT_NE(it, Cases().end()) << "add a hint rule and a test case for this reason";
    const std::string hint =
        HintFor(Failing(it->second.stage, reason, "something went wrong").Build());
    EXPECT_FALSE(hint.empty());
    EXPECT_NE(hint.find(it->second.keyword), std::string::npos) << hint;
    EXPECT_NE(hint.rfind("Stage ", 0), 0u) << "fell through to the generic fallback: " << hint;
  }
}

TEST(HintFor, SuccessHasNoHint) { EXPECT_EQ(HintFor(samples::SucceededResult()), ""); }

TEST(HintFor, SuccessWarnsBeforeTheAuthCertificateExpires) {
  ProbeResult r = samples::SucceededResult();
  r.facts.auth_cert_not_after = r.started_at + 10 * 24h + 1h;
  const std::string hint = HintFor(r);
  EXPECT_NE(hint.find("expires 2026-12-05 (10 days)"), std::string::npos) << hint;
  EXPECT_NE(hint.find("New-ExchangeCertificate"), std::string::npos) << hint;
}

TEST(HintFor, Aadsts700027UploadsTheCertificateToTheExchangePrincipal) {
  const std::string hint = HintFor(samples::TokenFailureAadsts700027Result());
  EXPECT_NE(hint.find("AADSTS700027"), std::string::npos) << hint;
  EXPECT_NE(hint.find("New-MsolServicePrincipalCredential -AppPrincipalId "
                      "00000002-0000-0ff1-ce00-000000000000 -Type asymmetric -Usage Verify"),
            std::string::npos)
      << hint;
  EXPECT_NE(hint.find("7595DBDEA83DACB5757441D44899BCDB9911253C"), std::string::npos) << hint;
}

TEST(HintFor, Aadsts700027OfTheIdentityPlatformPointsAtTheHybridApplication) {
  ProbeResult r = samples::TokenFailureAadsts700027Result();
  StageResult* token = nullptr;
  for (StageResult& s : r.stages) {
    if (s.stage == StageId::kToken) token = &s;
  }
  ASSERT_NE(token, nullptr);
  token->AddFact("client_id", "6a2b3c4d-1111-4222-8333-944455556666");
  token->AddFact("scope", "https://outlook.office365.com/.default");
  const std::string hint = HintFor(r);
  EXPECT_NE(hint.find("AADSTS700027"), std::string::npos) << hint;
  EXPECT_NE(hint.find("application 6a2b3c4d-1111-4222-8333-944455556666 (the dedicated Exchange "
                      "hybrid application)"),
            std::string::npos)
      << hint;
  EXPECT_NE(hint.find("7595DBDEA83DACB5757441D44899BCDB9911253C"), std::string::npos) << hint;
  // Not the ACS remedy: the shared Exchange principal is not what v2 signs in as.
  EXPECT_EQ(hint.find("New-MsolServicePrincipalCredential"), std::string::npos) << hint;
}

// An expired registration is not a certificate that was never registered.
TEST(HintFor, Aadsts700027WithAnExpiredKeySaysTheRegistrationExpired) {
  ProbeResultBuilder b = Failing(
      StageId::kToken, Reason::kOauthError,
      "token refused by auth server: invalid_client: AADSTS700027: Client assertion contains an "
      "invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: "
      "'7595DBDEA83DACB5757441D44899BCDB9911253C']");
  const std::string hint = HintFor(b.Build());
  EXPECT_NE(hint.find("AADSTS700027 (key expired)"), std::string::npos) << hint;
  EXPECT_NE(hint.find("end date has passed"), std::string::npos) << hint;
  EXPECT_NE(hint.find("-EndDate"), std::string::npos) << hint;
  EXPECT_EQ(hint.find("never registered"), std::string::npos) << hint;
}

TEST(HintFor, ConfigErrorNamesTheCheckConfigCommand) {
  const std::string hint =
      HintFor(Failing(StageId::kConfiguration, Reason::kConfig, "timeout is negative").Build());
  EXPECT_NE(hint.find("`pushprobe check-config --config FILE`"), std::string::npos) << hint;
  EXPECT_EQ(hint.find("config check"), std::string::npos) << hint;
}

TEST(HintFor, Acs50012ChecksOrganizationRealmAndRegistration) {
  ProbeResultBuilder b =
      Failing(StageId::kToken, Reason::kOauthError,
              "token refused: invalid_request: ACS50012: Authentication failed.");
  b.facts().realm = "9188040d-6c67-4c5b-b112-36a304b66dad";
  const std::string hint = HintFor(b.Build());
  EXPECT_NE(hint.find("ACS50012"), std::string::npos) << hint;
  EXPECT_NE(hint.find("realm 9188040d-6c67-4c5b-b112-36a304b66dad"), std::string::npos) << hint;
}

TEST(HintFor, ExpiredCertificateGivesTheRenewalProcedure) {
  ProbeResultBuilder b = Failing(StageId::kCertificate, Reason::kCertExpired, "expired");
  b.facts().auth_cert_thumbprint = "7595DBDEA83DACB5757441D44899BCDB9911253C";
  b.facts().auth_cert_not_after = samples::SampleStart() - 5 * 24h;
  const std::string hint = HintFor(b.Build());
  for (const char* word :
       {"expired 2026-11-20 (5 days ago)", "New-ExchangeCertificate", "-PublishCertificate",
        "New-MsolServicePrincipalCredential", "MSExchangeServiceHost", "MSExchangeOWAAppPool"}) {
    EXPECT_NE(hint.find(word), std::string::npos) << word << " missing in: " << hint;
  }
}

TEST(HintFor, ClockSkewSaysByHowMuch) {
  ProbeResultBuilder b = Failing(StageId::kToken, Reason::kClockSkew, "refused");
  b.facts().clock_skew = 7min + 12s;
  EXPECT_NE(HintFor(b.Build()).find("server clock is 7 min 12 s ahead of ours"), std::string::npos);
  EXPECT_NE(HintFor(b.Build()).find("this machine's clock is behind"), std::string::npos);
  b.facts().clock_skew = -(12min);
  EXPECT_NE(HintFor(b.Build()).find("server clock is 12 min 0 s behind ours"), std::string::npos);
  EXPECT_NE(HintFor(b.Build()).find("this machine's clock is ahead"), std::string::npos);
}

// The stage message and the hint word the same skew the same way: 14 min
// 59.6 s was "15 min 0 s ahead" in one and "14 minutes behind" in the other.
TEST(HintFor, ClockSkewHintAgreesWithTheStageMessage) {
  const Duration skew = 14min + 59s + 600ms;
  ProbeResultBuilder b =
      Failing(StageId::kToken, Reason::kClockSkew, DescribeClockSkew(skew) + "; refused");
  b.facts().clock_skew = skew;
  const ProbeResult r = b.Build();
  EXPECT_NE(r.FailedStage()->message.find("server clock is 15 min 0 s ahead of ours"),
            std::string::npos);
  EXPECT_NE(HintFor(r).find("server clock is 15 min 0 s ahead of ours"), std::string::npos)
      << HintFor(r);
  EXPECT_EQ(HintFor(r).find("14 min"), std::string::npos);
}

TEST(HintFor, TrailingSlashInServiceUri) {
  ProbeResultBuilder b = Failing(StageId::kPublish, Reason::kHttpStatus, "HTTP 404");
  b.facts().publish_url =
      "https://outlook.office365.com/PushNotifications/PushNotifications/service.svc/"
      "PublishOnPremNotifications";
  b.facts().publish_status = 404;
  EXPECT_NE(HintFor(b.Build()).find("trailing slash"), std::string::npos);

  b.facts().publish_url =
      "https://outlook.office365.com/PushNotifications/service.svc/PublishOnPremNotifications";
  const std::string plain_404 = HintFor(b.Build());
  EXPECT_EQ(plain_404.find("trailing slash"), std::string::npos) << plain_404;
  EXPECT_NE(plain_404.find("404"), std::string::npos) << plain_404;

  b.facts().publish_status = 503;
  EXPECT_NE(HintFor(b.Build()).find("transient"), std::string::npos);
}

TEST(HintFor, TrailingSlashSeenOnlyInTheRequest) {
  ProbeResultBuilder b = Failing(StageId::kPublish, Reason::kHttpStatus, "HTTP 404");
  HttpRequestFacts q;
  q.method = "POST";
  q.url =
      "https://outlook.office365.com/PushNotifications/PushNotifications/service.svc/"
      "PublishOnPremNotifications";
  q.status = 404;
  b.Fail(StageId::kPublish, Reason::kHttpStatus, "HTTP 404", 1ms).requests.push_back(q);
  EXPECT_NE(HintFor(b.Build()).find("trailing slash"), std::string::npos);
}

TEST(HintFor, TokenRejectedDecodesXMsDiagnostics) {
  const std::map<std::string, std::string> expected = {
      {"2000000;reason=\"x\";error_category=\"invalid_signature\"", "signature"},
      {"2000001;reason=\"x\";error_category=\"invalid_token\"", "audience"},
      {"2000002;reason=\"x\";error_category=\"token_expired\"", "NTP"},
      {"2000003;reason=\"x\";error_category=\"invalid_tenant\"", "invalid_tenant"},
      {"4000000", "service health"},
  };
  for (const auto& [diagnostics, word] : expected) {
    ProbeResultBuilder b = Failing(StageId::kPublish, Reason::kTokenRejected, "401");
    b.facts().x_ms_diagnostics = diagnostics;
    const std::string hint = HintFor(b.Build());
    EXPECT_NE(hint.find(word), std::string::npos) << diagnostics << ": " << hint;
  }
}

TEST(HintFor, ConfigurationNamesTheMissingSetting) {
  const std::string hint = HintFor(samples::ConfigFailureResult());
  EXPECT_NE(hint.find("Enable-PushNotificationProxy -Organization"), std::string::npos) << hint;
  EXPECT_NE(hint.find("\"contoso\""), std::string::npos) << hint;

  ProbeResultBuilder disabled = Failing(StageId::kConfiguration, Reason::kConfig,
                                        "Push Notifications settings could not be found. "
                                        "(no push notification proxy for this organization)");
  EXPECT_NE(HintFor(disabled.Build()).find("not enabled"), std::string::npos);

  ProbeResultBuilder b =
      Failing(StageId::kConfiguration, Reason::kConfig, "service_uri is not an https URL");
  EXPECT_NE(HintFor(b.Build()).find("-Uri https://outlook.office365.com/PushNotifications"),
            std::string::npos);
}

TEST(HintFor, TlsUntrustedNamesTheInspectingIssuer) {
  const std::string hint = HintFor(samples::TlsUntrustedMetadataResult());
  EXPECT_NE(hint.find("CN=Fabrikam TLS Inspection CA"), std::string::npos) << hint;
  EXPECT_NE(hint.find("accounts.accesscontrol.windows.net"), std::string::npos) << hint;
}

TEST(HintFor, NetworkHintsNameTheHost) {
  const std::string hint = HintFor(samples::TimedOutAtPublishResult());
  EXPECT_NE(hint.find("outlook.office365.com"), std::string::npos) << hint;
}

}  // namespace
}  // namespace pushprobe::render
