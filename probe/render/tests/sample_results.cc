#include "probe/render/tests/sample_results.h"

#include <chrono>
#include <string>
#include <utility>

namespace pushprobe::samples {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStartUnix = 1795605656;  // 2026-11-25T11:20:56Z
constexpr auto kDay = std::chrono::hours(24);

constexpr const char* kRealm = "9188040d-6c67-4c5b-b112-36a304b66dad";
constexpr const char* kAuthThumbprint = "7595DBDEA83DACB5757441D44899BCDB9911253C";
constexpr const char* kAuthSubject = "CN=Microsoft Exchange Server Auth Certificate";
constexpr const char* kServiceUri = "https://outlook.office365.com/PushNotifications";
constexpr const char* kMetadataUrl =
    "https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=fabrikam.com";
constexpr const char* kTokenEndpoint =
    "https://accounts.accesscontrol.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/tokens/"
    "OAuth/2";
constexpr const char* kPublishUrl =
    "https://outlook.office365.com/PushNotifications/service.svc/PublishOnPremNotifications";
constexpr const char* kClientRequestId = "3f2c1a9e-5b7d-4e21-9c0a-8d4e6f1b2a37";
constexpr const char* kAcsAddress = "20.190.151.68:443";
constexpr const char* kOutlookAddress = "52.96.88.130:443";

WallTime At(Duration offset) {
  return SampleStart() + std::chrono::duration_cast<WallTime::duration>(offset);
}

CertificateFacts Cert(std::string subject, std::string issuer, WallTime not_before,
                      WallTime not_after, std::string thumbprint) {
  return CertificateFacts{std::move(subject), std::move(issuer), not_before, not_after,
                          std::move(thumbprint)};
}

CertificateFacts AcsLeaf() {
  return Cert("CN=accounts.accesscontrol.windows.net",
              "CN=Microsoft Azure RSA TLS Issuing CA 04,O=Microsoft Corporation,C=US",
              At(-177 * kDay - 11h - 20min - 56s), At(186 * kDay + 12h + 39min + 3s),
              "0E3A1F6C55B2D4E8A9C7B1D3F5A7C9E1B3D5F7A9");
}

CertificateFacts AzureIntermediate() {
  return Cert("CN=Microsoft Azure RSA TLS Issuing CA 04,O=Microsoft Corporation,C=US",
              "CN=DigiCert Global Root G2,OU=www.digicert.com,O=DigiCert Inc,C=US",
              At(-1027 * kDay - 11h - 20min - 56s), At(796 * kDay + 12h + 39min + 3s),
              "BE68D0ADAA2345B48E507320B695D386080E5B25");
}

CertificateFacts OutlookLeaf() {
  return Cert("CN=outlook.com,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US",
              "CN=DigiCert Cloud Services CA-1,O=DigiCert Inc,C=US",
              At(-120 * kDay - 11h - 20min - 56s), At(245 * kDay + 12h + 39min + 3s),
              "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678");
}

CertificateFacts DigiCertCloudCa() {
  return Cert("CN=DigiCert Cloud Services CA-1,O=DigiCert Inc,C=US",
              "CN=DigiCert Global Root CA,OU=www.digicert.com,O=DigiCert Inc,C=US",
              At(-2180 * kDay - 11h - 20min - 56s), At(1001 * kDay + 12h + 39min + 3s),
              "81B68D6CD2F221F8F534E677523BB236BBA1DC56");
}

HttpRequestFacts Request(std::string method, std::string url, std::string address, int status,
                         HttpPhaseTimings timings) {
  HttpRequestFacts r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.connected_address = std::move(address);
  r.status = status;
  r.timings = timings;
  return r;
}

// Verified TLS 1.3 with a Date header one response-time after the start.
void VerifiedTls(HttpRequestFacts& r, std::vector<CertificateFacts> chain, Duration local_offset,
                 bool reused = false) {
  r.server_chain = std::move(chain);
  r.tls_verified = true;
  r.tls_version = "TLSv1.3";
  r.tls_session_reused = reused;
  // HTTP dates have whole seconds: every response of a sample run arrives
  // within the first second, and the server's clock agrees to the second.
  r.local_date = At(local_offset);
  r.server_date = SampleStart();
}

void AddConfiguration(ProbeResultBuilder& b) {
  b.Ok(StageId::kConfiguration, 84us)
      .AddFact("organization", "fabrikam.com")
      .AddFact("service_uri", kServiceUri)
      .AddFact("auth_metadata_url", kMetadataUrl)
      .AddFact("certificate", "/etc/pushprobe/fabrikam-auth.pfx");
}

void AddCertificate(ProbeResultBuilder& b) {
  b.Ok(StageId::kCertificate, 2417us)
      .AddFact("subject", kAuthSubject)
      .AddFact("thumbprint", kAuthThumbprint)
      .AddFact("not_before", "2025-11-25T12:00:00Z")
      .AddFact("not_after", "2027-11-25T12:00:00Z")
      .AddFact("key", "RSA 2048 bits");
  ProbeFacts& f = b.facts();
  f.auth_cert_thumbprint = kAuthThumbprint;
  f.auth_cert_subject = kAuthSubject;
  f.auth_cert_not_before = At(-365 * kDay + 39min + 4s);
  f.auth_cert_not_after = At(365 * kDay + 39min + 4s);
  f.auth_key_bits = 2048;
}

void AddMetadata(ProbeResultBuilder& b) {
  StageResult& s = b.Ok(StageId::kMetadata, 31208us);
  s.AddFact("realm", kRealm)
      .AddFact("issuer", std::string("00000001-0000-0000-c000-000000000000@") + kRealm)
      .AddFact("token_endpoint", kTokenEndpoint)
      .AddFact("signing_keys", "2");
  HttpRequestFacts r =
      Request("GET", kMetadataUrl, kAcsAddress, 200, {1812us, 9604us, 14230us, 187us, 5311us});
  VerifiedTls(r, {AcsLeaf(), AzureIntermediate()}, 33760us);
  r.response_bytes = 4521;
  s.requests.push_back(r);
  ProbeFacts& f = b.facts();
  f.realm = kRealm;
  f.metadata_realm = kRealm;
  f.issuer = std::string("00000001-0000-0000-c000-000000000000@") + kRealm;
  f.token_endpoint = kTokenEndpoint;
  f.tls_leaf["metadata"] = AcsLeaf();
}

void AddChallenge(ProbeResultBuilder& b) {
  StageResult& s = b.Ok(StageId::kChallenge, 24815us);
  s.AddFact("client_id", "00000002-0000-0ff1-ce00-000000000000")
      .AddFact("trusted_issuers", "00000001-0000-0000-c000-000000000000@*")
      .AddFact("authorization_uri", "https://login.microsoftonline.com/common/oauth2/authorize");
  HttpRequestFacts r =
      Request("POST", kPublishUrl, kOutlookAddress, 401, {1402us, 7730us, 11012us, 240us, 4322us});
  VerifiedTls(r, {OutlookLeaf(), DigiCertCloudCa()}, 58900us);
  r.response_bytes = 0;
  s.requests.push_back(r);
  b.facts().challenge_client_id = "00000002-0000-0ff1-ce00-000000000000";
  b.facts().tls_leaf["publish"] = OutlookLeaf();
}

HttpRequestFacts TokenRequest(int status, std::size_t bytes) {
  // On the connection the metadata request opened, as Exchange's client does.
  HttpRequestFacts r =
      Request("POST", kTokenEndpoint, kAcsAddress, status, {0us, 0us, 0us, 1210us, 27399us});
  VerifiedTls(r, {AcsLeaf(), AzureIntermediate()}, 104100us, /*reused=*/true);
  r.connection_reused = true;
  r.response_bytes = bytes;
  return r;
}

void AddToken(ProbeResultBuilder& b) {
  StageResult& s = b.Ok(StageId::kToken, 45312us);
  s.AddFact("token_type", "Bearer")
      .AddFact("expires_in", "86399")
      .AddFact("resource",
               std::string("00000002-0000-0ff1-ce00-000000000000/outlook.office365.com@") + kRealm);
  s.requests.push_back(TokenRequest(200, 1734));
  b.facts().token_expires_at = At(86399s);
  b.facts().token_lifetime = 86399s;
  b.facts().tls_leaf["token"] = AcsLeaf();
}

void AddHealthyStagesBeforeToken(ProbeResultBuilder& b) {
  AddConfiguration(b);
  AddCertificate(b);
  AddMetadata(b);
  AddChallenge(b);
}

}  // namespace

WallTime SampleStart() { return WallTime{std::chrono::seconds{kStartUnix}}; }

ProbeResultBuilder::ProbeResultBuilder(std::string target, std::string organization,
                                       WallTime started_at) {
  result_.target = std::move(target);
  result_.organization = std::move(organization);
  result_.started_at = started_at;
  for (StageId id : kAllStages) {
    StageResult s;
    s.stage = id;
    s.status = StageStatus::kSkipped;
    result_.stages.push_back(s);
  }
}

StageResult& ProbeResultBuilder::Ok(StageId id, Duration duration) {
  StageResult& s = result_.Stage(id);
  s.status = StageStatus::kOk;
  s.reason = Reason::kNone;
  s.duration = duration;
  return s;
}

StageResult& ProbeResultBuilder::Fail(StageId id, Reason reason, std::string message,
                                      Duration duration) {
  StageResult& s = result_.Stage(id);
  s.Fail(reason, std::move(message));
  s.duration = duration;
  return s;
}

ProbeResultBuilder& ProbeResultBuilder::Error(std::string error, std::string exception) {
  result_.error = std::move(error);
  result_.exception = std::move(exception);
  return *this;
}

ProbeResultBuilder& ProbeResultBuilder::TotalDuration(Duration d) {
  total_ = d;
  return *this;
}

ProbeResult ProbeResultBuilder::Build() const {
  ProbeResult r = result_;
  Duration sum{};
  for (StageResult& s : r.stages) {
    sum += s.duration;
    if (s.status == StageStatus::kFailed && !r.failed_stage) {
      r.failed_stage = s.stage;
      r.reason = s.reason;
    } else if (s.status == StageStatus::kSkipped && r.failed_stage && s.message.empty()) {
      s.message = std::string(StageName(*r.failed_stage)) + " failed";
    }
  }
  r.category = CategoryFor(r.reason);
  if (!r.failed_stage) {
    r.result_type = ResultType::kSucceeded;
  } else if (r.reason == Reason::kTimeout) {
    r.result_type = ResultType::kTimedOut;
  } else {
    r.result_type = ResultType::kFailed;
  }
  r.duration = total_ ? *total_ : sum + 1ms;
  return r;
}

ProbeResult SucceededResult() {
  ProbeResultBuilder b("fabrikam", "fabrikam.com", SampleStart());
  AddHealthyStagesBeforeToken(b);
  AddToken(b);
  StageResult& s = b.Ok(StageId::kPublish, 88140us);
  s.AddFact("publish_url", kPublishUrl)
      .AddFact("status", "200")
      .AddFact("client_request_id", kClientRequestId);
  // On the connection the challenge opened.
  HttpRequestFacts r =
      Request("POST", kPublishUrl, kOutlookAddress, 200, {0us, 0us, 0us, 402us, 67230us});
  VerifiedTls(r, {OutlookLeaf(), DigiCertCloudCa()}, 192300us);
  r.connection_reused = true;
  r.client_request_id = kClientRequestId;
  r.response_bytes = 0;
  s.requests.push_back(r);
  ProbeFacts& f = b.facts();
  f.publish_url = kPublishUrl;
  f.publish_status = 200;
  f.client_request_id = kClientRequestId;
  f.clock_skew = -192300us;  // the publish response's Date minus our clock
  return b.Build();
}

ProbeResult TokenFailureAadsts700027Result() {
  ProbeResultBuilder b("fabrikam", "fabrikam.com", SampleStart());
  AddHealthyStagesBeforeToken(b);
  const std::string description =
      std::string(
          "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key "
          "was not found., Thumbprint of key used by client: '") +
      kAuthThumbprint +
      "']\r\nTrace ID: 2b6f0c1e-8a53-4d1c-9e7a-5c3f1d2e4b00\r\nCorrelation ID: "
      "8d1e3f5a-7b9c-4e2d-a6f8-0c1b2d3e4f50\r\nTimestamp: 2026-11-25 11:20:56Z";
  StageResult& s = b.Fail(StageId::kToken, Reason::kOauthError,
                          "token refused by auth server: invalid_client: " + description, 45312us);
  s.exchange_error =
      "Unable to get token from Auth Server. Error code: 'invalid_client'. "
      "Description: '" +
      description + "'.";
  s.AddFact("oauth_error", "invalid_client");
  s.requests.push_back(TokenRequest(401, 612));
  ProbeFacts& f = b.facts();
  f.oauth_error = "invalid_client";
  f.oauth_error_description =
      std::string(
          "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key "
          "was not found., Thumbprint of key used by client: '") +
      kAuthThumbprint + "']";
  f.tls_leaf["token"] = AcsLeaf();
  f.clock_skew = -104100us;  // from the token response, the latest with a Date
  b.Error(s.exchange_error, "Microsoft.Exchange.Security.OAuth.OAuthTokenRequestFailedException: " +
                                s.exchange_error);
  return b.Build();
}

ProbeResult TimedOutAtPublishResult() {
  ProbeResultBuilder b("fabrikam", "fabrikam.com", SampleStart());
  AddHealthyStagesBeforeToken(b);
  AddToken(b);
  StageResult& s = b.Fail(StageId::kPublish, Reason::kTimeout,
                          "no response from outlook.office365.com before the deadline "
                          "(30.000 s); the request was sent, the response head never came",
                          29846210us);
  s.exchange_error =
      "The call to the Push Notification service on server \"outlook.office365.com\" failed. "
      "Error details: The operation has timed out.";
  HttpRequestFacts r = Request("POST", kPublishUrl, kOutlookAddress, 0,
                               {1390us, 7810us, 10950us, 402us, 29825658us});
  r.server_chain = {OutlookLeaf(), DigiCertCloudCa()};
  r.tls_verified = true;
  r.tls_version = "TLSv1.2";
  r.client_request_id = kClientRequestId;
  s.requests.push_back(r);
  ProbeFacts& f = b.facts();
  f.publish_url = kPublishUrl;
  f.client_request_id = kClientRequestId;
  f.clock_skew = -104100us;  // the publish request got no response: the token's Date
  b.Error(s.exchange_error, "System.Net.WebException: The operation has timed out");
  b.TotalDuration(30000412us);
  return b.Build();
}

ProbeResult TlsUntrustedMetadataResult() {
  ProbeResultBuilder b("fabrikam", "fabrikam.com", SampleStart());
  AddConfiguration(b);
  AddCertificate(b);
  const CertificateFacts forged =
      Cert("CN=accounts.accesscontrol.windows.net", "CN=Fabrikam TLS Inspection CA,O=Fabrikam",
           At(-2 * kDay - 11h - 20min - 56s), At(28 * kDay + 12h + 39min + 4s),
           "5C1D9E0F2A3B4C5D6E7F8091A2B3C4D5E6F70819");
  const CertificateFacts proxy_ca =
      Cert("CN=Fabrikam TLS Inspection CA,O=Fabrikam", "CN=Fabrikam TLS Inspection CA,O=Fabrikam",
           At(-400 * kDay), At(3250 * kDay), "D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F607");
  StageResult& s = b.Fail(StageId::kMetadata, Reason::kTlsUntrusted,
                          "the certificate chain of accounts.accesscontrol.windows.net is not "
                          "trusted: unable to get local issuer certificate",
                          52418us);
  s.exchange_error =
      "The underlying connection was closed: Could not establish trust relationship for the "
      "SSL/TLS secure channel.";
  s.AddFact("proxy", "http://proxy.fabrikam.com:3128");
  HttpRequestFacts r =
      Request("GET", kMetadataUrl, "10.20.0.8:3128", 0, {912us, 3120us, 41877us, 0us, 0us});
  r.via_proxy = true;
  r.server_chain = {forged, proxy_ca};
  r.tls_verified = false;
  r.tls_verify_error = "unable to get local issuer certificate";
  r.tls_version = "TLSv1.2";
  s.requests.push_back(r);
  b.facts().tls_leaf["metadata"] = forged;
  b.Error(s.exchange_error,
          "System.Net.WebException: The underlying connection was closed: Could not establish "
          "trust relationship for the SSL/TLS secure channel. ---> "
          "System.Security.Authentication.AuthenticationException: The remote certificate is "
          "invalid according to the validation procedure.\r\n"
          "   at System.Net.TlsStream.EndWrite(IAsyncResult asyncResult)\r\n"
          "   at System.Net.PooledStream.EndWrite(IAsyncResult asyncResult)\r\n"
          "   --- End of inner exception stack trace ---");
  return b.Build();
}

ProbeResult ConfigFailureResult() {
  ProbeResultBuilder b("contoso", "", SampleStart());
  StageResult& s = b.Fail(StageId::kConfiguration, Reason::kConfig,
                          "organization is not set for target \"contoso\"", 61us);
  s.exchange_error = "The domain of your Office 365 account could not be found.";
  s.AddFact("service_uri", kServiceUri);
  b.Error(s.exchange_error,
          "Microsoft.Exchange.PushNotifications.PushNotificationConfigurationException: " +
              s.exchange_error);
  return b.Build();
}

ProbeResult UrlCredentialsResult() {
  ProbeResultBuilder b("fabrikam", "fabrikam.com", SampleStart());
  AddConfiguration(b);
  AddCertificate(b);
  const std::string proxy = std::string("http://alice:") + kUrlSecret + "@proxy.fabrikam.com:3128";
  StageResult& s = b.Fail(StageId::kMetadata, Reason::kConfig,
                          "proxy must be http://host:port, got \"" + proxy + "\"", 1ms);
  s.exchange_error = "see " + proxy;
  s.AddFact("proxy", proxy);
  s.AddFact("token_endpoint", std::string("https://bob:") + kUrlSecret +
                                  "@accounts.accesscontrol.windows.net/tokens/OAuth/2");
  HttpRequestFacts r = Request(
      "GET", std::string("https://carol:") + kUrlSecret + "@" + std::string(kMetadataUrl).substr(8),
      "10.20.0.8:3128", 0, {912us, 0us, 0us, 0us, 0us});
  s.requests.push_back(r);
  b.Error("proxy must be http://host:port, got \"" + proxy + "\"",
          "System.Net.WebException: " + proxy);
  return b.Build();
}

std::vector<NamedSample> AllSamples() {
  return {
      {"succeeded", SucceededResult()},
      {"token_aadsts700027", TokenFailureAadsts700027Result()},
      {"timed_out_publish", TimedOutAtPublishResult()},
      {"tls_untrusted_metadata", TlsUntrustedMetadataResult()},
      {"config_failure", ConfigFailureResult()},
  };
}

}  // namespace pushprobe::samples
