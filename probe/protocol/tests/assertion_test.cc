#include "probe/protocol/assertion.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>

#include "probe/protocol/encoding.h"
#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

constexpr const char* kRealm = "9188040d-6c67-4c5b-b112-36a304b66dad";
// 2025-11-25 11:20:56 UTC, ManualClock's default.
const WallTime kNow{std::chrono::seconds{1764069656}};

std::vector<std::string> SplitDots(const std::string& jwt) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = jwt.find('.', start);
    parts.push_back(jwt.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

class AssertionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "pushprobe-assert-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    testing::CertSpec spec;
    spec.common_name = "pushprobe auth";
    auto cert = testing::SelfSigned(spec);
    std::string path = tmpl + "/auth.pem";
    testing::WriteFile(path, cert.cert_pem + cert.key_pem);
    auto loaded = SigningCredential::Load(path, "", "");
    std::filesystem::remove_all(tmpl);
    ASSERT_TRUE(loaded.ok());
    credential_ = new SigningCredential(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete credential_;
    credential_ = nullptr;
  }

  static AssertionParams Params() {
    AssertionParams p;
    p.service_name = "00000002-0000-0ff1-ce00-000000000000";
    p.realm = kRealm;
    p.token_issuer = "00000001-0000-0000-c000-000000000000";
    p.token_endpoint_host = "accounts.accesscontrol.windows.net";
    p.now = kNow;
    return p;
  }

  static SigningCredential* credential_;
};

SigningCredential* AssertionTest::credential_ = nullptr;

TEST_F(AssertionTest, HeaderIsExact) {
  ASSERT_NE(credential_, nullptr);
  EXPECT_EQ(AssertionHeaderJson(*credential_),
            "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":\"" + credential_->X5t() + "\"}");
}

TEST_F(AssertionTest, ClaimsAreExact) {
  EXPECT_EQ(AssertionClaimsJson(Params()),
            R"({"iss":"00000002-0000-0ff1-ce00-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad",)"
            R"("aud":"00000001-0000-0000-c000-000000000000/accounts.accesscontrol.windows.net)"
            R"(@9188040d-6c67-4c5b-b112-36a304b66dad","nbf":1764069656,"exp":1764070256})");
  AssertionParams p = Params();
  p.now = kNow + std::chrono::milliseconds(999);
  p.lifetime = std::chrono::seconds(300);
  EXPECT_EQ(AssertionClaimsJson(p),
            R"({"iss":"00000002-0000-0ff1-ce00-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad",)"
            R"("aud":"00000001-0000-0000-c000-000000000000/accounts.accesscontrol.windows.net)"
            R"(@9188040d-6c67-4c5b-b112-36a304b66dad","nbf":1764069656,"exp":1764069956})");
}

TEST_F(AssertionTest, ClaimsEscapeWhatJsonRequires) {
  AssertionParams p = Params();
  p.service_name = "a\"b\\c";
  p.realm = "r\n";
  EXPECT_EQ(AssertionClaimsJson(p).substr(0, 40), R"({"iss":"a\"b\\c@r\n","aud":"00000001-000)");
}

TEST_F(AssertionTest, JwtIsSignedAndVerifies) {
  ASSERT_NE(credential_, nullptr);
  std::string jwt = BuildAssertion(*credential_, Params());
  std::vector<std::string> parts = SplitDots(jwt);
  ASSERT_EQ(parts.size(), 3u) << jwt;
  EXPECT_EQ(jwt.find('='), std::string::npos);
  EXPECT_EQ(*Base64Decode(parts[0]), AssertionHeaderJson(*credential_));
  EXPECT_EQ(*Base64Decode(parts[1]), AssertionClaimsJson(Params()));

  std::string signed_part = parts[0] + "." + parts[1];
  std::string sig = *Base64Decode(parts[2]);
  auto verify = [&](const std::string& data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY* pub = X509_get0_pubkey(credential_->certificate());
    EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pub);
    int rc = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size());
    EVP_MD_CTX_free(ctx);
    return rc;
  };
  EXPECT_EQ(verify(signed_part), 1);
  EXPECT_NE(verify(signed_part + "x"), 1);
}

constexpr const char* kApplicationId = "6731de76-14a6-49ae-97bc-6eba6914391e";
constexpr const char* kTokenUrl =
    "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/v2.0/token";

ClientAssertionParams ClientParams() {
  ClientAssertionParams p;
  p.application_id = kApplicationId;
  p.token_url = kTokenUrl;
  p.jti = "00000000-0000-4000-8000-000000000001";
  p.now = kNow;
  return p;
}

TEST_F(AssertionTest, ClientAssertionHeaderCarriesBothThumbprints) {
  ASSERT_NE(credential_, nullptr);
  EXPECT_EQ(ClientAssertionHeaderJson(*credential_),
            "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":\"" + credential_->X5t() +
                "\",\"x5t#S256\":\"" + credential_->X5tS256() + "\"}");
  EXPECT_EQ(credential_->X5tS256().size(), 43u);  // 32 bytes, base64url without padding
}

TEST_F(AssertionTest, ClientAssertionClaimsAreExact) {
  EXPECT_EQ(ClientAssertionClaimsJson(ClientParams()),
            R"({"aud":"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/)"
            R"(oauth2/v2.0/token","iss":"6731de76-14a6-49ae-97bc-6eba6914391e",)"
            R"("sub":"6731de76-14a6-49ae-97bc-6eba6914391e",)"
            R"("jti":"00000000-0000-4000-8000-000000000001",)"
            R"("nbf":1764069656,"iat":1764069656,"exp":1764070256})");
  ClientAssertionParams p = ClientParams();
  p.now = kNow + std::chrono::milliseconds(999);
  p.lifetime = std::chrono::seconds(300);
  EXPECT_NE(
      ClientAssertionClaimsJson(p).find(R"("nbf":1764069656,"iat":1764069656,"exp":1764069956})"),
      std::string::npos);
}

TEST_F(AssertionTest, ClientAssertionIsSignedAndVerifies) {
  ASSERT_NE(credential_, nullptr);
  std::string jwt = BuildClientAssertion(*credential_, ClientParams());
  std::vector<std::string> parts = SplitDots(jwt);
  ASSERT_EQ(parts.size(), 3u) << jwt;
  EXPECT_EQ(*Base64Decode(parts[0]), ClientAssertionHeaderJson(*credential_));
  EXPECT_EQ(*Base64Decode(parts[1]), ClientAssertionClaimsJson(ClientParams()));
  std::string sig = *Base64Decode(parts[2]);
  std::string data = parts[0] + "." + parts[1];
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr,
                       X509_get0_pubkey(credential_->certificate()));
  EXPECT_EQ(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  EVP_MD_CTX_free(ctx);
}

TEST(ClientCredentialsRequestTest, BodyHasExactlyTheFiveFields) {
  EXPECT_EQ(
      ClientCredentialsRequestBody(kApplicationId, "eyJh.eyJp.c2ln-_",
                                   "https://outlook.office365.com/.default"),
      "grant_type=client_credentials"
      "&client_id=6731de76-14a6-49ae-97bc-6eba6914391e"
      "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
      "&client_assertion=eyJh.eyJp.c2ln-_"
      "&scope=https%3A%2F%2Foutlook.office365.com%2F.default");
  EXPECT_EQ(
      ClientCredentialsRequestBody("a&b", "c d", "e=f/.default"),
      "grant_type=client_credentials&client_id=a%26b"
      "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
      "&client_assertion=c+d&scope=e%3Df%2F.default");
}

TEST(TokenRequestTest, BodyIsExact) {
  std::string resource =
      TokenResource("00000002-0000-0ff1-ce00-000000000000", "outlook.office365.com", kRealm);
  EXPECT_EQ(resource,
            "00000002-0000-0ff1-ce00-000000000000/outlook.office365.com@"
            "9188040d-6c67-4c5b-b112-36a304b66dad");
  EXPECT_EQ(TokenRequestBody("eyJh.eyJp.c2ln-_", resource),
            "grant_type=http%3A%2F%2Foauth.net%2Fgrant_type%2Fjwt%2F1.0%2Fbearer"
            "&assertion=eyJh.eyJp.c2ln-_"
            "&resource=00000002-0000-0ff1-ce00-000000000000%2Foutlook.office365.com%40"
            "9188040d-6c67-4c5b-b112-36a304b66dad");
  EXPECT_EQ(TokenRequestBody("a b", "x y+z"),
            "grant_type=http%3A%2F%2Foauth.net%2Fgrant_type%2Fjwt%2F1.0%2Fbearer"
            "&assertion=a+b&resource=x+y%2Bz");
}

TEST(MonitoringBatchTest, NotificationIdIsUtc) {
  EXPECT_EQ(NotificationId(kNow, 1), "20251125-112056-1");
  EXPECT_EQ(NotificationId(kNow + std::chrono::milliseconds(999), 42), "20251125-112056-42");
  EXPECT_EQ(NotificationId(WallTime{std::chrono::seconds{1798761599}}, 3), "20261231-235959-3");
}

TEST(MonitoringBatchTest, BodyIsExact) {
  const std::string body = MonitoringBatchJson(kNow + std::chrono::milliseconds(123), 1);
  EXPECT_EQ(body,
            R"({"notifications":[{"id":"20251125-112056-1",)"
            R"("payload":{"isMonitoring":true,"tenantId":"","unseenEmailCount":1},)"
            R"("recipients":[{"appId":"MonitoringProbeAppId",)"
            R"("deviceId":"0000000000000000000000000000000000000000000000000000000000000000",)"
            R"("lastSubscriptionUpdate":"\/Date(1764069656123)\/"}]}]})");
  // And it is JSON whose date string is the .NET form.
  Poco::JSON::Parser parser;
  auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  auto recipient =
      root->getArray("notifications")->getObject(0)->getArray("recipients")->getObject(0);
  EXPECT_EQ(recipient->getValue<std::string>("lastSubscriptionUpdate"), "/Date(1764069656123)/");
}

}  // namespace
}  // namespace pushprobe
