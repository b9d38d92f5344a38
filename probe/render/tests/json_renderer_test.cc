#include "probe/render/json_renderer.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "probe/render/exchange_renderer.h"
#include "probe/render/tests/sample_results.h"
#include "probe/render/text_renderer.h"
#include "tests/support/golden_file.h"

namespace pushprobe::render {
namespace {

Poco::JSON::Object::Ptr Parse(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

TEST(RenderJson, GoldenForEverySample) {
  std::vector<ProbeResult> all;
  for (const samples::NamedSample& s : samples::AllSamples()) {
    SCOPED_TRACE(s.name);
    testing::ExpectGoldenFile(PUSHPROBE_RENDER_TESTDATA, s.name + ".json", RenderJson(s.result));
    all.push_back(s.result);
  }
  testing::ExpectGoldenFile(PUSHPROBE_RENDER_TESTDATA, "list.json", RenderJsonList(all));
}

TEST(RenderJson, ParsesBackWithTheDocumentedFields) {
  const auto obj = Parse(RenderJson(samples::TokenFailureAadsts700027Result()));
  EXPECT_EQ(obj->getValue<int>("schema_version"), 1);
  EXPECT_EQ(obj->getValue<std::string>("target"), "fabrikam");
  EXPECT_EQ(obj->getValue<std::string>("result_type"), "Failed");
  EXPECT_FALSE(obj->getValue<bool>("succeeded"));
  EXPECT_EQ(obj->getValue<std::string>("started_at"), "2026-11-25T11:20:56.000Z");
  EXPECT_DOUBLE_EQ(obj->getValue<double>("started_at_unix"), 1795605656.0);
  EXPECT_EQ(obj->getValue<std::string>("failed_stage"), "token");
  EXPECT_EQ(obj->getValue<std::string>("reason"), "oauth_error");
  EXPECT_EQ(obj->getValue<std::string>("exchange_category"), "Unknown");
  EXPECT_NE(obj->getValue<std::string>("error").find("\r\nTrace ID: "), std::string::npos);

  const auto facts = obj->getObject("facts");
  EXPECT_EQ(facts->getValue<std::string>("realm"), "9188040d-6c67-4c5b-b112-36a304b66dad");
  EXPECT_EQ(facts->getValue<int>("auth_cert_days_left"), 365);
  EXPECT_DOUBLE_EQ(facts->getValue<double>("clock_skew_seconds"), -0.1041);
  EXPECT_TRUE(facts->isNull("token_expires_at"));
  EXPECT_TRUE(facts->isNull("token_lifetime_seconds"));
  EXPECT_EQ(facts->getObject("tls_leaf")->getObject("token")->getValue<std::string>("subject"),
            "CN=accounts.accesscontrol.windows.net");

  const auto stages = obj->getArray("stages");
  ASSERT_EQ(stages->size(), kAllStages.size());
  const auto token = stages->getObject(4);
  EXPECT_EQ(token->getValue<std::string>("stage"), "token");
  EXPECT_EQ(token->getValue<std::string>("status"), "failed");
  EXPECT_DOUBLE_EQ(token->getValue<double>("duration_seconds"), 0.045312);
  const auto request = token->getArray("requests")->getObject(0);
  EXPECT_EQ(request->getValue<int>("status"), 401);
  EXPECT_TRUE(request->getValue<bool>("tls_session_reused"));
  EXPECT_EQ(request->getArray("server_chain")->size(), 2u);
  const auto publish = stages->getObject(5);
  EXPECT_EQ(publish->getValue<std::string>("status"), "skipped");
  EXPECT_EQ(publish->getValue<std::string>("message"), "token failed");
}

TEST(RenderJson, SuccessHasNullsWhereNothingFailed) {
  const auto obj = Parse(RenderJson(samples::SucceededResult()));
  EXPECT_TRUE(obj->getValue<bool>("succeeded"));
  EXPECT_TRUE(obj->isNull("failed_stage"));
  EXPECT_EQ(obj->getValue<std::string>("reason"), "none");
  EXPECT_TRUE(obj->isNull("exchange_category"));
  EXPECT_TRUE(obj->isNull("hint"));
  EXPECT_EQ(obj->getValue<std::string>("error"), "");
  EXPECT_DOUBLE_EQ(obj->getObject("facts")->getValue<double>("token_lifetime_seconds"), 86399.0);
}

TEST(RenderJson, KeysInTheDocumentedOrder) {
  const std::string json = RenderJson(samples::SucceededResult());
  const char* keys[] = {"\"schema_version\"",
                        "\"target\"",
                        "\"organization\"",
                        "\"result_type\"",
                        "\"succeeded\"",
                        "\"started_at\"",
                        "\"started_at_unix\"",
                        "\"duration_seconds\"",
                        "\"failed_stage\"",
                        "\"reason\"",
                        "\"exchange_category\"",
                        "\"exchange_explanation\"",
                        "\"error\"",
                        "\"exception\"",
                        "\"hint\"",
                        "\"facts\"",
                        "\"stages\""};
  std::size_t last = 0;
  for (const char* key : keys) {
    const std::size_t at = json.find(key);
    ASSERT_NE(at, std::string::npos) << key;
    EXPECT_GT(at + 1, last) << key << " out of order";
    last = at;
  }
  EXPECT_EQ(json.rfind("{\n  \"schema_version\": 1,\n  \"target\": \"fabrikam\",", 0), 0u);
}

TEST(RenderJson, CompactIsOneLine) {
  const std::string json = RenderJson(samples::SucceededResult(), JsonOptions{0});
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1);
  EXPECT_EQ(json.back(), '\n');
  EXPECT_EQ(json.rfind("{\"schema_version\":1,\"target\":\"fabrikam\",", 0), 0u);
  EXPECT_EQ(Parse(json)->getValue<std::string>("result_type"), "Succeeded");
}

TEST(RenderJson, EscapesStringsAndKeepsUtf8) {
  ProbeResult r = samples::ConfigFailureResult();
  r.target = "a\"b\\c\n\t\x01\x7f/é€😀";
  r.organization = std::string("bad\xff\xc3") + "x" + "\xed\xa0\x80";  // invalid UTF-8
  const std::string json = RenderJson(r, JsonOptions{0});
  EXPECT_NE(json.find(R"("target":"a\"b\\c\n\t\u0001)"
                      "\x7f"
                      "/é€😀\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"organization\":\"bad\xEF\xBF\xBD\xEF\xBF\xBDx"
                      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""),
            std::string::npos)
      << json;
  const auto obj = Parse(json);
  EXPECT_EQ(obj->getValue<std::string>("target"), r.target);
}

TEST(RenderJson, EmptyList) {
  EXPECT_EQ(RenderJsonList({}), "{\n  \"schema_version\": 1,\n  \"results\": []\n}\n");
  EXPECT_EQ(RenderJsonList({}, JsonOptions{0}), "{\"schema_version\":1,\"results\":[]}\n");
}

TEST(RenderJson, ListParsesBack) {
  const auto obj =
      Parse(RenderJsonList({samples::SucceededResult(), samples::TimedOutAtPublishResult()}));
  const auto results = obj->getArray("results");
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ(results->getObject(1)->getValue<std::string>("result_type"), "TimedOut");
  EXPECT_EQ(results->getObject(1)->getValue<std::string>("exchange_category"), "Networking");
}

// ProbeResult carries no token or key; no rendering may invent one. The markers
// are what a leaked JWT, OAuth body or PEM key would contain.
TEST(Renderers, NoSecretsInAnyRendering) {
  const char* markers[] = {"eyJ",         "access_token", "assertion=", "client_assertion",
                           "PRIVATE KEY", "-----BEGIN",   "password"};
  for (const samples::NamedSample& s : samples::AllSamples()) {
    for (const std::string& out :
         {RenderJson(s.result), RenderText(s.result, TextOptions{2, false}),
          RenderExchange(s.result)}) {
      for (const char* marker : markers) {
        EXPECT_EQ(out.find(marker), std::string::npos) << s.name << " contains " << marker;
      }
    }
  }
}

}  // namespace
}  // namespace pushprobe::render
