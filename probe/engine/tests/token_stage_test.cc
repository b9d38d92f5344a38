// The token stage of the identity platform flow (docs/protocol.md 2.6) against a
// scripted loopback token endpoint: the exact request, and every answer
// mapped to the fixed reasons.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "probe/engine/run_context.h"
#include "probe/engine/stages.h"
#include "probe/net/tests/loopback_server.h"
#include "probe/protocol/assertion.h"
#include "probe/protocol/encoding.h"
#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

using testing::LoopbackServer;

constexpr const char* kApplicationId = "6731de76-14a6-49ae-97bc-6eba6914391e";
constexpr const char* kJti = "00000000-0000-4000-8000-000000000001";

class FixedGuids final : public GuidSource {
 public:
  std::string NewGuid() override { return kJti; }
};

std::string HttpDate(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string Answer(int status, const std::string& body, WallTime date) {
  return "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Bad Request") +
         "\r\nContent-Type: application/json; charset=utf-8\r\nDate: " + HttpDate(date) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

std::map<std::string, std::string> Form(const std::string& body, std::string* order) {
  std::map<std::string, std::string> fields;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    std::string name = pair.substr(0, pair.find('='));
    std::string value = pair.substr(pair.find('=') + 1);
    std::string decoded;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '+') {
        decoded += ' ';
      } else if (value[i] == '%' && i + 2 < value.size()) {
        decoded += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += value[i];
      }
    }
    fields[name] = decoded;
    *order += (order->empty() ? "" : ",") + name;
    start = end + 1;
  }
  return fields;
}

class IdentityPlatformTokenStageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::CertSpec spec;
    spec.common_name = "pushprobe auth";
    auto cert = testing::SelfSigned(spec);
    std::string path = ::testing::TempDir() + "pushprobe_token_stage_auth.pem";
    testing::WriteFile(path, cert.cert_pem + cert.key_pem);
    auto loaded = SigningCredential::Load(path, "", "");
    std::filesystem::remove(path);
    ASSERT_TRUE(loaded.ok());
    credential_ = std::make_shared<const SigningCredential>(std::move(loaded).value());
  }
  static void TearDownTestSuite() { credential_.reset(); }

  // Runs the token stage against a server that answers \p raw once.
  StageResult Run(const std::string& raw) { return Run(LoopbackServer::Respond(raw)); }
  StageResult Run(LoopbackServer::Behaviour behaviour) {
    server_ = std::make_unique<LoopbackServer>(std::move(behaviour));
    target_.name = "fabrikam";
    target_.organization = "fabrikam.com";
    target_.token_flow = TokenFlow::kIdentityPlatform;
    target_.application_id = kApplicationId;
    target_.tenant = "fabrikam.com";
    target_.token_url = server_->Url("/fabrikam.com/oauth2/v2.0/token");
    HttpClient http({}, SystemClock::Instance());
    Deadline deadline = Deadline::After(SystemClock::Instance(), std::chrono::seconds(10));
    RunContext context{target_,      clock_, deadline,   &http,  guids_,
                       credentials_, 1,      RunState{}, facts_, HttpConnections{}};
    context.state.credential = credential_;
    StageResult result;
    result.stage = StageId::kToken;
    RunTokenStage(context, result);
    if (result.status == StageStatus::kSkipped) result.status = StageStatus::kOk;  // as the runner
    access_token_ = context.state.access_token;
    return result;
  }

  static inline std::shared_ptr<const SigningCredential> credential_;
  ManualClock clock_;
  FixedGuids guids_;
  CredentialCache credentials_;
  TargetConfig target_;
  ProbeFacts facts_;
  std::unique_ptr<LoopbackServer> server_;
  std::string access_token_;
};

TEST_F(IdentityPlatformTokenStageTest, PostsTheFiveFieldsWithTheExactClientAssertion) {
  StageResult result =
      Run(Answer(200, R"({"token_type":"Bearer","expires_in":3599,"access_token":"the-token"})",
                 SystemClock::Instance().Now()));
  ASSERT_EQ(result.status, StageStatus::kOk) << ReasonName(result.reason) << ": " << result.message;
  EXPECT_EQ(access_token_, "the-token");
  ASSERT_TRUE(facts_.token_lifetime.has_value());
  EXPECT_EQ(*facts_.token_lifetime, std::chrono::seconds(3599));
  EXPECT_EQ(facts_.token_expires_at, clock_.Now() + std::chrono::seconds(3599));

  ASSERT_EQ(server_->requests().size(), 1u);
  const testing::SeenRequest seen = server_->requests().at(0);
  EXPECT_EQ(seen.head.rfind("POST /fabrikam.com/oauth2/v2.0/token HTTP/1.1\r\n", 0), 0u)
      << seen.head;
  EXPECT_NE(seen.head.find("\r\nContent-Type: application/x-www-form-urlencoded"),
            std::string::npos);
  std::string order;
  auto form = Form(seen.body, &order);
  EXPECT_EQ(order, "grant_type,client_id,client_assertion_type,client_assertion,scope");
  EXPECT_EQ(form["grant_type"], "client_credentials");
  EXPECT_EQ(form["client_id"], kApplicationId);
  EXPECT_EQ(form["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(form["scope"], "https://outlook.office365.com/.default");

  const std::string& jwt = form["client_assertion"];
  std::size_t dot = jwt.find('.');
  std::size_t dot2 = jwt.find('.', dot + 1);
  ASSERT_NE(dot2, std::string::npos);
  EXPECT_EQ(*Base64Decode(jwt.substr(0, dot)), ClientAssertionHeaderJson(*credential_));
  EXPECT_EQ(*Base64Decode(jwt.substr(dot + 1, dot2 - dot - 1)),
            R"({"aud":")" + target_.token_url + R"(","iss":")" + kApplicationId + R"(","sub":")" +
                kApplicationId + R"(","jti":")" + kJti +
                R"(","nbf":1764069656,"iat":1764069656,"exp":1764070256})");
  // Neither the assertion nor the token shows up in what the stage reports.
  for (const Fact& fact : result.facts) {
    EXPECT_EQ(fact.value.find("eyJ"), std::string::npos) << fact.name;
    EXPECT_EQ(fact.value.find("the-token"), std::string::npos) << fact.name;
  }
  EXPECT_EQ(result.message.find("eyJ"), std::string::npos);
}

// A token endpoint that writes back what it was sent put the run's client
// assertion (valid 10 minutes, enough to get tokens) into the message, the
// plugin's output and the exporter's log; and an error_description's control
// characters (an ESC sequence, a NUL) reached the terminal raw.
TEST_F(IdentityPlatformTokenStageTest, AnswersThatEchoTheAssertionNeverShowItNorRawControls) {
  auto echo = [](int status, const std::string& body_prefix, const std::string& body_suffix) {
    return [=](testing::ServerConnection& c) {
      testing::SeenRequest seen;
      if (!c.ReadRequest(&seen)) return;
      std::string order;
      const std::string assertion = Form(seen.body, &order)["client_assertion"];
      c.Write(Answer(status, body_prefix + assertion + body_suffix, SystemClock::Instance().Now()));
    };
  };
  const std::string json_error = R"({"error":"invalid_client","error_description":"AADSTS700027: )";
  for (const auto& behaviour :
       {echo(400, json_error + "\\u001b[31m\\u0000 bad ", R"(\r\ntrace"})"),
        echo(500, "<html>you sent ", "</html>"), echo(400, "not json ", "")}) {
    StageResult result = Run(behaviour);
    ASSERT_EQ(server_->requests().size(), 1u);
    std::string order;
    const std::string assertion = Form(server_->requests().at(0).body, &order)["client_assertion"];
    ASSERT_GT(assertion.size(), 100u);
    EXPECT_NE(result.status, StageStatus::kOk);
    for (const std::string& text :
         {result.message, result.exchange_error, facts_.oauth_error_description}) {
      EXPECT_EQ(text.find(assertion.substr(assertion.rfind('.'))), std::string::npos) << text;
      EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
      EXPECT_EQ(text.find('\0'), std::string::npos) << text;
    }
    EXPECT_NE(result.message.find("<the client assertion sent>"), std::string::npos)
        << result.message;
  }
}

TEST_F(IdentityPlatformTokenStageTest, ExpiresInMayBeAString) {
  StageResult result =
      Run(Answer(200, R"({"token_type":"Bearer","expires_in":"3599","access_token":"t"})",
                 SystemClock::Instance().Now()));
  ASSERT_EQ(result.status, StageStatus::kOk) << ReasonName(result.reason) << ": " << result.message;
  EXPECT_EQ(*facts_.token_lifetime, std::chrono::seconds(3599));
}

struct ErrorCase {
  int status;
  const char* body;
  bool server_clock_ahead;
  Reason reason;
  const char* message;
};

TEST_F(IdentityPlatformTokenStageTest, AadErrorsMapToTheFixedReasons) {
  const ErrorCase cases[] = {
      {401,
       R"({"error":"invalid_client","error_description":"AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not found.]\r\nTrace ID: 1","error_codes":[700027]})",
       false, Reason::kOauthError,
       "token refused by auth server (HTTP 401): invalid_client: AADSTS700027: Client assertion "
       "contains an invalid signature. [Reason - The key was not found.]"},
      {400,
       R"({"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier '6731de76-14a6-49ae-97bc-6eba6914391e' was not found in the directory 'fabrikam.com'.","error_codes":[700016]})",
       false, Reason::kOauthError,
       "token refused by auth server (HTTP 400): unauthorized_client: AADSTS700016: Application "
       "with identifier '6731de76-14a6-49ae-97bc-6eba6914391e' was not found in the directory "
       "'fabrikam.com'."},
      {400,
       R"({"error":"invalid_scope","error_description":"AADSTS1002012: The provided value for scope x is not valid.","error_codes":[1002012]})",
       false, Reason::kOauthError,
       "token refused by auth server (HTTP 400): invalid_scope: AADSTS1002012: The provided value "
       "for scope x is not valid."},
      {400,
       R"({"error":"invalid_client","error_description":"AADSTS700024: Client assertion is not within its valid time range.","error_codes":[700024]})",
       true, Reason::kClockSkew,
       "server clock is 20 min 0 s ahead of ours (more than 5 minutes); token refused by auth "
       "server (HTTP 400): invalid_client: AADSTS700024: Client assertion is not within its "
       "valid time range."},
      {503, "Service Unavailable", false, Reason::kHttpStatus,
       "token endpoint answered HTTP 503 Bad Request: Service Unavailable"},
      {200, R"({"token_type":"Bearer","access_token":"t"})", false, Reason::kMalformedResponse,
       "token response is unusable: no expires_in in the token answer"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.body);
    facts_ = ProbeFacts{};
    WallTime date = SystemClock::Instance().Now() +
                    (c.server_clock_ahead ? std::chrono::minutes(20) : std::chrono::minutes(0));
    StageResult result = Run(Answer(c.status, c.body, date));
    EXPECT_EQ(result.status, StageStatus::kFailed);
    EXPECT_EQ(result.reason, c.reason) << ReasonName(result.reason);
    EXPECT_EQ(CategoryFor(result.reason), ExchangeCategory::kUnknown);
    if (c.server_clock_ahead) {
      // The Date header has whole seconds: 19:59 or 20:00.
      EXPECT_NE(result.message.find("(more than 5 minutes); token refused by auth server (HTTP "
                                    "400): invalid_client: AADSTS700024"),
                std::string::npos)
          << result.message;
    } else {
      EXPECT_EQ(result.message, c.message);
    }
    EXPECT_EQ(access_token_, "");
  }
}

TEST_F(IdentityPlatformTokenStageTest, OAuthErrorsCarryExchangesText) {
  StageResult result = Run(Answer(
      401,
      R"({"error":"invalid_client","error_description":"AADSTS700027: Client assertion contains an invalid signature.","error_codes":[700027]})",
      SystemClock::Instance().Now()));
  EXPECT_EQ(result.exchange_error,
            "Unable to get token from Auth Server. Error code: 'invalid_client'. Description: "
            "'AADSTS700027: Client assertion contains an invalid signature.'.");
  EXPECT_EQ(facts_.oauth_error, "invalid_client");
}

}  // namespace
}  // namespace pushprobe
