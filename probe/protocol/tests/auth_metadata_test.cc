#include "probe/protocol/auth_metadata.h"

#include <gtest/gtest.h>

#include "probe/protocol/encoding.h"

namespace pushprobe {
namespace {

constexpr const char* kRealm = "9188040d-6c67-4c5b-b112-36a304b66dad";
constexpr const char* kIssuer =
    "00000001-0000-0000-c000-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad";
constexpr const char* kTokenEndpoint =
    "https://accounts.accesscontrol.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/tokens/"
    "OAuth/2";

// The sample of docs/protocol.md 2.3, with "MIIB" and "AQID" as key values.
constexpr const char* kSample = R"({"version":"1.0","realm":"9188040d-6c67-4c5b-b112-36a304b66dad",
 "name":"Microsoft Azure ACS",
 "issuer":"00000001-0000-0000-c000-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad",
 "allowedAudiences":["00000001-0000-0000-c000-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad"],
 "keys":[{"usage":"signing","keyInfo":{"x5t":"abc"},
          "keyValue":{"type":"x509Certificate","value":"MIIB"}},
         {"usage":"encryption","keyInfo":{"x5t":"def"},
          "keyValue":{"type":"x509Certificate","value":"AAAA"}},
         {"usage":"signing","keyInfo":{"x5t":"ghi"},
          "keyValue":{"type":"x509Certificate","value":"AQID"}}],
 "endpoints":[
   {"location":"https://accounts.accesscontrol.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/tokens/delegation/1","protocol":"DelegationIssuance1.0","usage":"delegation"},
   {"location":"https://accounts.accesscontrol.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/tokens/OAuth/2","protocol":"OAuth2","usage":"issuance"}]})";

TEST(AuthMetadataTest, ParsesTheProtocolSample) {
  auto md = ParseAuthMetadata(kSample);
  ASSERT_TRUE(md.ok()) << md.error();
  EXPECT_EQ(md->realm, kRealm);
  EXPECT_EQ(md->issuer, kIssuer);
  EXPECT_EQ(md->issuer_principal, "00000001-0000-0000-c000-000000000000");
  EXPECT_EQ(md->token_endpoint, kTokenEndpoint);
  ASSERT_EQ(md->allowed_audiences.size(), 1u);
  EXPECT_EQ(md->allowed_audiences[0], kIssuer);
  ASSERT_EQ(md->signing_certificates_der.size(), 2u);
  EXPECT_EQ(md->signing_certificates_der[0], std::string("\x30\x82\x01", 3));
  EXPECT_EQ(md->signing_certificates_der[1], std::string("\x01\x02\x03", 3));
}

TEST(AuthMetadataMemoTest, TheSameBytesAreParsedOnceAndOtherBytesAnew) {
  AuthMetadataMemo memo;
  auto first = memo.Parse(kSample);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(memo.hits(), 0u);
  // A copy of the same bytes (not the same pointer) is a hit, with the same result.
  const std::string same(kSample);
  auto again = memo.Parse(same);
  EXPECT_EQ(memo.hits(), 1u);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->realm, kRealm);
  EXPECT_EQ(again->token_endpoint, kTokenEndpoint);
  EXPECT_EQ(again->signing_certificates_der, first->signing_certificates_der);
  // One byte different, the same length: parsed anew, and what it says is used.
  std::string rolled = same;
  rolled.replace(rolled.find("AQID"), 4, "AQIE");
  auto changed = memo.Parse(rolled);
  EXPECT_EQ(memo.hits(), 1u);
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->signing_certificates_der.size(), 2u);
  EXPECT_EQ(changed->signing_certificates_der[1], std::string("\x01\x02\x04", 3));
}

TEST(AuthMetadataMemoTest, ErrorsAreNotKeptAndTheOldestDocumentGoesFirst) {
  AuthMetadataMemo memo;
  const std::string bad = R"({"issuer":"p@r"})";
  EXPECT_EQ(memo.Parse(bad).error(), "no endpoint with protocol OAuth2");
  EXPECT_EQ(memo.Parse(bad).error(), "no endpoint with protocol OAuth2");
  EXPECT_EQ(memo.hits(), 0u);
  auto document = [](std::size_t i) {
    return R"({"issuer":"p@r)" + std::to_string(i) +
           R"(","endpoints":[{"location":"https://t","protocol":"OAuth2"}]})";
  };
  for (std::size_t i = 0; i <= AuthMetadataMemo::kEntries; ++i) {
    EXPECT_EQ(memo.Parse(document(i))->realm, "r" + std::to_string(i));
  }
  EXPECT_EQ(memo.hits(), 0u);
  EXPECT_EQ(memo.Parse(document(AuthMetadataMemo::kEntries))->realm,
            "r" + std::to_string(AuthMetadataMemo::kEntries));
  EXPECT_EQ(memo.hits(), 1u);
  EXPECT_EQ(memo.Parse(document(0))->realm, "r0");  // dropped: parsed again
  EXPECT_EQ(memo.hits(), 1u);
}

TEST(AuthMetadataTest, MemberNamesAreCaseInsensitiveAtEveryLevel) {
  auto md = ParseAuthMetadata(R"({"Issuer":"p@r",
    "ALLOWEDAUDIENCES":["p@r"],
    "Keys":[{"Usage":"Signing","keyinfo":{"X5T":"x"},
             "keyvalue":{"Type":"X509CERTIFICATE","Value":"AQID"}}],
    "Endpoints":[{"Location":"https://t/x","Protocol":"oauth2","Usage":"Issuance"}]})");
  ASSERT_TRUE(md.ok()) << md.error();
  EXPECT_EQ(md->realm, "r");
  EXPECT_EQ(md->issuer_principal, "p");
  EXPECT_EQ(md->token_endpoint, "https://t/x");
  EXPECT_EQ(md->allowed_audiences, std::vector<std::string>{"p@r"});
  EXPECT_EQ(md->signing_certificates_der, std::vector<std::string>{"\x01\x02\x03"});
}

TEST(AuthMetadataTest, EndpointWithoutUsageCounts) {
  auto md = ParseAuthMetadata(R"({"issuer":"p@r","endpoints":[
    {"location":"https://t/deleg","protocol":"OAuth2","usage":"delegation"},
    {"location":"https://t/oauth","protocol":"OAuth2"}]})");
  ASSERT_TRUE(md.ok()) << md.error();
  EXPECT_EQ(md->token_endpoint, "https://t/oauth");
  EXPECT_TRUE(md->signing_certificates_der.empty());
  EXPECT_TRUE(md->allowed_audiences.empty());
}

TEST(AuthMetadataTest, RealmFallsBackToRealmMemberAndIssuerWins) {
  auto fallback = ParseAuthMetadata(
      R"({"issuer":"p","realm":"r2","endpoints":[{"location":"https://t","protocol":"OAuth2"}]})");
  ASSERT_TRUE(fallback.ok()) << fallback.error();
  EXPECT_EQ(fallback->realm, "r2");
  EXPECT_EQ(fallback->issuer_principal, "p");

  auto differ = ParseAuthMetadata(
      R"({"issuer":"p@r1","realm":"r2","endpoints":[{"location":"https://t","protocol":"OAuth2"}]})");
  ASSERT_TRUE(differ.ok()) << differ.error();
  EXPECT_EQ(differ->realm, "r1");
}

TEST(AuthMetadataTest, ErrorsAreSpecific) {
  struct Case {
    const char* json;
    const char* error;
  };
  const Case cases[] = {
      {"[1,2]", "not a JSON object"},
      {R"({"realm":"r","endpoints":[{"location":"https://t","protocol":"OAuth2"}]})", "no issuer"},
      {R"({"issuer":"","endpoints":[{"location":"https://t","protocol":"OAuth2"}]})", "no issuer"},
      {R"({"issuer":"p","endpoints":[{"location":"https://t","protocol":"OAuth2"}]})",
       "issuer has no '@realm'"},
      {R"({"issuer":"p@","endpoints":[{"location":"https://t","protocol":"OAuth2"}]})",
       "issuer has no '@realm'"},
      {R"({"issuer":"p@r"})", "no endpoint with protocol OAuth2"},
      {R"({"issuer":"p@r","endpoints":[{"location":"https://t","protocol":"OAuth2",
           "usage":"delegation"},{"location":"https://u","protocol":"WS-Federation"}]})",
       "no endpoint with protocol OAuth2"},
      {R"({"issuer":"p@r","endpoints":[{"protocol":"OAuth2"}]})",
       "no endpoint with protocol OAuth2"},
      {R"({"issuer":"p@r","endpoints":[{"location":"https://t","protocol":"OAuth2"}],
           "keys":[{"usage":"signing","keyValue":{"type":"x509Certificate","value":"AQID"}},
                   {"usage":"signing","keyValue":{"type":"x509Certificate","value":"A*B"}}]})",
       "signing key 2 is not valid base64"},
      {R"({"issuer":"p@r","endpoints":[{"location":"https://t","protocol":"OAuth2"}],
           "keys":[{"usage":"signing","keyValue":{"type":"x509Certificate"}}]})",
       "signing key 1 is not valid base64"},
  };
  for (const auto& c : cases) {
    auto md = ParseAuthMetadata(c.json);
    ASSERT_FALSE(md.ok()) << c.json;
    EXPECT_EQ(md.error(), c.error) << c.json;
  }
}

TEST(AuthMetadataTest, NotJsonSaysSo) {
  for (const char* text : {"", "<html>503</html>", "{\"issuer\":", "{'a':1}"}) {
    auto md = ParseAuthMetadata(text);
    ASSERT_FALSE(md.ok()) << text;
    EXPECT_EQ(md.error().rfind("not JSON: ", 0), 0u) << md.error();
  }
}

}  // namespace
}  // namespace pushprobe
