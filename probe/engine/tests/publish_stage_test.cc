// The publish stage (docs/protocol.md 2.7) against a loopback push proxy that
// writes back what it was sent.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "probe/engine/run_context.h"
#include "probe/engine/stages.h"
#include "probe/net/tests/loopback_server.h"

namespace pushprobe {
namespace {

using testing::LoopbackServer;

constexpr const char* kToken =
    "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJwdXNoIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";

class FixedGuids final : public GuidSource {
 public:
  std::string NewGuid() override { return "00000000-0000-4000-8000-000000000002"; }
};

// A push proxy that refuses the token and quotes the Authorization header it
// got in x-ms-diagnostics and in its fault body, with an ESC sequence.
LoopbackServer::Behaviour EchoTheToken(int status) {
  return [status](testing::ServerConnection& c) {
    testing::SeenRequest seen;
    if (!c.ReadRequest(&seen)) return;
    const std::size_t at = seen.head.find("Authorization: ");
    const std::string auth = seen.head.substr(at + 15, seen.head.find("\r\n", at) - at - 15);
    const std::string body = R"({"Message":"rejected \u001b[2J)" + auth + R"("})";
    c.Write("HTTP/1.1 " + std::to_string(status) +
            " Refused\r\nContent-Type: application/json\r\nx-ms-diagnostics: 2000001;reason=\"" +
            auth + " \x1b[2J\";error_category=\"invalid_token\"\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  };
}

// A push proxy that quoted the bearer token put it in the stage's message,
// facts and Exchange error: the plugin's output and the exporter's log.
TEST(PublishStageTest, AnAnswerThatEchoesTheTokenNeverShowsItNorRawControls) {
  for (int status : {401, 400}) {
    SCOPED_TRACE(status);
    LoopbackServer server(EchoTheToken(status));
    TargetConfig target;
    target.name = "fabrikam";
    target.organization = "fabrikam.com";
    ManualClock clock;
    FixedGuids guids;
    CredentialCache credentials;
    ProbeFacts facts;
    HttpClient http({}, SystemClock::Instance());
    Deadline deadline = Deadline::After(SystemClock::Instance(), std::chrono::seconds(10));
    RunContext context{target,      clock, deadline,   &http, guids,
                       credentials, 1,     RunState{}, facts, HttpConnections{}};
    context.state.access_token = kToken;
    context.state.publish_url =
        server.Url("/PushNotifications/service.svc/PublishOnPremNotifications");
    context.state.publish_host = "127.0.0.1";
    StageResult result;
    result.stage = StageId::kPublish;
    RunPublishStage(context, result);

    ASSERT_EQ(server.requests().size(), 1u);
    ASSERT_NE(server.requests().at(0).head.find(std::string("Bearer ") + kToken),
              std::string::npos);
    EXPECT_EQ(result.status, StageStatus::kFailed);
    std::vector<std::string> texts = {result.message, result.exchange_error, facts.x_ms_diagnostics,
                                      facts.fault_message};
    for (const Fact& fact : result.facts) texts.push_back(fact.value);
    for (const std::string& text : texts) {
      EXPECT_EQ(text.find("c2lnbmF0dXJl"), std::string::npos) << text;
      EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    }
    EXPECT_NE(result.message.find("<the access token sent>"), std::string::npos) << result.message;
  }
}

}  // namespace
}  // namespace pushprobe
