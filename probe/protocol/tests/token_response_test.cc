#include "probe/protocol/token_response.h"

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

TEST(TokenResponseTest, GrantWithNumbersAsStrings) {
  auto a = ParseTokenAnswer(
      R"({"token_type":"Bearer","access_token":"eyJ0.eyJ1.sig","expires_in":"86399",)"
      R"("not_before":"1764063000","expires_on":"1764149400",)"
      R"("resource":"00000002-0000-0ff1-ce00-000000000000/outlook.office365.com@r"})");
  ASSERT_TRUE(a.ok()) << a.error();
  const auto* g = std::get_if<TokenGrant>(&*a);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->token_type, "Bearer");
  EXPECT_EQ(g->access_token, "eyJ0.eyJ1.sig");
  EXPECT_EQ(g->expires_in, 86399);
  EXPECT_EQ(g->not_before, 1764063000);
  EXPECT_EQ(g->expires_on, 1764149400);
  EXPECT_EQ(g->resource, "00000002-0000-0ff1-ce00-000000000000/outlook.office365.com@r");
}

TEST(TokenResponseTest, GrantWithJsonNumbers) {
  auto a = ParseTokenAnswer(
      R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"t"})");
  ASSERT_TRUE(a.ok()) << a.error();
  const auto* g = std::get_if<TokenGrant>(&*a);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->expires_in, 3599);
  EXPECT_EQ(g->not_before, std::nullopt);
  EXPECT_EQ(g->expires_on, std::nullopt);
  EXPECT_EQ(g->resource, "");
}

TEST(TokenResponseTest, MalformedOptionalNumbersAreDropped) {
  auto a = ParseTokenAnswer(
      R"({"access_token":"t","expires_in":"  600 ","not_before":"soon","expires_on":1.5e9})");
  ASSERT_TRUE(a.ok()) << a.error();
  const auto& g = std::get<TokenGrant>(*a);
  EXPECT_EQ(g.expires_in, 600);
  EXPECT_EQ(g.not_before, std::nullopt);
  EXPECT_EQ(g.expires_on, 1500000000);
}

TEST(TokenResponseTest, AcsErrorWithTraceLines) {
  auto a = ParseTokenAnswer(
      "{\"error\":\"invalid_client\",\"error_description\":\"ACS50012: Authentication "
      "failed.\\r\\nTrace ID: 0d0b5c35-5b63-4b5c-9f0c-0f4b7b6b4f00\\r\\nCorrelation ID: "
      "6f1e\\r\\nTimestamp: 2025-11-25 11:20:56Z\"}");
  ASSERT_TRUE(a.ok()) << a.error();
  const auto* e = std::get_if<OAuthError>(&*a);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->error, "invalid_client");
  EXPECT_EQ(e->description,
            "ACS50012: Authentication failed.\r\nTrace ID: 0d0b5c35-5b63-4b5c-9f0c-0f4b7b6b4f00"
            "\r\nCorrelation ID: 6f1e\r\nTimestamp: 2025-11-25 11:20:56Z");
  EXPECT_EQ(e->ServiceCode(), "ACS50012");
  EXPECT_EQ(e->FirstLine(), "ACS50012: Authentication failed.");
  EXPECT_TRUE(e->error_codes.empty());
}

TEST(TokenResponseTest, AadstsErrorWithCodes) {
  auto a = ParseTokenAnswer(
      R"({"error":"invalid_client","error_description":"AADSTS700027: Client assertion )"
      R"(contains an invalid signature. [Reason - The key was not found., Thumbprint of key )"
      R"(used by client: '7595DBDEA83DACB5757441D44899BCDB9911253C']\nTrace ID: x",)"
      R"("error_codes":[700027],"timestamp":"2025-11-25 11:20:56Z"})");
  ASSERT_TRUE(a.ok()) << a.error();
  const auto& e = std::get<OAuthError>(*a);
  EXPECT_EQ(e.ServiceCode(), "AADSTS700027");
  EXPECT_EQ(e.FirstLine(),
            "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key "
            "was not found., Thumbprint of key used by client: "
            "'7595DBDEA83DACB5757441D44899BCDB9911253C']");
  EXPECT_EQ(e.error_codes, std::vector<std::int64_t>{700027});
}

TEST(TokenResponseTest, ServiceCodeNeedsLettersDigitsAndColon) {
  struct Case {
    const char* description;
    const char* code;
  };
  const Case cases[] = {
      {"AADSTS50011: x", "AADSTS50011"},
      {"  ACS50001: x", "ACS50001"},
      {"ACS: x", ""},
      {"50012: x", ""},
      {"ACS50012 x", ""},
      {"Authentication failed", ""},
      {"", ""},
      {"ACS50012", ""},
  };
  for (const auto& c : cases) {
    OAuthError e;
    e.description = c.description;
    EXPECT_EQ(e.ServiceCode(), c.code) << c.description;
  }
}

TEST(TokenResponseTest, FirstLineCutsAtAnyLineBreak) {
  OAuthError e;
  e.description = "one\ntwo";
  EXPECT_EQ(e.FirstLine(), "one");
  e.description = "one\r\ntwo";
  EXPECT_EQ(e.FirstLine(), "one");
  e.description = "only";
  EXPECT_EQ(e.FirstLine(), "only");
}

TEST(TokenResponseTest, ErrorWithoutDescription) {
  auto a = ParseTokenAnswer(R"({"error":"temporarily_unavailable"})");
  ASSERT_TRUE(a.ok()) << a.error();
  const auto& e = std::get<OAuthError>(*a);
  EXPECT_EQ(e.error, "temporarily_unavailable");
  EXPECT_EQ(e.description, "");
  EXPECT_EQ(e.ServiceCode(), "");
}

// A gateway's own JSON error is not the token issuer's OAuth error (RFC 6749
// 5.2: "error" is a single code).
TEST(TokenResponseTest, AnErrorThatIsNotAStringIsNotAnOAuthError) {
  for (const char* body : {R"({"error":{"code":"ServiceUnavailable","message":"Try later"}})",
                           R"({"error":503})", R"({"error":["server_error"]})"}) {
    auto a = ParseTokenAnswer(body);
    EXPECT_FALSE(a.ok() && std::holds_alternative<OAuthError>(*a)) << body;
  }
}

TEST(TokenResponseTest, ErrorsAreSpecificAndShort) {
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {"", "empty body"},
      {" \r\n", "empty body"},
      {"<html><body>\r\n<h1>503 Service Unavailable</h1>",
       R"(HTML instead of JSON: "<html><body>\r\n<h1>503 Service Unavailable</h1>")"},
      {std::string("Bad\x01gateway\t!"), R"(not JSON: "Bad\x01gateway\t!")"},
      {std::string("Bad\x1f\x7f"), R"(not JSON: "Bad\x1F\x7F")"},
      {std::string(100, 'x'), "not JSON: \"" + std::string(80, 'x') + "\"..."},
      {"[1]", R"(not a JSON object: "[1]")"},
      {R"({"token_type":"Bearer","expires_in":"1"})", "no access_token in the token answer"},
      {R"({"access_token":"","expires_in":"1"})", "no access_token in the token answer"},
      {R"({"access_token":"s3cret"})", "no expires_in in the token answer"},
      {R"({"access_token":"s3cret","expires_in":"soon"})", R"(expires_in is not a number: "soon")"},
      {R"({"access_token":"s3cret","expires_in":null})", "expires_in is not a number: \"\""},
  };
  for (const auto& c : cases) {
    auto a = ParseTokenAnswer(c.body);
    ASSERT_FALSE(a.ok()) << c.body;
    EXPECT_EQ(a.error(), c.error) << c.body;
  }
}

TEST(TokenResponseTest, NeverQuotesTheAccessToken) {
  const std::string bodies[] = {
      R"({"token_type":"Bearer","access_token":"s3cret-token","expires_in":)",
      R"({"access_token":"s3cret-token","expires_in":"x"})",
      R"({"access_token":"s3cret-token"})",
      R"(junk ACCESS_TOKEN=s3cret-token)",
  };
  for (const auto& body : bodies) {
    auto a = ParseTokenAnswer(body);
    ASSERT_FALSE(a.ok()) << body;
    EXPECT_EQ(a.error().find("s3cret"), std::string::npos) << a.error();
  }
  auto a = ParseTokenAnswer(bodies[0]);
  EXPECT_EQ(a.error(), R"(not JSON: "{\"token_type\":\"Bearer\",\"" (rest withheld: it names )"
                       R"(access_token))");
}

}  // namespace
}  // namespace pushprobe
