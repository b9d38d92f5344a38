#include "probe/protocol/bearer_challenge.h"

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

// Exchange Online's answer, docs/protocol.md 2.4, word for word.
constexpr const char* kExchangeOnline =
    R"(Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",Basic Realm="")";

TEST(BearerChallengeTest, ParsesExchangeOnlineWithTwoSchemes) {
  auto c = ParseBearerChallenge(kExchangeOnline);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->client_id, "00000002-0000-0ff1-ce00-000000000000");
  EXPECT_EQ(c->trusted_issuers, std::vector<std::string>{"00000001-0000-0000-c000-000000000000@*"});
  EXPECT_EQ(c->token_types,
            (std::vector<std::string>{"app_asserted_user_v1", "service_asserted_app_v1"}));
  EXPECT_EQ(c->authorization_uri, "https://login.microsoftonline.com/common/oauth2/authorize");
  // Basic's Realm="" must not leak into Bearer.
  EXPECT_EQ(c->realm, "");
  EXPECT_EQ(c->error, "");
  EXPECT_TRUE(
      c->Trusts("00000001-0000-0000-c000-000000000000", "9188040d-6c67-4c5b-b112-36a304b66dad"));
  EXPECT_FALSE(c->Trusts("00000003-0000-0000-c000-000000000000", "r"));
}

TEST(BearerChallengeTest, BearerAfterAnotherSchemeAndJoinedHeaders) {
  // Two WWW-Authenticate fields joined with ", " as HTTP allows.
  auto c = ParseBearerChallenge(
      R"(Negotiate, Basic realm="a, b", charset="UTF-8", NTLM abc==, bearer REALM=tenant-1, )"
      R"(Client_Id = "c\"q\\d", trusted_issuers=" p1@r1 ,P2@*,, ", error=invalid_token)");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->realm, "tenant-1");
  EXPECT_EQ(c->client_id, "c\"q\\d");
  EXPECT_EQ(c->trusted_issuers, (std::vector<std::string>{"p1@r1", "P2@*"}));
  EXPECT_EQ(c->error, "invalid_token");
  EXPECT_TRUE(c->token_types.empty());
}

TEST(BearerChallengeTest, HeadersJoinedWithLineBreaks) {
  auto c = ParseBearerChallenge("Basic realm=\"x\"\r\nNegotiate\nBearer client_id=\"id\"\n");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->client_id, "id");
  EXPECT_EQ(c->realm, "");
}

TEST(BearerChallengeTest, FirstBearerWinsAndLaterSchemesAreIgnored) {
  auto c = ParseBearerChallenge(
      R"(Bearer realm="one", Bearer realm="two", Digest realm="x", nonce="y")");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->realm, "one");
}

TEST(BearerChallengeTest, BareBearer) {
  for (const char* text : {"Bearer", "Bearer ", "Basic realm=\"x\", Bearer"}) {
    auto c = ParseBearerChallenge(text);
    ASSERT_TRUE(c.ok()) << text << ": " << c.error();
    EXPECT_EQ(c->client_id, "") << text;
  }
}

TEST(BearerChallengeTest, UnterminatedQuoteRunsToTheEnd) {
  auto c = ParseBearerChallenge(R"(Bearer client_id="abc, realm=x)");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->client_id, "abc, realm=x");
  EXPECT_EQ(c->realm, "");
}

TEST(BearerChallengeTest, ErrorsAreSpecific) {
  struct Case {
    const char* header;
    const char* error;
  };
  const Case cases[] = {
      {"", "no challenge in WWW-Authenticate"},
      {" , ", "no challenge in WWW-Authenticate"},
      {R"(Basic Realm="")", "no Bearer challenge in WWW-Authenticate (schemes: Basic)"},
      {R"(Negotiate, NTLM, Basic realm="Bearer")",
       "no Bearer challenge in WWW-Authenticate (schemes: Negotiate, NTLM, Basic)"},
  };
  for (const auto& c : cases) {
    auto r = ParseBearerChallenge(c.header);
    ASSERT_FALSE(r.ok()) << c.header;
    EXPECT_EQ(r.error(), c.error) << c.header;
  }
}

TEST(BearerChallengeTest, TrustsMatchesPrincipalAndRealmCaseInsensitively) {
  BearerChallenge c;
  c.trusted_issuers = {"00000001-0000-0000-C000-000000000000@9188040D-6c67", "other@*", "no-realm",
                       "x@y@z"};
  EXPECT_TRUE(c.Trusts("00000001-0000-0000-c000-000000000000", "9188040d-6C67"));
  EXPECT_FALSE(c.Trusts("00000001-0000-0000-c000-000000000000", "another-tenant"));
  EXPECT_TRUE(c.Trusts("OTHER", "any"));
  EXPECT_FALSE(c.Trusts("no-realm", "r"));
  EXPECT_TRUE(c.Trusts("x@y", "z"));
  EXPECT_FALSE(BearerChallenge{}.Trusts("p", "r"));
}

}  // namespace
}  // namespace pushprobe
