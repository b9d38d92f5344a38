#include "nagios/plugin_output.h"

#include <gtest/gtest.h>

#include <clocale>
#include <sstream>

#include "nagios/plugin_app.h"
#include "probe/render/tests/sample_results.h"
#include "tests/support/golden_file.h"

namespace pushprobe::nagios {
namespace {

using namespace std::chrono_literals;

PluginOptions Options(std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"-O", "fabrikam.com"});
  return ParsePluginOptions(args).value();
}

std::string Render(const ProbeResult& result, int verbosity, std::vector<std::string> args = {}) {
  return FormatPluginOutput(EvaluateCheck(result, Options(std::move(args))), result, verbosity);
}

ProbeResult AuthCertExpiringIn20Days() {
  ProbeResult r = samples::SucceededResult();
  r.facts.auth_cert_not_after = r.started_at + std::chrono::hours(24 * 20 + 5);
  return r;
}

// What Nagios shows, mails and logs: the first line at -v0 included.
TEST(PluginOutputTest, NoVerbosityShowsAUrlsPassword) {
  const ProbeResult r = samples::UrlCredentialsResult();
  for (int verbosity = 0; verbosity <= 3; ++verbosity) {
    const std::string out = Render(r, verbosity);
    EXPECT_EQ(out.find(samples::kUrlSecret), std::string::npos) << verbosity << ":\n" << out;
    EXPECT_NE(out.find("<redacted>@proxy.fabrikam.com:3128"), std::string::npos) << out;
  }
  const std::string unknown =
      FormatUnknown(std::string("got \"http://alice:") + samples::kUrlSecret + "@proxy:3128\"");
  EXPECT_EQ(unknown, "EXCHANGE PUSH UNKNOWN - got \"http://<redacted>@proxy:3128\"\n");
}

TEST(PluginOutputGoldenTest, Success) {
  ProbeResult r = samples::SucceededResult();
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "succeeded_v0.txt", Render(r, 0));
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "succeeded_v1.txt", Render(r, 1));
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "succeeded_v2.txt",
                            Render(r, 2, {"-w", "1", "-c", "5"}));
}

TEST(PluginOutputGoldenTest, WarningCertDays) {
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "warning_cert_days_v1.txt",
                            Render(AuthCertExpiringIn20Days(), 1));
}

TEST(PluginOutputGoldenTest, CriticalTokenFailure) {
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "critical_token_v1.txt",
                            Render(samples::TokenFailureAadsts700027Result(), 1));
}

TEST(PluginOutputGoldenTest, HintsAtEveryVerbosityFromOne) {
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "critical_token_v2.txt",
                            Render(samples::TokenFailureAadsts700027Result(), 2));
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "critical_token_v3.txt",
                            Render(samples::TokenFailureAadsts700027Result(), 3));
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "timeout_publish_v1.txt",
                            Render(samples::TimedOutAtPublishResult(), 1));
}

TEST(PluginOutputGoldenTest, ClockSkewOnAPassingCheck) {
  ProbeResult r = samples::SucceededResult();
  r.facts.clock_skew = std::chrono::seconds(3599);
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "critical_clock_skew_v1.txt", Render(r, 1));
}

TEST(PluginOutputGoldenTest, CriticalTlsUntrusted) {
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "critical_tls_untrusted_v1.txt",
                            Render(samples::TlsUntrustedMetadataResult(), 1));
}

TEST(PluginOutputGoldenTest, UnknownConfigFailure) {
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "unknown_config_v1.txt",
                            Render(samples::ConfigFailureResult(), 1));
}

TEST(PluginOutputGoldenTest, UnknownUnreadableConfig) {
  std::ostringstream out;
  std::ostringstream err;
  ManualClock clock;
  int status = RunPlugin({"--config", "/nonexistent/pushprobe.yml", "-v"}, out, err, clock);
  EXPECT_EQ(status, 3);
  testing::ExpectGoldenFile(PUSHPROBE_NAGIOS_GOLDEN, "unknown_unreadable_config.txt", out.str());
}

TEST(PluginOutputTest, FirstLineShape) {
  std::string out = Render(samples::TokenFailureAadsts700027Result(), 0);
  EXPECT_EQ(out.rfind("EXCHANGE PUSH CRITICAL - token oauth_error: AADSTS700027 key "
                      "not found (fabrikam.com) | 'time'=0.",
                      0),
            0u)
      << out;
  EXPECT_EQ(out.find('\n'), out.size() - 1);
}

TEST(PluginOutputTest, SameBytesUnderACommaDecimalLocale) {
  ProbeResult r = samples::SucceededResult();
  std::string in_c = Render(r, 2);
  if (std::setlocale(LC_ALL, "de_DE.UTF-8") == nullptr) {
    GTEST_SKIP() << "de_DE.UTF-8 locale not installed";
  }
  std::string in_de = Render(r, 2);
  std::setlocale(LC_ALL, "C");
  EXPECT_EQ(in_de, in_c);
}

TEST(PluginOutputTest, PerfdataFormat) {
  std::vector<PerfDatum> data = {
      {"time", 0.1934, "s", "1", "~:5", 0, std::nullopt},
      {"publish_time", std::nullopt, "s", "", "", 0, std::nullopt},
      {"auth_cert_days", 365, "", "30:", "14:", std::nullopt, std::nullopt},
      {"plain", 1.5, "", "", "", std::nullopt, std::nullopt},
      {"ranged", 2, "", "", "", 0, 10},
  };
  EXPECT_EQ(FormatPerfdata(data),
            "'time'=0.1934s;1;~:5;0 'auth_cert_days'=365;30:;14: "
            "'plain'=2 'ranged'=2;;;0;10");
}

TEST(PluginOutputTest, PipesAndLineBreaksCannotEscapeTheirLine) {
  ProbeResult r = samples::SucceededResult();
  r.Stage(StageId::kPublish).status = StageStatus::kFailed;
  r.Stage(StageId::kPublish).reason = Reason::kHttpStatus;
  r.Stage(StageId::kPublish).message = "publish answered 503 | x=1\nsecond line";
  r.failed_stage = StageId::kPublish;
  r.result_type = ResultType::kFailed;
  std::string out = Render(r, 1);
  std::string first = out.substr(0, out.find('\n'));
  EXPECT_EQ(first.find('|'), first.find(" | 'time'=") + 1);
  EXPECT_NE(out.find("publish answered 503 / x=1"), std::string::npos) << out;
  EXPECT_EQ(out.find("second line"), std::string::npos);
}

TEST(PluginOutputTest, StaysUnder4KbAndKeepsTheFirstLine) {
  ProbeResult r = samples::TokenFailureAadsts700027Result();
  for (StageResult& s : r.stages) {
    for (int i = 0; i < 40; ++i) s.AddFact("fact_" + std::to_string(i), std::string(90, 'v'));
  }
  r.organization = std::string(3000, 'o') + ".com";
  std::string full = Render(r, 3);
  EXPECT_LT(full.size(), kMaxOutputBytes);
  EXPECT_EQ(full.rfind("EXCHANGE PUSH CRITICAL - token oauth_error", 0), 0u);
  EXPECT_NE(full.find(" | 'time'="), std::string::npos);
  EXPECT_NE(full.find("less useful lines left out)\n"), std::string::npos) << full;
  for (int v = 0; v <= 3; ++v) EXPECT_LT(Render(r, v).size(), kMaxOutputBytes) << v;
}

// A publish failure with a long transcript (many facts, a long server chain):
// -vvv leaves out the least useful lines, never the failing stage or its hint.
TEST(PluginOutputTest, VeryVerbosePublishFailureKeepsTheStageAndHintUnder4Kb) {
  ProbeResult r = samples::TimedOutAtPublishResult();
  r.result_type = ResultType::kFailed;
  StageResult& publish = r.Stage(StageId::kPublish);
  publish.reason = Reason::kHttpStatus;
  publish.message = "publish answered HTTP 503 Service Unavailable";
  r.reason = Reason::kHttpStatus;
  r.facts.publish_status = 503;
  for (HttpRequestFacts& q : publish.requests) q.status = 503;
  r.facts.client_request_id = "5d7e0c3a-0000-4000-8000-000000000001";
  for (StageResult& s : r.stages) {
    for (int i = 0; i < 25; ++i) s.AddFact("fact_" + std::to_string(i), std::string(80, 'v'));
  }
  const std::string out = Render(r, 3);
  EXPECT_LT(out.size(), kMaxOutputBytes);
  EXPECT_EQ(out.rfind("EXCHANGE PUSH CRITICAL - publish http_status: publish answered HTTP 503", 0),
            0u)
      << out;
  EXPECT_NE(out.find("\\_[CRITICAL] publish "), std::string::npos) << out;
  EXPECT_NE(out.find("Hint: The push proxy failed on its side with HTTP 503"), std::string::npos)
      << out;
  EXPECT_NE(out.find("5d7e0c3a-0000-4000-8000-000000000001"), std::string::npos) << out;
  // The failed stage's own transcript lines outlive the other stages' facts.
  EXPECT_NE(out.find("  [FAIL]     publish"), std::string::npos) << out;
  EXPECT_EQ(out.find("  [ ok ]     metadata"), std::string::npos) << out;
  EXPECT_NE(out.find("less useful lines left out)\n"), std::string::npos) << out;
}

TEST(PluginOutputTest, FirstLineGrammarIsTheSameForEveryStage) {
  for (StageId id : kAllStages) {
    ProbeResult r = samples::SucceededResult();
    r.result_type = ResultType::kFailed;
    r.failed_stage = id;
    r.reason = Reason::kConnect;
    r.Stage(id).status = StageStatus::kFailed;
    r.Stage(id).reason = Reason::kConnect;
    r.Stage(id).message = "connection refused";
    const std::string out = Render(r, 0);
    EXPECT_EQ(out.rfind("EXCHANGE PUSH CRITICAL - " + std::string(StageName(id)) +
                            " connect: connection refused (fabrikam.com) | ",
                        0),
              0u)
        << out;
  }
}

TEST(PluginOutputTest, HintOnlyFromVerbosityOne) {
  const ProbeResult r = samples::TokenFailureAadsts700027Result();
  EXPECT_EQ(Render(r, 0).find("Hint:"), std::string::npos);
  for (int v = 1; v <= 3; ++v) {
    EXPECT_NE(Render(r, v).find("\nHint: AADSTS700027"), std::string::npos) << v;
  }
}

TEST(PluginOutputTest, VerbosityThreeAddsTheTranscript) {
  std::string out = Render(samples::SucceededResult(), 3);
  EXPECT_NE(out.find("\n\npushprobe check of target \"fabrikam\""), std::string::npos) << out;
  EXPECT_LT(out.size(), kMaxOutputBytes);
}

TEST(PluginOutputTest, Unknown) {
  EXPECT_EQ(FormatUnknown("-w/--warning: bad | thing\n"),
            "EXCHANGE PUSH UNKNOWN - -w/--warning: bad / thing\n");
}

}  // namespace
}  // namespace pushprobe::nagios
