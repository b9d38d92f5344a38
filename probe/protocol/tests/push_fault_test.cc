#include "probe/protocol/push_fault.h"

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

TEST(PushFaultTest, ParsesTheProtocolShape) {
  auto f = ParsePushFault(
      R"({"Message":"The remote server returned an error: (401) Unauthorized.","CanRetry":true,)"
      R"("StackTrace":null,"InnerFault":null,"BackOffTimeInMilliseconds":60000,)"
      R"("OriginatingServer":"AM6PR01MB1234.eurprd01.prod.exchangelabs.com"})");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->message, "The remote server returned an error: (401) Unauthorized.");
  EXPECT_EQ(f->can_retry, true);
  EXPECT_EQ(f->backoff_ms, 60000);
  EXPECT_EQ(f->originating_server, "AM6PR01MB1234.eurprd01.prod.exchangelabs.com");
  EXPECT_EQ(f->inner_message, "");
}

TEST(PushFaultTest, MemberNamesAreCaseInsensitiveAndInnerFaultIsRead) {
  auto f =
      ParsePushFault(R"({"message":"outer","canretry":"False","backofftimeinmilliseconds":"250",)"
                     R"("innerfault":{"message":"inner","CanRetry":false}})");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->message, "outer");
  EXPECT_EQ(f->can_retry, false);
  EXPECT_EQ(f->backoff_ms, 250);
  EXPECT_EQ(f->originating_server, "");
  EXPECT_EQ(f->inner_message, "inner");
}

TEST(PushFaultTest, MissingOptionalMembers) {
  auto f = ParsePushFault(R"({"Message":""})");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->message, "");
  EXPECT_EQ(f->can_retry, std::nullopt);
  EXPECT_EQ(f->backoff_ms, std::nullopt);
}

TEST(PushFaultTest, ErrorsAreSpecific) {
  struct Case {
    const char* body;
    const char* error;
  };
  const Case cases[] = {
      {R"({"Error":"x"})", "no Message in the fault"},
      {R"({"Message":null})", "no Message in the fault"},
      {R"(["Message"])", "not a JSON object"},
  };
  for (const auto& c : cases) {
    auto f = ParsePushFault(c.body);
    ASSERT_FALSE(f.ok()) << c.body;
    EXPECT_EQ(f.error(), c.error) << c.body;
  }
  auto html = ParsePushFault("<html>Bad Request</html>");
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.error().rfind("not JSON: ", 0), 0u) << html.error();
}

TEST(MsDiagnosticsTest, ParsesTheProtocolShape) {
  auto d = ParseMsDiagnostics(
      R"(2000001;reason="The token has an invalid signature.";error_category="invalid_signature")");
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->code, 2000001);
  EXPECT_EQ(d->reason, "The token has an invalid signature.");
  EXPECT_EQ(d->error_category, "invalid_signature");
}

TEST(MsDiagnosticsTest, IsLiberal) {
  struct Case {
    const char* header;
    std::int64_t code;
    const char* reason;
    const char* category;
  };
  const Case cases[] = {
      {R"( 2000002 ; reason = "Token expired; renew it" ; error_category = token_expired )",
       2000002, "Token expired; renew it", "token_expired"},
      {"4000000", 4000000, "", ""},
      {R"(2000000;error_category="invalid_signature")", 2000000, "", "invalid_signature"},
      {R"(reason="no code")", 0, "no code", ""},
      {R"(2000001;Reason="a \"quoted\" word";ERROR_CATEGORY="invalid_token";extra=1)", 2000001,
       "a \"quoted\" word", "invalid_token"},
      {R"(2000001;reason="unterminated)", 2000001, "unterminated", ""},
      {"2000001;;reason=plain text", 2000001, "plain text", ""},
  };
  for (const auto& c : cases) {
    auto d = ParseMsDiagnostics(c.header);
    ASSERT_TRUE(d.ok()) << c.header << ": " << d.error();
    EXPECT_EQ(d->code, c.code) << c.header;
    EXPECT_EQ(d->reason, c.reason) << c.header;
    EXPECT_EQ(d->error_category, c.category) << c.header;
  }
}

TEST(MsDiagnosticsTest, NothingUsableIsAnError) {
  for (const char* header : {"", "  ", "garbage", ";;", "foo=bar"}) {
    auto d = ParseMsDiagnostics(header);
    ASSERT_FALSE(d.ok()) << header;
    EXPECT_EQ(d.error(), "no code, reason or error_category in x-ms-diagnostics") << header;
  }
}

}  // namespace
}  // namespace pushprobe
