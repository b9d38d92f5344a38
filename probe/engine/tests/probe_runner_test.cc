#include "probe/engine/probe_runner.h"

#include <gtest/gtest.h>

#include "probe/engine/stages.h"

namespace pushprobe {
namespace {

class FixedGuids final : public GuidSource {
 public:
  std::string NewGuid() override { return "00000000-0000-4000-8000-000000000001"; }
};

TargetConfig OfflineTarget() {
  TargetConfig target;
  target.name = "fabrikam";
  target.organization = "fabrikam.com";
  target.auth_metadata_url = std::string(kDefaultMetadataUrlPrefix) + "fabrikam.com";
  target.certificate = "/nonexistent/pushprobe-test/auth.pem";
  return target;
}

ProbeResult ResultFailingAt(StageId id, Reason reason, int status = 0) {
  ProbeResult result;
  for (StageId s : kAllStages) {
    StageResult stage;
    stage.stage = s;
    stage.status = s < id ? StageStatus::kOk : StageStatus::kSkipped;
    result.stages.push_back(stage);
  }
  StageResult& failed = result.Stage(id);
  failed.Fail(reason, "what went wrong");
  if (status != 0) {
    HttpRequestFacts request;
    request.status = status;
    failed.requests.push_back(request);
  }
  return result;
}

TEST(SummarizeTest, AllStagesOkIsSucceededWithEmptyErrorAndException) {
  ProbeResult result = ResultFailingAt(StageId::kPublish, Reason::kTimeout);
  result.Stage(StageId::kPublish).status = StageStatus::kOk;
  Summarize(result);
  EXPECT_EQ(result.result_type, ResultType::kSucceeded);
  EXPECT_FALSE(result.failed_stage.has_value());
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.exception, "");
  EXPECT_EQ(result.category, ExchangeCategory::kNone);
}

TEST(SummarizeTest, TimeoutIsTimedOutAndNamesTheStage) {
  ProbeResult result = ResultFailingAt(StageId::kToken, Reason::kTimeout);
  result.duration = std::chrono::milliseconds(2500);
  Summarize(result);
  EXPECT_EQ(result.result_type, ResultType::kTimedOut);
  EXPECT_EQ(result.failed_stage, StageId::kToken);
  EXPECT_EQ(result.category, ExchangeCategory::kNetworking);
  EXPECT_EQ(result.error, "The probe timed out after 2.500 s in stage token: what went wrong");
  EXPECT_EQ(result.exception, "System.TimeoutException: " + result.error);
}

TEST(SummarizeTest, ExchangeTextIsPreferredForError) {
  ProbeResult result = ResultFailingAt(StageId::kCertificate, Reason::kCertMissing);
  result.Stage(StageId::kCertificate).exchange_error = "Missing signing certificate.";
  Summarize(result);
  EXPECT_EQ(result.result_type, ResultType::kFailed);
  EXPECT_EQ(result.error, "Missing signing certificate.");
  EXPECT_EQ(result.exception,
            "Microsoft.Exchange.Security.OAuth.OAuthTokenRequestFailedException: Missing signing "
            "certificate.");
  EXPECT_EQ(result.category, ExchangeCategory::kUnknown);
}

struct CategoryCase {
  StageId stage;
  Reason reason;
  int status;
  ExchangeCategory category;
  const char* exception_type;
};

TEST(SummarizeTest, CategoryAndExceptionTypeFollowExchange) {
  const CategoryCase cases[] = {
      {StageId::kPublish, Reason::kConnect, 0, ExchangeCategory::kNetworking,
       "Microsoft.Exchange.PushNotifications.PushNotificationTransientException"},
      {StageId::kPublish, Reason::kHttpStatus, 503, ExchangeCategory::kUnknown,
       "Microsoft.Exchange.PushNotifications.PushNotificationTransientException"},
      {StageId::kPublish, Reason::kHttpStatus, 404, ExchangeCategory::kUnknown,
       "Microsoft.Exchange.PushNotifications.PushNotificationTransientException"},
      {StageId::kPublish, Reason::kHttpStatus, 400, ExchangeCategory::kUnknown,
       "Microsoft.Exchange.PushNotifications.PushNotificationPermanentException"},
      {StageId::kPublish, Reason::kTokenRejected, 401, ExchangeCategory::kUnknown,
       "Microsoft.Exchange.PushNotifications.PushNotificationPermanentException"},
      {StageId::kChallenge, Reason::kTlsUntrusted, 0, ExchangeCategory::kAuthentication,
       "Microsoft.Exchange.PushNotifications.PushNotificationPermanentException"},
      {StageId::kMetadata, Reason::kTlsHostname, 0, ExchangeCategory::kAuthentication,
       "Microsoft.Exchange.Security.OAuth.OAuthTokenRequestFailedException"},
      {StageId::kToken, Reason::kOauthError, 401, ExchangeCategory::kUnknown,
       "Microsoft.Exchange.Security.OAuth.OAuthTokenRequestFailedException"},
      {StageId::kConfiguration, Reason::kConfig, 0, ExchangeCategory::kPushNotifications,
       "Microsoft.Exchange.PushNotifications.PushNotificationConfigurationException"},
  };
  for (const CategoryCase& c : cases) {
    ProbeResult result = ResultFailingAt(c.stage, c.reason, c.status);
    Summarize(result);
    SCOPED_TRACE(std::string(StageName(c.stage)) + "/" + std::string(ReasonName(c.reason)));
    EXPECT_EQ(result.category, c.category);
    EXPECT_EQ(result.exception, std::string(c.exception_type) + ": what went wrong");
  }
}

TEST(ProbeRunnerTest, MissingCertificateFailsThatStageAndSkipsTheRest) {
  ManualClock clock;
  FixedGuids guids;
  ProbeRunner runner(OfflineTarget(), clock, guids);
  ProbeResult result = runner.Run();
  ASSERT_EQ(result.stages.size(), kAllStages.size());
  EXPECT_EQ(result.Stage(StageId::kConfiguration).status, StageStatus::kOk);
  const StageResult& cert = result.Stage(StageId::kCertificate);
  EXPECT_EQ(cert.status, StageStatus::kFailed);
  EXPECT_EQ(cert.reason, Reason::kCertMissing);
  EXPECT_NE(cert.message.find("/nonexistent/pushprobe-test/auth.pem"), std::string::npos)
      << cert.message;
  EXPECT_EQ(result.error, "Missing signing certificate.");
  for (StageId later :
       {StageId::kMetadata, StageId::kChallenge, StageId::kToken, StageId::kPublish}) {
    EXPECT_EQ(result.Stage(later).status, StageStatus::kSkipped);
    EXPECT_EQ(result.Stage(later).message, "stage certificate failed");
  }
  EXPECT_EQ(result.result_type, ResultType::kFailed);
  EXPECT_EQ(result.target, "fabrikam");
}

TEST(ProbeRunnerTest, MissingOrganizationIsExchangesConfigurationMessage) {
  ManualClock clock;
  FixedGuids guids;
  TargetConfig target = OfflineTarget();
  target.organization.clear();
  ProbeResult result = ProbeRunner(target, clock, guids).Run();
  EXPECT_EQ(result.failed_stage, StageId::kConfiguration);
  EXPECT_EQ(result.reason, Reason::kConfig);
  EXPECT_EQ(result.category, ExchangeCategory::kPushNotifications);
  EXPECT_EQ(result.error, "The domain of your Office 365 account could not be found.");
}

TEST(ProbeRunnerTest, UnreadableCaFileFailsConfiguration) {
  ManualClock clock;
  FixedGuids guids;
  TargetConfig target = OfflineTarget();
  target.ca_file = "/nonexistent/pushprobe-test/ca.pem";
  ProbeResult result = ProbeRunner(target, clock, guids).Run();
  EXPECT_EQ(result.failed_stage, StageId::kConfiguration);
  EXPECT_EQ(result.reason, Reason::kConfig);
  EXPECT_NE(result.Stage(StageId::kConfiguration).message.find("ca.pem"), std::string::npos);
}

// An exporter keeps a runner per target (50,000 of them): a runner is the
// handles on what it shares (configuration, HTTP client, client error,
// credential cache), the clock, the GUID source and its run counter. It was
// 224 bytes when each held its own error string and credential cache.
TEST(ProbeRunnerTest, ARunnerHoldsHandlesOnlyNotCopies) {
  EXPECT_LE(sizeof(ProbeRunner), 9 * sizeof(void*));
}

TEST(ProbeRunnerTest, RunnersOfOneUnreadableCaFileReportTheSameError) {
  ManualClock clock;
  FixedGuids guids;
  HttpClientPool clients(clock);
  TargetConfig target = OfflineTarget();
  target.ca_file = "/nonexistent/pushprobe-test/ca.pem";
  TargetConfig other = target;
  other.name = "contoso";
  ProbeResult a = ProbeRunner(target, clock, guids, clients).Run();
  ProbeResult b = ProbeRunner(other, clock, guids, clients).Run();
  ASSERT_EQ(a.failed_stage, StageId::kConfiguration);
  ASSERT_EQ(b.failed_stage, StageId::kConfiguration);
  EXPECT_EQ(a.Stage(StageId::kConfiguration).message, b.Stage(StageId::kConfiguration).message);
  EXPECT_NE(a.Stage(StageId::kConfiguration).message.find("ca.pem"), std::string::npos);
}

TEST(ProbeRunnerTest, NoBudgetLeftTimesOutInTheFirstStage) {
  ManualClock clock;
  FixedGuids guids;
  ProbeResult result = ProbeRunner(OfflineTarget(), clock, guids).Run(Duration::zero());
  EXPECT_EQ(result.result_type, ResultType::kTimedOut);
  EXPECT_EQ(result.failed_stage, StageId::kConfiguration);
  EXPECT_EQ(result.reason, Reason::kTimeout);
}

TEST(ProbeRunnerTest, StagesAreTimedWithTheInjectedClock) {
  ManualClock clock;
  FixedGuids guids;
  ProbeResult result = ProbeRunner(OfflineTarget(), clock, guids).Run();
  EXPECT_EQ(result.started_at, clock.Now());
  EXPECT_EQ(result.duration, Duration::zero());
}

class RecordingObserver final : public StageObserver {
 public:
  void StageStarted(StageId stage) override {
    events.push_back("start " + std::string(StageName(stage)));
  }
  void StageFinished(const StageResult& stage) override {
    events.push_back("end " + std::string(StageName(stage.stage)) + " " +
                     std::string(StageStatusName(stage.status)));
  }
  std::vector<std::string> events;
};

TEST(ProbeRunnerTest, ObserverHearsEachStageStartAndEndInOrder) {
  ManualClock clock;
  FixedGuids guids;
  RecordingObserver observer;
  ProbeResult result = ProbeRunner(OfflineTarget(), clock, guids).Run(std::nullopt, &observer);
  EXPECT_EQ(observer.events,
            (std::vector<std::string>{"start configuration", "end configuration ok",
                                      "start certificate", "end certificate failed",
                                      "end metadata skipped", "end challenge skipped",
                                      "end token skipped", "end publish skipped"}));
  EXPECT_EQ(result.failed_stage, StageId::kCertificate);
}

}  // namespace
}  // namespace pushprobe
