#include "tests/emulator/emulator.h"

#include <gtest/gtest.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeParser.h>
#include <Poco/HexBinaryDecoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/emulator/crypto_util.h"
#include "tests/emulator/fault.h"
#include "tests/emulator/lab.h"
#include "tests/emulator/lab_credentials.h"
#include "tests/support/eventually.h"
#include "tests/support/test_pki.h"

namespace pushprobe::emulator {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr char kTenant[] = "9188040d-6c67-4c5b-b112-36a304b66dad";
constexpr char kAcs[] = "accounts.accesscontrol.windows.net";
constexpr char kOutlook[] = "outlook.office365.com";
constexpr char kPublish[] = "/PushNotifications/service.svc/PublishOnPremNotifications";
constexpr char kChallenge[] =
    "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", "
    "trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", "
    "token_types=\"app_asserted_user_v1 service_asserted_app_v1\", "
    "authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\",Basic "
    "Realm=\"\"";

// Generating RSA keys dominates the suite's time, so every test shares one set.
const LabCredentials& Credentials() {
  static const LabCredentials kCredentials = LabCredentials::Generate();
  return kCredentials;
}

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // last value wins
  std::string Header(const std::string& name) const {
    auto it = headers.find(Poco::toLower(name));
    return it == headers.end() ? "" : it->second;
  }
};

Poco::JSON::Object::Ptr ParseObject(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string Base64UrlFromHex(const std::string& hex) {
  std::istringstream in(hex);
  Poco::HexBinaryDecoder decoder(in);
  std::string bytes((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder << bytes;
  encoder.close();
  return out.str();
}

std::string X5tOf(const std::string& cert_pem) {
  std::istringstream in(cert_pem);
  Poco::Crypto::X509Certificate cert(in);
  pushprobe::testing::IssuedCert issued{cert_pem, ""};
  return Base64UrlFromHex(issued.Thumbprint());
}

struct AssertionSpec {
  std::string iss = std::string("00000002-0000-0ff1-ce00-000000000000@") + kTenant;
  std::string aud = std::string("00000001-0000-0000-c000-000000000000/") + kAcs + "@" + kTenant;
  long long nbf_offset = 0;
  long long lifetime = 600;
  std::map<std::string, std::string> extra_claims;
  std::string x5t_of;  // certificate whose x5t goes in the header (default: signing cert)
};

// Builds the assertion the way docs/protocol.md 2.5 says Exchange does, independently of the
// emulator.
std::string MakeAssertion(const KeyPair& signer_pair, const AssertionSpec& spec = {}) {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.header().set("x5t", X5tOf(spec.x5t_of.empty() ? signer_pair.cert_pem : spec.x5t_of));
  const long long now = static_cast<long long>(std::time(nullptr));
  token.payload().set("iss", spec.iss);
  token.payload().set("aud", spec.aud);
  token.payload().set("nbf", static_cast<Poco::Int64>(now + spec.nbf_offset));
  token.payload().set("exp", static_cast<Poco::Int64>(now + spec.nbf_offset + spec.lifetime));
  for (const auto& [name, value] : spec.extra_claims) token.payload().set(name, value);
  std::istringstream key(signer_pair.key_pem);
  Poco::JWT::Signer signer(new Poco::Crypto::RSAKey(nullptr, &key));
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

std::string FormBody(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    std::string encoded;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", encoded);
    out += (out.empty() ? "" : "&") + name + "=" + encoded;
  }
  return out;
}

std::map<std::string, std::string> TokenForm(const std::string& assertion) {
  return {{"grant_type", "http://oauth.net/grant_type/jwt/1.0/bearer"},
          {"assertion", assertion},
          {"resource",
           std::string("00000002-0000-0ff1-ce00-000000000000/") + kOutlook + "@" + kTenant}};
}

std::string BatchBody(const std::string& device_id = std::string(64, '0'),
                      const std::string& date = "\\/Date(1764069656000)\\/") {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char id[32];
  std::strftime(id, sizeof id, "%Y%m%d-%H%M%S-1", &tm);
  return std::string("{\"notifications\":[{\"id\":\"") + id +
         "\",\"payload\":{\"isMonitoring\":true,\"tenantId\":\"\",\"unseenEmailCount\":1},"
         "\"recipients\":[{\"appId\":\"MonitoringProbeAppId\",\"deviceId\":\"" +
         device_id + "\",\"lastSubscriptionUpdate\":\"" + date + "\"}]}]}";
}

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { StartEmulator(EmulatorOptions{}); }

  void StartEmulator(EmulatorOptions options) {
    if (emulator_) emulator_->Stop();
    if (options.credentials.empty()) options.credentials = Credentials();
    ca_pem_ = options.credentials.ca.cert_pem;
    emulator_ = std::make_unique<Emulator>(std::move(options));
    emulator_->Start();
  }

  Poco::Net::Context::Ptr ClientContext() const {
    Poco::Net::Context::Params params;
    // STRICT, or Poco skips the host name check for "localhost".
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::CLIENT_USE, params);
    std::istringstream ca(ca_pem_);
    context->addCertificateAuthority(Poco::Crypto::X509Certificate(ca));
    return context;
  }

  // One request on a fresh connection to 127.0.0.1:port with SNI "localhost"
  // and the given Host header, as connect_to does with production names.
  HttpResult Send(const std::string& method, const std::string& host, const std::string& target,
                  const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) {
    static const bool kSslReady = [] {
      Poco::Net::SSLManager::instance().initializeClient(
          nullptr, new Poco::Net::RejectCertificateHandler(false), nullptr);
      return true;
    }();
    (void)kSslReady;
    Poco::Net::HTTPSClientSession session("localhost", emulator_->port(), ClientContext());
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost(host);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST")
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, result.body);
    for (const auto& [name, value] : response) result.headers[Poco::toLower(name)] = value;
    return result;
  }

  HttpResult GetMetadata(const std::string& realm = "fabrikam.com") {
    return Send("GET", kAcs, "/metadata/json/1/?realm=" + realm, "",
                {{"User-Agent", "MicrosoftExchangeAuthManagement"}});
  }

  HttpResult PostToken(const std::map<std::string, std::string>& form,
                       const std::string& content_type = "application/x-www-form-urlencoded") {
    return Send("POST", kAcs, std::string("/") + kTenant + "/tokens/OAuth/2", FormBody(form),
                {{"Content-Type", content_type}});
  }

  std::string GetAccessToken() {
    auto result = PostToken(TokenForm(MakeAssertion(Credentials().auth)));
    EXPECT_EQ(result.status, 200) << result.body;
    return ParseObject(result.body)->getValue<std::string>("access_token");
  }

  std::map<std::string, std::string> PublishHeaders(const std::string& token) {
    return {{"Content-Type", "application/json"},
            {"Authorization", "Bearer " + token},
            {"User-Agent", "pushprobe/0.1.0/PushNotificationsOnPremProxy"},
            {"X-ProbeType", "X-MS-ClientAccess-LocalProbe"},
            {"client-request-id", "8c3e3f0a-5c1b-4d8e-9b7a-0a1b2c3d4e5f"},
            {"return-client-request-id", "True"},
            {"Connection", "close"}};
  }

  HttpResult Publish(const std::string& token, const std::string& body = BatchBody(),
                     const std::map<std::string, std::string>& overrides = {}) {
    auto headers = PublishHeaders(token);
    for (const auto& [name, value] : overrides) headers[name] = value;
    return Send("POST", kOutlook, kPublish, body, headers);
  }

  std::unique_ptr<Emulator> emulator_;
  std::string ca_pem_;
};

TEST_F(EmulatorTest, MetadataHasTheOAuthS2SV1Shape) {
  auto result = GetMetadata();
  ASSERT_EQ(result.status, 200) << result.body;
  auto doc = ParseObject(result.body);
  EXPECT_EQ(doc->getValue<std::string>("version"), "1.0");
  EXPECT_EQ(doc->getValue<std::string>("realm"), kTenant);
  EXPECT_EQ(doc->getValue<std::string>("issuer"),
            std::string("00000001-0000-0000-c000-000000000000@") + kTenant);
  auto key = doc->getArray("keys")->getObject(0);
  EXPECT_EQ(key->getValue<std::string>("usage"), "signing");
  EXPECT_EQ(key->getObject("keyInfo")->getValue<std::string>("x5t"),
            X5tOf(Credentials().token_signing.cert_pem));
  EXPECT_EQ(key->getObject("keyValue")->getValue<std::string>("type"), "x509Certificate");
  auto endpoints = doc->getArray("endpoints");
  ASSERT_EQ(endpoints->size(), 2u);
  EXPECT_EQ(
      endpoints->getObject(0)->getValue<std::string>("location"),
      std::string("https://accounts.accesscontrol.windows.net/") + kTenant + "/tokens/OAuth/2");
  EXPECT_EQ(endpoints->getObject(0)->getValue<std::string>("protocol"), "OAuth2");
  EXPECT_EQ(endpoints->getObject(0)->getValue<std::string>("usage"), "issuance");
  EXPECT_EQ(endpoints->getObject(1)->getValue<std::string>("usage"), "delegation");
  EXPECT_FALSE(result.Header("Date").empty());
  EXPECT_EQ(emulator_->stats().metadata.accepted, 1u);
}

TEST_F(EmulatorTest, MetadataAcceptsTheTenantGuidAsRealm) {
  EXPECT_EQ(GetMetadata(kTenant).status, 200);
}

TEST_F(EmulatorTest, MetadataRejectsAnUnknownRealmLikeAcs) {
  auto result = GetMetadata("contoso.com");
  EXPECT_EQ(result.status, 400);
  EXPECT_NE(
      ParseObject(result.body)->getValue<std::string>("error_description").find("AADSTS90002"),
      std::string::npos);
  EXPECT_EQ(emulator_->stats().metadata.rejected, 1u);
}

TEST_F(EmulatorTest, ProductionHostMustMatchTheService) {
  EXPECT_EQ(Send("GET", kOutlook, "/metadata/json/1/?realm=fabrikam.com").status, 404);
  EXPECT_EQ(Send("POST", kAcs, kPublish, "{}").status, 404);
  EXPECT_EQ(emulator_->stats().unknown, 2u);
}

TEST_F(EmulatorTest, ProxyCredentialsReachingTheServiceAreRejected) {
  auto leaked = Send("GET", kAcs, "/metadata/json/1/?realm=fabrikam.com", "",
                     {{"User-Agent", "MicrosoftExchangeAuthManagement"},
                      {"Proxy-Authorization", "Basic YWxpY2U6czNjcmV0"}});
  EXPECT_EQ(leaked.status, 400);
  EXPECT_NE(leaked.Header("X-Emulator-Reason").find("Proxy-Authorization"), std::string::npos);
  EXPECT_EQ(emulator_->stats().metadata.rejected, 1u);
}

TEST_F(EmulatorTest, ChallengeHeaderIsExactlyExchangeOnlines) {
  auto empty_bearer = Send("POST", kOutlook, kPublish, BatchBody(), {{"Authorization", "Bearer"}});
  EXPECT_EQ(empty_bearer.status, 401);
  EXPECT_EQ(empty_bearer.Header("WWW-Authenticate"), kChallenge);
  auto no_header = Send("POST", kOutlook, kPublish, BatchBody());
  EXPECT_EQ(no_header.status, 401);
  EXPECT_EQ(no_header.Header("WWW-Authenticate"), kChallenge);
  EXPECT_EQ(emulator_->stats().challenge.accepted, 2u);
}

TEST_F(EmulatorTest, FullCheckSucceedsAndIsCounted) {
  ASSERT_EQ(GetMetadata().status, 200);
  ASSERT_EQ(Send("POST", kOutlook, kPublish, BatchBody(), {{"Authorization", "Bearer "}}).status,
            401);
  const std::string token = GetAccessToken();
  auto result = Publish(token);
  EXPECT_EQ(result.status, 200) << result.body << result.Header("X-Emulator-Reason");
  EXPECT_EQ(result.Header("client-request-id"), "8c3e3f0a-5c1b-4d8e-9b7a-0a1b2c3d4e5f");
  const Stats stats = emulator_->stats();
  EXPECT_EQ(stats.metadata.accepted, 1u);
  EXPECT_EQ(stats.challenge.accepted, 1u);
  EXPECT_EQ(stats.token.accepted, 1u);
  EXPECT_EQ(stats.publish.accepted, 1u);
  EXPECT_EQ(stats.publish.rejected, 0u);
}

TEST_F(EmulatorTest, TokenResponseSendsNumbersAsStrings) {
  auto result = PostToken(TokenForm(MakeAssertion(Credentials().auth)));
  ASSERT_EQ(result.status, 200) << result.body;
  auto json = ParseObject(result.body);
  EXPECT_EQ(json->getValue<std::string>("token_type"), "Bearer");
  EXPECT_TRUE(json->get("expires_in").isString());
  EXPECT_EQ(json->getValue<std::string>("expires_in"), "86399");
  EXPECT_TRUE(json->get("not_before").isString());
  EXPECT_TRUE(json->get("expires_on").isString());
  EXPECT_EQ(json->getValue<std::string>("resource"),
            std::string("00000002-0000-0ff1-ce00-000000000000/outlook.office365.com@") + kTenant);
  // The access token verifies with the certificate the metadata publishes.
  std::istringstream cert(Credentials().token_signing.cert_pem);
  Poco::JWT::Signer verifier(new Poco::Crypto::RSAKey(Poco::Crypto::X509Certificate(cert)));
  verifier.setAlgorithms({"RS256"});
  Poco::JWT::Token token = verifier.verify(json->getValue<std::string>("access_token"));
  EXPECT_EQ(token.payload().getValue<std::string>("aud"), json->getValue<std::string>("resource"));
  EXPECT_EQ(token.payload().getValue<std::string>("iss"),
            std::string("00000001-0000-0000-c000-000000000000@") + kTenant);
}

TEST_F(EmulatorTest, TokenRejectsExtraFormFields) {
  auto form = TokenForm(MakeAssertion(Credentials().auth));
  form["client_id"] = "00000002-0000-0ff1-ce00-000000000000";
  auto result = PostToken(form);
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(ParseObject(result.body)->getValue<std::string>("error"), "invalid_request");
  EXPECT_NE(result.Header("X-Emulator-Reason").find("client_id"), std::string::npos);
  EXPECT_EQ(emulator_->stats().token.rejected, 1u);
}

TEST_F(EmulatorTest, TokenRejectsWrongContentType) {
  EXPECT_EQ(PostToken(TokenForm(MakeAssertion(Credentials().auth)), "application/json").status,
            400);
}

TEST_F(EmulatorTest, TokenRejectsWrongAudience) {
  AssertionSpec spec;
  spec.aud = std::string("00000001-0000-0000-c000-000000000000@") + kTenant;
  auto result = PostToken(TokenForm(MakeAssertion(Credentials().auth, spec)));
  EXPECT_EQ(result.status, 401);
  auto json = ParseObject(result.body);
  EXPECT_EQ(json->getValue<std::string>("error_description")
                .rfind("ACS50012: Authentication failed.\r\nTrace ID: ", 0),
            0u);
  EXPECT_NE(json->getValue<std::string>("error_description").find("\r\nCorrelation ID: "),
            std::string::npos);
  EXPECT_NE(json->getValue<std::string>("error_description").find("\r\nTimestamp: "),
            std::string::npos);
  EXPECT_NE(result.Header("X-Emulator-Reason").find("aud"), std::string::npos);
}

TEST_F(EmulatorTest, TokenRejectsExtraClaims) {
  AssertionSpec spec;
  spec.extra_claims["jti"] = "abc";
  auto result = PostToken(TokenForm(MakeAssertion(Credentials().auth, spec)));
  EXPECT_EQ(result.status, 400);
  EXPECT_NE(result.Header("X-Emulator-Reason").find("jti"), std::string::npos);
}

TEST_F(EmulatorTest, TokenRejectsTooLongAssertionLifetime) {
  AssertionSpec spec;
  spec.lifetime = 3600;
  EXPECT_EQ(PostToken(TokenForm(MakeAssertion(Credentials().auth, spec))).status, 401);
}

TEST_F(EmulatorTest, TokenRejectsWrongResource) {
  auto form = TokenForm(MakeAssertion(Credentials().auth));
  form["resource"] =
      std::string("00000002-0000-0ff1-ce00-000000000000/outlook.office.com@") + kTenant;
  auto result = PostToken(form);
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(ParseObject(result.body)->getValue<std::string>("error"), "invalid_resource");
}

TEST_F(EmulatorTest, UnregisteredCertificateGetsAadsts700027WithItsThumbprint) {
  auto result = PostToken(TokenForm(MakeAssertion(Credentials().unregistered_auth)));
  EXPECT_EQ(result.status, 401);
  auto json = ParseObject(result.body);
  EXPECT_EQ(json->getValue<std::string>("error"), "invalid_client");
  const std::string description = json->getValue<std::string>("error_description");
  pushprobe::testing::IssuedCert unregistered{Credentials().unregistered_auth.cert_pem, ""};
  EXPECT_NE(
      description.find("AADSTS700027: Client assertion contains an invalid signature. "
                       "[Reason - The key was not found., Thumbprint of key used by client: '" +
                       unregistered.Thumbprint() + "'"),
      std::string::npos)
      << description;
}

TEST_F(EmulatorTest, SignatureByAnotherKeyIsRejected) {
  AssertionSpec spec;
  spec.x5t_of = Credentials().auth.cert_pem;
  auto result = PostToken(TokenForm(MakeAssertion(Credentials().unregistered_auth, spec)));
  EXPECT_EQ(result.status, 401);
  EXPECT_NE(result.body.find("did not match the expected signature value"), std::string::npos);
}

TEST_F(EmulatorTest, ExpiredRegistrationIsRejected) {
  emulator_->RegisterAuthCertificate(Credentials().auth.cert_pem,
                                     system_clock::now() - std::chrono::hours(1));
  auto result = PostToken(TokenForm(MakeAssertion(Credentials().auth)));
  EXPECT_EQ(result.status, 401);
  EXPECT_NE(result.body.find("The key used is expired."), std::string::npos);
}

TEST_F(EmulatorTest, ClockSkewRejectsTheAssertionAndShowsInTheDateHeader) {
  emulator_->SetClockOffset(std::chrono::minutes(20));
  auto ahead = PostToken(TokenForm(MakeAssertion(Credentials().auth)));
  EXPECT_EQ(ahead.status, 401);
  EXPECT_NE(ahead.body.find("ACS50012"), std::string::npos);
  EXPECT_NE(ahead.Header("X-Emulator-Reason").find("expired"), std::string::npos);
  Poco::DateTime date;
  int tzd = 0;
  ASSERT_TRUE(Poco::DateTimeParser::tryParse(ahead.Header("Date"), date, tzd));
  const auto skew = date.timestamp().epochTime() - std::time(nullptr);
  EXPECT_GT(skew, 1100);
  EXPECT_LT(skew, 1300);

  emulator_->SetClockOffset(-std::chrono::minutes(20));
  auto behind = PostToken(TokenForm(MakeAssertion(Credentials().auth)));
  EXPECT_EQ(behind.status, 401);
  EXPECT_NE(behind.Header("X-Emulator-Reason").find("not yet valid"), std::string::npos);

  emulator_->SetClockOffset(std::chrono::minutes(4));
  EXPECT_EQ(PostToken(TokenForm(MakeAssertion(Credentials().auth))).status, 200);
}

TEST_F(EmulatorTest, PublishRejectsBadTokens) {
  auto garbage = Publish("not-a-jwt");
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(garbage.Header("x-ms-diagnostics").rfind("2000001;reason=", 0), 0u);
  EXPECT_NE(garbage.Header("x-ms-diagnostics").find("error_category=\"invalid_token\""),
            std::string::npos);
  EXPECT_FALSE(ParseObject(garbage.body)->getValue<bool>("CanRetry"));

  // An assertion is a JWT too, but not signed by the token issuer.
  auto foreign = Publish(MakeAssertion(Credentials().auth));
  EXPECT_EQ(foreign.status, 401);
  EXPECT_EQ(foreign.Header("x-ms-diagnostics").rfind("2000000;", 0), 0u);

  // Accepted once (its signature verdict is then remembered), the same token
  // is still judged on its lifetime, and a changed one on its signature.
  const std::string token = GetAccessToken();
  EXPECT_EQ(Publish(token).status, 200);
  std::string tampered = token;
  char& in_signature = tampered[tampered.size() - 10];
  in_signature = in_signature == 'A' ? 'B' : 'A';
  auto forged = Publish(tampered);
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(forged.Header("x-ms-diagnostics").rfind("2000000;", 0), 0u);
  emulator_->SetClockOffset(std::chrono::hours(25));
  auto expired = Publish(token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.Header("x-ms-diagnostics").rfind("2000002;", 0), 0u);
  EXPECT_NE(expired.Header("x-ms-diagnostics").find("token_expired"), std::string::npos);
  EXPECT_EQ(emulator_->stats().publish.rejected, 4u);
}

// Identity platform v2 (docs/protocol.md 2.6), built independently of the probe.
constexpr char kLogin[] = "login.microsoftonline.com";
constexpr char kV2TokenPath[] = "/fabrikam.com/oauth2/v2.0/token";
constexpr char kV2TokenUrl[] = "https://login.microsoftonline.com/fabrikam.com/oauth2/v2.0/token";
constexpr char kApp[] = "6731de76-14a6-49ae-97bc-6eba6914391e";

std::string X5tS256Of(const std::string& cert_pem) { return X5tS256(CertificateDer(cert_pem)); }

struct ClientAssertionSpec {
  std::string iss = kApp;
  std::string sub = kApp;
  std::string aud = kV2TokenUrl;
  long long nbf_offset = 0;
  long long lifetime = 600;
  bool with_jti = true;
  std::string x5t_s256;  // default: the signing certificate's
};

std::string MakeClientAssertion(const KeyPair& pair, const ClientAssertionSpec& spec = {}) {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.header().set("x5t", X5tOf(pair.cert_pem));
  token.header().set("x5t#S256", spec.x5t_s256.empty() ? X5tS256Of(pair.cert_pem) : spec.x5t_s256);
  const long long now = static_cast<long long>(std::time(nullptr)) + spec.nbf_offset;
  token.payload().set("aud", spec.aud);
  token.payload().set("iss", spec.iss);
  token.payload().set("sub", spec.sub);
  if (spec.with_jti) token.payload().set("jti", NewGuid());
  token.payload().set("nbf", static_cast<Poco::Int64>(now));
  token.payload().set("iat", static_cast<Poco::Int64>(now));
  token.payload().set("exp", static_cast<Poco::Int64>(now + spec.lifetime));
  std::istringstream key(pair.key_pem);
  Poco::JWT::Signer signer(new Poco::Crypto::RSAKey(nullptr, &key));
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

std::map<std::string, std::string> ClientCredentialsForm(const std::string& assertion) {
  return {{"grant_type", "client_credentials"},
          {"client_id", kApp},
          {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
          {"client_assertion", assertion},
          {"scope", "https://outlook.office365.com/.default"}};
}

class IdentityPlatformTest : public EmulatorTest {
 protected:
  HttpResult PostV2Token(const std::map<std::string, std::string>& form,
                         const std::string& host = kLogin) {
    return Send("POST", host, kV2TokenPath, FormBody(form),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
};

TEST_F(IdentityPlatformTest, OpenIdConfigurationNamesTheTenantAndTokenEndpoint) {
  auto result = Send("GET", kLogin, "/fabrikam.com/v2.0/.well-known/openid-configuration");
  ASSERT_EQ(result.status, 200) << result.body;
  auto doc = ParseObject(result.body);
  EXPECT_EQ(doc->getValue<std::string>("issuer"),
            std::string("https://login.microsoftonline.com/") + kTenant + "/v2.0");
  EXPECT_EQ(doc->getValue<std::string>("token_endpoint"),
            std::string("https://login.microsoftonline.com/") + kTenant + "/oauth2/v2.0/token");
  auto unknown = Send("GET", kLogin, "/contoso.com/v2.0/.well-known/openid-configuration");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ParseObject(unknown.body)->getValue<std::string>("error"), "invalid_tenant");
  EXPECT_NE(unknown.body.find("AADSTS90002"), std::string::npos);
  // Only login.microsoftonline.com serves it.
  EXPECT_EQ(Send("GET", kAcs, "/fabrikam.com/v2.0/.well-known/openid-configuration").status, 404);
}

TEST_F(IdentityPlatformTest, ValidRequestGetsATokenThePushProxyAccepts) {
  auto result = PostV2Token(ClientCredentialsForm(MakeClientAssertion(Credentials().auth)));
  ASSERT_EQ(result.status, 200) << result.body << result.Header("X-Emulator-Reason");
  auto doc = ParseObject(result.body);
  EXPECT_EQ(doc->getValue<std::string>("token_type"), "Bearer");
  EXPECT_TRUE(doc->get("expires_in").isInteger());
  EXPECT_EQ(doc->getValue<int>("expires_in"), 3599);
  EXPECT_EQ(Publish(doc->getValue<std::string>("access_token")).status, 200);
  EXPECT_EQ(
      PostV2Token(ClientCredentialsForm(MakeClientAssertion(Credentials().auth)), kAcs).status,
      404);
}

struct V2RejectionCase {
  const char* name;
  std::function<std::map<std::string, std::string>()> form;
  int status;
  const char* error;
  const char* code;
};

TEST_F(IdentityPlatformTest, RejectsEveryDeviationWithAzureAdsErrors) {
  const auto& auth = Credentials().auth;
  auto with = [&](const ClientAssertionSpec& spec) {
    return [&auth, spec] { return ClientCredentialsForm(MakeClientAssertion(auth, spec)); };
  };
  auto form_with = [&](const char* name, const char* value) {
    return [&auth, name, value] {
      auto form = ClientCredentialsForm(MakeClientAssertion(auth));
      if (value == nullptr) {
        form.erase(name);
      } else {
        form[name] = value;
      }
      return form;
    };
  };
  ClientAssertionSpec wrong_iss;
  wrong_iss.iss = "00000002-0000-0ff1-ce00-000000000000";
  ClientAssertionSpec wrong_aud;
  wrong_aud.aud = "https://login.microsoftonline.com/common/oauth2/v2.0/token";
  ClientAssertionSpec no_jti;
  no_jti.with_jti = false;
  ClientAssertionSpec future;
  future.nbf_offset = 1200;
  ClientAssertionSpec wrong_s256;
  wrong_s256.x5t_s256 = X5tS256Of(Credentials().unregistered_auth.cert_pem);
  const V2RejectionCase cases[] = {
      {"no scope", form_with("scope", nullptr), 400, "invalid_request", "AADSTS900144"},
      {"ACS field", form_with("resource", "x"), 400, "invalid_request", "AADSTS90014"},
      {"grant", form_with("grant_type", "password"), 400, "unsupported_grant_type", "AADSTS70003"},
      {"assertion type", form_with("client_assertion_type", "jwt"), 400, "invalid_request",
       "AADSTS700022"},
      {"unknown application", form_with("client_id", "00000000-1111-2222-3333-444444444444"), 400,
       "unauthorized_client", "AADSTS700016"},
      {"iss", with(wrong_iss), 401, "invalid_client", "AADSTS700021"},
      {"aud", with(wrong_aud), 401, "invalid_client", "AADSTS700212"},
      {"no jti", with(no_jti), 400, "invalid_request", "AADSTS50027"},
      {"not yet valid", with(future), 401, "invalid_client", "AADSTS700024"},
      {"x5t#S256", with(wrong_s256), 401, "invalid_client", "AADSTS700027"},
      {"scope without .default", form_with("scope", "https://outlook.office365.com"), 400,
       "invalid_scope", "AADSTS1002012"},
      {"unregistered",
       [] { return ClientCredentialsForm(MakeClientAssertion(Credentials().unregistered_auth)); },
       401, "invalid_client", "AADSTS700027"},
  };
  for (const V2RejectionCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto result = PostV2Token(c.form());
    EXPECT_EQ(result.status, c.status) << result.body;
    ASSERT_EQ(result.body.front(), '{') << result.body;
    auto doc = ParseObject(result.body);
    EXPECT_EQ(doc->getValue<std::string>("error"), c.error);
    EXPECT_EQ(doc->getValue<std::string>("error_description").rfind(c.code, 0), 0u) << result.body;
    EXPECT_FALSE(result.Header("X-Emulator-Reason").empty());
  }
}

TEST_F(IdentityPlatformTest, TokenFaultsApplyToTheV2Endpoint) {
  emulator_->InjectFault(Fault::Parse("token@1:expired-registration"));
  auto expired = PostV2Token(ClientCredentialsForm(MakeClientAssertion(Credentials().auth)));
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.body.find("The key used is expired."), std::string::npos);
  emulator_->InjectFault(Fault::Parse("token@1:skew:-1200"));
  auto skewed = PostV2Token(ClientCredentialsForm(MakeClientAssertion(Credentials().auth)));
  EXPECT_EQ(skewed.status, 401);
  EXPECT_NE(skewed.body.find("AADSTS700024"), std::string::npos);
  emulator_->InjectFault(Fault::Parse("token@1:status:503"));
  EXPECT_EQ(PostV2Token(ClientCredentialsForm(MakeClientAssertion(Credentials().auth))).status,
            503);
  EXPECT_EQ(PostV2Token(ClientCredentialsForm(MakeClientAssertion(Credentials().auth))).status,
            200);
}

struct BadBatchCase {
  const char* name;
  std::string body;
  std::map<std::string, std::string> headers;
  const char* expected_in_message;
};

TEST_F(EmulatorTest, BadBatchesAreRejectedNamingTheProblem) {
  const std::string token = GetAccessToken();
  std::string extra_member = BatchBody();
  extra_member.insert(extra_member.size() - 3, ",\"badge\":1");
  const std::vector<BadBatchCase> cases = {
      {"device", BatchBody(std::string(63, '0') + "1"), {}, "deviceId"},
      {"date escaping",
       BatchBody(std::string(64, '0'), "/Date(1764069656000)/"),
       {},
       "escape its slashes"},
      {"date form",
       BatchBody(std::string(64, '0'), "2025-11-25T11:20:56Z"),
       {},
       "lastSubscriptionUpdate"},
      {"id",
       std::string("{\"notifications\":[{\"id\":\"1\",\"payload\":{},\"recipients\":[]}]}"),
       {},
       "yyyyMMdd-HHmmss-N"},
      {"extra member", extra_member, {}, "unexpected member 'badge'"},
      {"not json", "notifications", {}, "not valid JSON"},
      {"content type", BatchBody(), {{"Content-Type", "text/plain"}}, "Content-Type"},
      {"probe type", BatchBody(), {{"X-ProbeType", "X-MS-Something"}}, "X-ProbeType"},
      {"request id", BatchBody(), {{"client-request-id", "42"}}, "client-request-id"},
  };
  for (const auto& c : cases) {
    auto result = Publish(token, c.body, c.headers);
    EXPECT_EQ(result.status, 400) << c.name;
    auto fault = ParseObject(result.body);
    EXPECT_NE(fault->getValue<std::string>("Message").find(c.expected_in_message),
              std::string::npos)
        << c.name << ": " << fault->getValue<std::string>("Message");
    EXPECT_FALSE(fault->getValue<bool>("CanRetry")) << c.name;
  }
  EXPECT_EQ(emulator_->stats().publish.rejected, cases.size());
}

using pushprobe::testing::Eventually;

TEST_F(EmulatorTest, StatusFaultIsPersistentUntilCleared) {
  Fault fault;
  fault.stage = Stage::kPublish;
  fault.kind = FaultKind::kStatus;
  fault.status = 503;
  fault.headers = {{"Retry-After", "5"}};
  emulator_->InjectFault(fault);
  const std::string token = GetAccessToken();
  for (int i = 0; i < 2; ++i) {
    auto result = Publish(token);
    EXPECT_EQ(result.status, 503);
    EXPECT_EQ(result.Header("Retry-After"), "5");
    EXPECT_TRUE(ParseObject(result.body)->getValue<bool>("CanRetry"));
  }
  EXPECT_EQ(emulator_->stats().publish.faulted, 2u);
  emulator_->ClearFaults();
  EXPECT_EQ(Publish(token).status, 200);
}

TEST_F(EmulatorTest, CountedFaultActsOnlyThatOften) {
  emulator_->InjectFault(Fault::Parse("metadata@1:status:500:{\"error\":\"boom\"}"));
  auto first = GetMetadata();
  EXPECT_EQ(first.status, 500);
  EXPECT_EQ(first.body, "{\"error\":\"boom\"}");
  EXPECT_EQ(GetMetadata().status, 200);
  EXPECT_TRUE(emulator_->faults().empty());
}

TEST_F(EmulatorTest, RedirectFault) {
  emulator_->InjectFault(Fault::Parse("metadata:redirect:https://login.example.invalid/x"));
  auto result = GetMetadata();
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(result.Header("Location"), "https://login.example.invalid/x");
}

TEST_F(EmulatorTest, MalformedBodyFault) {
  emulator_->InjectFault(Fault::Parse("metadata:malformed"));
  auto result = GetMetadata();
  EXPECT_EQ(result.status, 200);
  EXPECT_THROW(ParseObject(result.body), Poco::Exception);
}

TEST_F(EmulatorTest, OversizedBodyFault) {
  emulator_->InjectFault(Fault::Parse("token:oversized:5M"));
  auto result = PostToken(TokenForm(MakeAssertion(Credentials().auth)));
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body.size(), 5u * 1024 * 1024);
}

TEST_F(EmulatorTest, TruncatedBodyFault) {
  emulator_->InjectFault(Fault::Parse("metadata:truncated"));
  try {
    auto result = GetMetadata();
    EXPECT_LT(result.body.size(), std::stoul(result.Header("Content-Length")));
  } catch (const Poco::Exception&) {
    SUCCEED() << "the client noticed the early close";
  }
  EXPECT_EQ(emulator_->stats().metadata.faulted, 1u);
}

TEST_F(EmulatorTest, ResetFault) {
  emulator_->InjectFault(Fault::Parse("challenge:reset"));
  EXPECT_THROW(Send("POST", kOutlook, kPublish, BatchBody()), Poco::Exception);
  EXPECT_EQ(emulator_->stats().challenge.faulted, 1u);
}

TEST_F(EmulatorTest, SlowFaultDelaysTheAnswer) {
  emulator_->InjectFault(Fault::Parse("metadata:slow:300ms"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(GetMetadata().status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST_F(EmulatorTest, ClearingFaultsReleasesASlowAnswer) {
  emulator_->InjectFault(Fault::Parse("metadata:slow:60s"));
  std::atomic<int> status{0};
  std::thread client([&] { status = GetMetadata().status; });
  ASSERT_TRUE(Eventually([&] { return emulator_->stats().waiting == 1; }));
  emulator_->ClearFaults();
  client.join();
  EXPECT_EQ(status, 200);
}

TEST_F(EmulatorTest, StopReturnsPromptlyWhileASlowAnswerIsPending) {
  emulator_->InjectFault(Fault::Parse("token:slow:60s"));
  std::atomic<bool> failed{false};
  std::thread client([&] {
    try {
      PostToken(TokenForm(MakeAssertion(Credentials().auth)));
    } catch (const Poco::Exception&) {
      failed = true;
    }
  });
  ASSERT_TRUE(Eventually([&] { return emulator_->stats().waiting == 1; }));
  const auto start = std::chrono::steady_clock::now();
  emulator_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  client.join();
  EXPECT_TRUE(failed);
}

TEST_F(EmulatorTest, ChallengeVariants) {
  emulator_->InjectFault(Fault::Parse("challenge@1:untrusted-issuer"));
  auto untrusted = Send("POST", kOutlook, kPublish, BatchBody());
  EXPECT_EQ(untrusted.status, 401);
  EXPECT_NE(untrusted.Header("WWW-Authenticate").find("trusted_issuers=\"00000004-"),
            std::string::npos);

  emulator_->InjectFault(Fault::Parse("challenge@1:realm"));
  auto realm = Send("POST", kOutlook, kPublish, BatchBody());
  EXPECT_EQ(
      realm.Header("WWW-Authenticate").rfind(std::string("Bearer realm=\"") + kTenant + "\", ", 0),
      0u);

  emulator_->InjectFault(Fault::Parse("challenge@1:no-challenge"));
  auto missing = Send("POST", kOutlook, kPublish, BatchBody());
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.headers.count("www-authenticate"), 0u);

  EXPECT_EQ(Send("POST", kOutlook, kPublish, BatchBody()).Header("WWW-Authenticate"), kChallenge);
  EXPECT_EQ(emulator_->stats().challenge.faulted, 3u);
}

TEST_F(EmulatorTest, TokenFaults) {
  const auto form = TokenForm(MakeAssertion(Credentials().auth));
  emulator_->InjectFault(Fault::Parse("token@1:unregistered"));
  EXPECT_NE(PostToken(form).body.find("The key was not found."), std::string::npos);
  emulator_->InjectFault(Fault::Parse("token@1:expired-registration"));
  EXPECT_NE(PostToken(form).body.find("The key used is expired."), std::string::npos);
  emulator_->InjectFault(Fault::Parse("token@1:skew:1200"));
  EXPECT_NE(PostToken(form).body.find("ACS50012"), std::string::npos);
  emulator_->InjectFault(
      Fault::Parse("token@1:oauth-error:invalid_grant:AADSTS70002: Error validating credentials."));
  auto oauth = PostToken(form);
  EXPECT_EQ(oauth.status, 400);
  EXPECT_EQ(ParseObject(oauth.body)->getValue<std::string>("error"), "invalid_grant");
  EXPECT_EQ(
      ParseObject(oauth.body)->getValue<std::string>("error_description").rfind("AADSTS70002: ", 0),
      0u);
  EXPECT_EQ(PostToken(form).status, 200);
  EXPECT_EQ(emulator_->stats().token.faulted, 4u);
}

TEST_F(EmulatorTest, PublishDiagnosticsFault) {
  const std::string diagnostics =
      "2000003;reason=\"The hostname component of the audience claim value is invalid.\";"
      "error_category=\"invalid_resource\"";
  emulator_->InjectFault(Fault::Parse("publish:diagnostics:" + diagnostics));
  auto result = Publish(GetAccessToken());
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(result.Header("x-ms-diagnostics"), diagnostics);
}

TEST_F(EmulatorTest, ControlApiInjectsAndClearsFaultsAndReportsStats) {
  auto added = Send("POST", "localhost", "/_emulator/fault",
                    R"({"stage":"metadata","kind":"status","status":503,"count":0})");
  EXPECT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(GetMetadata().status, 503);
  auto stats = ParseObject(Send("GET", "localhost", "/_emulator/stats").body);
  EXPECT_EQ(stats->getObject("metadata")->getValue<int>("faulted"), 1);
  EXPECT_EQ(Send("DELETE", "localhost", "/_emulator/fault").status, 200);
  EXPECT_EQ(GetMetadata().status, 200);

  EXPECT_EQ(Send("POST", "localhost", "/_emulator/fault", R"({"spec":"publish@1:reset"})").status,
            200);
  EXPECT_EQ(emulator_->faults().size(), 1u);
  EXPECT_EQ(
      Send("POST", "localhost", "/_emulator/fault", R"({"stage":"publish","kind":"realm"})").status,
      400);
  EXPECT_EQ(Send("POST", "localhost", "/_emulator/clock", R"({"offset_seconds":1200})").status,
            200);
  EXPECT_EQ(emulator_->clock_offset(), std::chrono::seconds(1200));
}

TEST_F(EmulatorTest, TlsModesRestartTheListenerOnTheSamePort) {
  const auto port = emulator_->port();
  emulator_->RestartListener(TlsMode::kUntrustedCa);
  EXPECT_EQ(emulator_->port(), port);
  EXPECT_THROW(GetMetadata(), Poco::Exception);
  emulator_->RestartListener(TlsMode::kWrongHost);
  EXPECT_THROW(GetMetadata(), Poco::Exception);
  emulator_->RestartListener(TlsMode::kTrusted);
  EXPECT_EQ(GetMetadata().status, 200);
}

TEST_F(EmulatorTest, StartUpOptionsCarryFaultsClockAndTlsMode) {
  EmulatorOptions options;
  options.faults = {Fault::Parse("metadata:status:502")};
  options.clock_offset = std::chrono::minutes(30);
  StartEmulator(options);
  EXPECT_EQ(GetMetadata().status, 502);
  EXPECT_EQ(emulator_->clock_offset(), std::chrono::minutes(30));
}

struct SpecCase {
  std::string spec;
  std::function<void(const Fault&)> check;
};

TEST(FaultSpecTest, ParsesTheCliForms) {
  const std::vector<SpecCase> cases = {
      {"publish:status:503", [](const Fault& f) { EXPECT_EQ(f.status, 503); }},
      {"token@2:oauth-error:invalid_grant:ACS50012: Authentication failed.",
       [](const Fault& f) {
         EXPECT_EQ(f.count, 2);
         EXPECT_EQ(f.text, "invalid_grant");
         EXPECT_EQ(f.description, "ACS50012: Authentication failed.");
       }},
      {"publish:oversized:5M", [](const Fault& f) { EXPECT_EQ(f.size, 5u * 1024 * 1024); }},
      {"metadata:slow:2s", [](const Fault& f) { EXPECT_EQ(f.delay.count(), 2000); }},
      {"token:skew:-1200", [](const Fault& f) { EXPECT_EQ(f.offset.count(), -1200); }},
      {"challenge:realm:contoso", [](const Fault& f) { EXPECT_EQ(f.text, "contoso"); }},
      {"publish:redirect:https://a.invalid:8443/x",
       [](const Fault& f) { EXPECT_EQ(f.text, "https://a.invalid:8443/x"); }},
  };
  for (const auto& c : cases) c.check(Fault::Parse(c.spec));
  for (const char* bad : {"publish:unregistered", "nope:status:503", "publish:status",
                          "metadata:reset:1", "metadata", "token:skew", "publish:status:abc"}) {
    EXPECT_THROW(Fault::Parse(bad), std::invalid_argument) << bad;
  }
}

class LabTest : public EmulatorTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pushprobe-emulator-lab-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override {
    if (emulator_) emulator_->Stop();
    std::filesystem::remove_all(dir_);
  }
  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::filesystem::path dir_;
};

TEST_F(LabTest, WritesACompleteLabThatServes) {
  const Lab written = MakeLab(dir_.string());
  for (const char* file : {Lab::kCa, Lab::kServerCert, Lab::kServerKey, Lab::kWrongHostCert,
                           Lab::kWrongHostKey, Lab::kTokenSigning, Lab::kAuth,
                           Lab::kUnregisteredAuth, Lab::kEmulatorConfig, Lab::kPushprobeConfig}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ / file)) << file;
  }
  EXPECT_NE(written.port, 0);
  const std::string config = Read(dir_ / Lab::kPushprobeConfig);
  const std::string port = std::to_string(written.port);
  EXPECT_NE(config.find("- \"outlook.office365.com:443:127.0.0.1:" + port + "\""),
            std::string::npos);
  EXPECT_NE(config.find("- \"accounts.accesscontrol.windows.net:443:127.0.0.1:" + port + "\""),
            std::string::npos);
  EXPECT_NE(config.find("certificate: unregistered-auth.pem"), std::string::npos);
  // The v2 target comes last, reaching login.microsoftonline.com.
  EXPECT_LT(config.find("name: fabrikam-unregistered"), config.find("name: fabrikam-v2"));
  EXPECT_NE(config.find("    token_flow: identity-platform\n    application_id: " +
                        std::string(kLabApplicationId)),
            std::string::npos);
  EXPECT_NE(config.find("- \"login.microsoftonline.com:443:127.0.0.1:" + port + "\""),
            std::string::npos);
  EXPECT_NE(config.find("organization: fabrikam.com"), std::string::npos);
  const std::string auth = Read(dir_ / Lab::kAuth);
  EXPECT_NE(auth.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(auth.find("PRIVATE KEY"), std::string::npos);

  const Lab loaded = LoadLab(dir_.string());
  EXPECT_EQ(loaded.port, written.port);
  EXPECT_EQ(loaded.credentials.auth.cert_pem, written.credentials.auth.cert_pem);
  EmulatorOptions options = loaded.ToOptions();
  options.port = 0;  // the written port may have been taken since; the lab's content is the point
  StartEmulator(options);
  EXPECT_EQ(GetMetadata().status, 200);
  auto issued = PostToken(TokenForm(MakeAssertion(loaded.credentials.auth)));
  EXPECT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(PostToken(TokenForm(MakeAssertion(loaded.credentials.unregistered_auth))).status, 401);
}

TEST_F(LabTest, RegistrationEndDateSurvivesTheRoundTrip) {
  LabOptions options;
  options.fresh_keys = false;
  options.auth_registration_end = system_clock::now() - std::chrono::hours(24);
  WriteLab(dir_.string(), options);
  EmulatorOptions emulator_options = LoadLab(dir_.string()).ToOptions();
  emulator_options.port = 0;
  StartEmulator(emulator_options);
  auto result = PostToken(TokenForm(MakeAssertion(emulator_->credentials().auth)));
  EXPECT_EQ(result.status, 401);
  EXPECT_NE(result.body.find("The key used is expired."), std::string::npos);
}

TEST_F(LabTest, LoadingAnIncompleteLabNamesTheProblem) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / Lab::kEmulatorConfig) << "organization: fabrikam.com\ntenant: x\n";
  try {
    LoadLab(dir_.string());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing key 'ca'"), std::string::npos) << e.what();
  }
}

TEST(CryptoUtilTest, GuidsAreVersion4AndDistinct) {
  const std::string a = NewGuid();
  EXPECT_TRUE(IsGuid(a)) << a;
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;
  EXPECT_NE(a, NewGuid());
}

// Two connections at TLS \p max_version, the second offering the first's
// session (a ticket under TLS 1.3 arrives with the response, so a request is
// made on each). Returns whether the second was resumed.
bool SecondHandshakeResumes(std::uint16_t port, int max_version) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_max_proto_version(ctx, max_version);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_SESSION* session = nullptr;
  bool resumed = false;
  for (int round = 0; round < 2; ++round) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (session) SSL_set_session(ssl, session);
    EXPECT_EQ(SSL_connect(ssl), 1);
    if (round == 1) resumed = SSL_session_reused(ssl) == 1;
    const std::string request =
        "GET /_emulator/stats HTTP/1.1\r\nHost: localhost\r\n"
        "Connection: close\r\n\r\n";
    SSL_write(ssl, request.data(), static_cast<int>(request.size()));
    char buffer[4096];
    while (SSL_read(ssl, buffer, sizeof buffer) > 0) {
    }
    if (round == 0) session = SSL_get1_session(ssl);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
  }
  SSL_SESSION_free(session);
  SSL_CTX_free(ctx);
  return resumed;
}

TEST_F(EmulatorTest, ResumesTlsSessionsUnlessTurnedOff) {
  EXPECT_TRUE(SecondHandshakeResumes(emulator_->port(), TLS1_2_VERSION));
  EXPECT_TRUE(SecondHandshakeResumes(emulator_->port(), TLS1_3_VERSION));
  EmulatorOptions options;
  options.tls_session_resumption = false;
  StartEmulator(options);
  EXPECT_FALSE(SecondHandshakeResumes(emulator_->port(), TLS1_2_VERSION));
  EXPECT_FALSE(SecondHandshakeResumes(emulator_->port(), TLS1_3_VERSION));
  EXPECT_EQ(GetMetadata().status, 200);  // and it still serves
}

TEST_F(EmulatorTest, RegistersEveryCertificateOfOnePost) {
  const std::string body =
      Credentials().unregistered_auth.cert_pem + "\n" + Credentials().wrong_host_server.cert_pem;
  const HttpResult posted = Send("POST", "localhost", "/_emulator/certificates", body);
  ASSERT_EQ(posted.status, 200) << posted.body;
  for (const std::string* pem :
       {&Credentials().unregistered_auth.cert_pem, &Credentials().wrong_host_server.cert_pem}) {
    EXPECT_NE(posted.body.find(X5tOf(*pem)), std::string::npos) << posted.body;
  }
  EXPECT_NE(Send("POST", "localhost", "/_emulator/certificates", "not a certificate").status, 200);
}

}  // namespace
}  // namespace pushprobe::emulator
