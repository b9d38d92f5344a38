// The metadata stage against a scripted loopback server: a token endpoint the
// client could not use is the server's malformed answer, reported here.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "probe/engine/run_context.h"
#include "probe/engine/stages.h"
#include "probe/net/tests/loopback_server.h"

namespace pushprobe {
namespace {

using testing::LoopbackServer;

class NoGuids final : public GuidSource {
 public:
  std::string NewGuid() override { return "00000000-0000-4000-8000-000000000001"; }
};

std::string MetadataNaming(const std::string& token_endpoint) {
  const std::string body =
      R"({"realm":"9188040d-6c67-4c5b-b112-36a304b66dad",)"
      R"("issuer":"00000001-0000-0000-c000-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad",)"
      R"("keys":[{"usage":"signing","keyInfo":{"x5t":"abc"},)"
      R"("keyValue":{"type":"x509Certificate","value":"MIIB"}}],)"
      R"("endpoints":[{"location":")" +
      token_endpoint + R"(","protocol":"OAuth2","usage":"issuance"}]})";
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

StageResult RunMetadata(const std::string& raw) {
  LoopbackServer server(LoopbackServer::Respond(raw));
  TargetConfig target;
  target.name = "fabrikam";
  target.organization = "fabrikam.com";
  target.auth_metadata_url = server.Url("/metadata/json/1/?realm=fabrikam.com");
  HttpClient http({}, SystemClock::Instance());
  Deadline deadline = Deadline::After(SystemClock::Instance(), std::chrono::seconds(10));
  ManualClock clock;
  NoGuids guids;
  CredentialCache credentials;
  ProbeFacts facts;
  RunContext context{target,      clock, deadline,   &http, guids,
                     credentials, 1,     RunState{}, facts, HttpConnections{}};
  StageResult result;
  result.stage = StageId::kMetadata;
  RunMetadataStage(context, result);
  return result;
}

TEST(MetadataStageTest, TokenEndpointTheClientCannotUseIsAMalformedAnswer) {
  // A host the URL parser refuses: before one parser served both, the stage
  // accepted it and the client refused it at the token stage as "config".
  for (const char* endpoint :
       {"https://accounts!accesscontrol.windows.net/t/tokens/OAuth/2",
        "https://accounts.accesscontrol.windows.net:99999/t/tokens/OAuth/2",
        "http://accounts.accesscontrol.windows.net/t/tokens/OAuth/2", "/t/tokens/OAuth/2"}) {
    StageResult result = RunMetadata(MetadataNaming(endpoint));
    EXPECT_EQ(result.status, StageStatus::kFailed) << endpoint;
    EXPECT_EQ(result.reason, Reason::kMalformedResponse) << endpoint;
    EXPECT_NE(result.message.find(endpoint), std::string::npos) << result.message;
  }
}

TEST(MetadataStageTest, UsableTokenEndpointIsRecorded) {
  const std::string endpoint = "https://accounts.accesscontrol.windows.net/t/tokens/OAuth/2";
  StageResult result = RunMetadata(MetadataNaming(endpoint));
  EXPECT_NE(result.status, StageStatus::kFailed) << result.message;
}

}  // namespace
}  // namespace pushprobe
