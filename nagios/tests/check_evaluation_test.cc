#include "nagios/check_evaluation.h"

#include <gtest/gtest.h>

#include "probe/render/tests/sample_results.h"

namespace pushprobe::nagios {
namespace {

using namespace std::chrono_literals;

PluginOptions Options(std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"-O", "fabrikam.com"});
  Expected<PluginOptions> parsed = ParsePluginOptions(args);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed.value();
}

const PerfDatum* Find(const CheckEvaluation& e, const std::string& label) {
  for (const PerfDatum& d : e.perfdata) {
    if (d.label == label) return &d;
  }
  return nullptr;
}

TEST(CheckEvaluationTest, SuccessIsOkWithOneSubcheckPerStage) {
  CheckEvaluation e = EvaluateCheck(samples::SucceededResult(), Options());
  EXPECT_EQ(e.state, State::kOk);
  EXPECT_EQ(e.summary, "push notification published in 0.193s (fabrikam.com)");
  ASSERT_EQ(e.subchecks.size(), kAllStages.size() + 2);
  for (StageId id : kAllStages) {
    const Subcheck& s = e.subchecks[static_cast<std::size_t>(id)];
    EXPECT_EQ(s.name, StageName(id));
    EXPECT_EQ(s.state, State::kOk);
  }
  EXPECT_EQ(e.subchecks[kAllStages.size()].name, "clock skew");
  EXPECT_EQ(e.subchecks[kAllStages.size()].text, "server clock is 0 min 0 s ahead of ours");
  EXPECT_EQ(e.subchecks.back().name, "total time");
  // Auth certificate under certificate; TLS leaves under the stage that met them.
  ASSERT_EQ(e.subchecks[1].children.size(), 1u);
  EXPECT_EQ(e.subchecks[1].children[0].name, "auth certificate");
  EXPECT_EQ(e.subchecks[1].children[0].text, "expires 2027-11-25 (365 days)");
  ASSERT_EQ(e.subchecks[3].children.size(), 1u);
  EXPECT_EQ(e.subchecks[3].children[0].name, "TLS certificate of outlook.com");
}

TEST(CheckEvaluationTest, PerfdataHasAFixedLabelSetUniqueIn19Characters) {
  for (const samples::NamedSample& sample : samples::AllSamples()) {
    CheckEvaluation e = EvaluateCheck(sample.result, Options());
    std::vector<std::string> labels;
    for (const PerfDatum& d : e.perfdata) labels.push_back(d.label);
    EXPECT_EQ(labels, (std::vector<std::string>{
                          "time", "configuration_time", "certificate_time", "metadata_time",
                          "challenge_time", "token_time", "publish_time", "auth_cert_days",
                          "tls_metadata_days", "tls_token_days", "tls_publish_days", "clock_skew"}))
        << sample.name;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      for (std::size_t j = i + 1; j < labels.size(); ++j) {
        EXPECT_NE(labels[i].substr(0, 19), labels[j].substr(0, 19));
      }
    }
  }
}

TEST(CheckEvaluationTest, SkippedStagesAndUnknownDaysAreUndetermined) {
  CheckEvaluation e = EvaluateCheck(samples::TokenFailureAadsts700027Result(), Options());
  EXPECT_FALSE(Find(e, "publish_time")->value.has_value());
  ASSERT_TRUE(Find(e, "token_time")->value.has_value());
  EXPECT_DOUBLE_EQ(*Find(e, "token_time")->value, 0.045312);
  EXPECT_EQ(Find(e, "auth_cert_days")->value, 365);
  EXPECT_EQ(Find(e, "auth_cert_days")->warning, "30:");
  EXPECT_EQ(Find(e, "auth_cert_days")->critical, "14:");
  EXPECT_FALSE(e.subchecks[5].state.has_value());  // publish skipped
}

TEST(CheckEvaluationTest, OAuthFailureIsCriticalAndNamesTheCode) {
  CheckEvaluation e = EvaluateCheck(samples::TokenFailureAadsts700027Result(), Options());
  EXPECT_EQ(e.state, State::kCritical);
  EXPECT_EQ(e.summary, "token oauth_error: AADSTS700027 key not found (fabrikam.com)");
}

TEST(CheckEvaluationTest, TlsUntrustedIsCriticalAndNamesTheStage) {
  CheckEvaluation e = EvaluateCheck(samples::TlsUntrustedMetadataResult(), Options());
  EXPECT_EQ(e.state, State::kCritical);
  EXPECT_EQ(
      e.summary,
      "metadata tls_untrusted: the certificate chain of accounts.accesscontrol.windows.net is not "
      "trusted: unable to get local issuer certificate (fabrikam.com)");
}

TEST(CheckEvaluationTest, ConfigFailureIsUnknown) {
  CheckEvaluation e = EvaluateCheck(samples::ConfigFailureResult(), Options());
  EXPECT_EQ(e.state, State::kUnknown);
  EXPECT_EQ(e.summary,
            "configuration config: organization is not set for target \"contoso\" (contoso)");
}

TEST(CheckEvaluationTest, TimeoutTakesTheTimeoutResultState) {
  ProbeResult timed_out = samples::TimedOutAtPublishResult();
  EXPECT_EQ(EvaluateCheck(timed_out, Options()).state, State::kCritical);
  EXPECT_EQ(EvaluateCheck(timed_out, Options({"--timeout-result", "warning"})).state,
            State::kWarning);
  EXPECT_EQ(EvaluateCheck(timed_out, Options({"--timeout-result", "unknown"})).state,
            State::kUnknown);
  CheckEvaluation ok = EvaluateCheck(timed_out, Options({"--timeout-result", "ok"}));
  EXPECT_EQ(ok.state, State::kOk);
  // Still says what happened.
  EXPECT_EQ(ok.summary.rfind("publish timeout: no response from outlook.office365.com", 0), 0u)
      << ok.summary;
}

TEST(CheckEvaluationTest, ReasonToStateTable) {
  for (Reason r : kAllReasons) {
    State expected = State::kCritical;
    if (r == Reason::kConfig || r == Reason::kInternal) expected = State::kUnknown;
    if (r == Reason::kTimeout) expected = State::kWarning;
    EXPECT_EQ(StateForFailure(r, State::kWarning), expected) << ReasonName(r);
  }
}

ProbeResult WithAuthCertDaysLeft(int days) {
  ProbeResult r = samples::SucceededResult();
  r.facts.auth_cert_not_after = r.started_at + std::chrono::hours(24 * days) + 1h;
  return r;
}

TEST(CheckEvaluationTest, AuthCertDaysThresholds) {
  EXPECT_EQ(EvaluateCheck(WithAuthCertDaysLeft(30), Options()).state, State::kOk);
  CheckEvaluation warning = EvaluateCheck(WithAuthCertDaysLeft(29), Options());
  EXPECT_EQ(warning.state, State::kWarning);
  EXPECT_EQ(warning.summary, "auth certificate expires in 29 days (2026-12-24) (fabrikam.com)");
  EXPECT_EQ(EvaluateCheck(WithAuthCertDaysLeft(14), Options()).state, State::kWarning);
  EXPECT_EQ(EvaluateCheck(WithAuthCertDaysLeft(13), Options()).state, State::kCritical);
  EXPECT_EQ(EvaluateCheck(WithAuthCertDaysLeft(50), Options({"--cert-warning", "60"})).state,
            State::kWarning);
  EXPECT_EQ(EvaluateCheck(WithAuthCertDaysLeft(5), Options({"--cert-critical", "0"})).state,
            State::kWarning);
}

TEST(CheckEvaluationTest, TlsLeafDaysThresholds) {
  ProbeResult r = samples::SucceededResult();
  r.facts.tls_leaf["token"].not_after = r.started_at + std::chrono::hours(24 * 10 + 2);
  CheckEvaluation e = EvaluateCheck(r, Options());
  EXPECT_EQ(e.state, State::kCritical);
  EXPECT_EQ(e.summary,
            "TLS certificate of accounts.accesscontrol.windows.net expires in 10 days "
            "(2026-12-05) (fabrikam.com)");
  EXPECT_EQ(Find(e, "tls_token_days")->value, 10);
}

TEST(CheckEvaluationTest, TimeThresholds) {
  ProbeResult r = samples::SucceededResult();  // 0.193 s in all, token 0.045 s
  CheckEvaluation e = EvaluateCheck(r, Options({"-w", "0.1", "-c", "1"}));
  EXPECT_EQ(e.state, State::kWarning);
  EXPECT_EQ(e.summary, "check took 0.193s (warning range 0.1) (fabrikam.com)");
  EXPECT_EQ(Find(e, "time")->warning, "0.1");
  EXPECT_EQ(Find(e, "time")->critical, "1");

  CheckEvaluation stage = EvaluateCheck(r, Options({"--stage-critical", "token=0.04"}));
  EXPECT_EQ(stage.state, State::kCritical);
  EXPECT_EQ(stage.summary, "token took 0.045s (critical range 0.04) (fabrikam.com)");
  EXPECT_EQ(Find(stage, "token_time")->critical, "0.04");
}

TEST(CheckEvaluationTest, ShortProblemKeepsOtherCodesFirstSentence) {
  StageResult s;
  s.stage = StageId::kToken;
  s.Fail(Reason::kOauthError,
         "token refused by auth server (HTTP 401): invalid_client: ACS50012: Authentication "
         "failed.\r\nTrace ID: 1");
  EXPECT_EQ(ShortProblem(s), "token oauth_error: ACS50012 authentication failed");
  s.message =
      "token refused by auth server (HTTP 400): invalid_grant: AADSTS50000: Bad thing. "
      "More.";
  EXPECT_EQ(ShortProblem(s), "token oauth_error: AADSTS50000 Bad thing");
  s.message = "token refused by auth server (HTTP 400): invalid_request: no code here";
  EXPECT_EQ(ShortProblem(s), "token oauth_error: " + s.message);
  s.stage = StageId::kPublish;
  s.Fail(Reason::kHttpStatus, std::string(300, 'x'));
  EXPECT_EQ(ShortProblem(s).size(), 200u);
}

TEST(CheckEvaluationTest, ClockSkewIsJudgedEvenWhenTheCheckPasses) {
  struct Case {
    std::chrono::seconds skew;
    std::vector<std::string> args;
    State state;
  };
  for (const Case& c :
       {Case{std::chrono::seconds(30), {}, State::kOk},
        Case{std::chrono::seconds(-61), {}, State::kWarning},
        Case{std::chrono::seconds(3599), {}, State::kCritical},
        Case{std::chrono::seconds(-3599), {}, State::kCritical},
        Case{std::chrono::seconds(90), {"--skew-warning", "120"}, State::kOk},
        Case{std::chrono::seconds(90), {"--skew-critical", "80"}, State::kCritical}}) {
    SCOPED_TRACE(c.skew.count());
    ProbeResult r = samples::SucceededResult();
    r.facts.clock_skew = c.skew;
    std::vector<std::string> args = c.args;
    args.insert(args.begin(), {"-O", "fabrikam.com"});
    CheckEvaluation e = EvaluateCheck(r, ParsePluginOptions(args).value());
    EXPECT_EQ(e.state, c.state);
    const Subcheck& skew = e.subchecks[kAllStages.size()];
    EXPECT_EQ(skew.name, "clock skew");
    EXPECT_EQ(skew.state, c.state);
    if (c.state == State::kCritical && c.args.empty()) {
      EXPECT_EQ(e.summary.rfind("clock skew: server clock is 59 min 59 s", 0), 0u) << e.summary;
    }
    bool found = false;
    for (const PerfDatum& d : e.perfdata) {
      if (d.label != kClockSkewLabel) continue;
      found = true;
      EXPECT_EQ(d.value, static_cast<double>(c.skew.count()));
      EXPECT_EQ(d.uom, "s");
    }
    EXPECT_TRUE(found);
  }
}

TEST(CheckEvaluationTest, UnmeasuredClockSkewHasNoSubcheckAndUnknownPerfdata) {
  ProbeResult r = samples::SucceededResult();
  r.facts.clock_skew.reset();
  CheckEvaluation e = EvaluateCheck(r, ParsePluginOptions({"-O", "fabrikam.com"}).value());
  for (const Subcheck& s : e.subchecks) EXPECT_NE(s.name, "clock skew");
  const PerfDatum& last = e.perfdata.back();
  EXPECT_EQ(last.label, kClockSkewLabel);
  EXPECT_FALSE(last.value.has_value());
  EXPECT_EQ(last.warning, "-60:60");
  EXPECT_EQ(last.critical, "-300:300");
}

// A successful run with a rollover step: \p registered (nullopt: the step
// failed before the issuer answered), effective in \p days (nullopt: unset).
ProbeResult WithRollover(std::optional<bool> registered, std::optional<int> days,
                         Reason reason = Reason::kOauthError) {
  ProbeResult r = samples::SucceededResult();
  r.rollover.emplace();
  r.rollover->stage = StageId::kToken;
  if (registered == std::optional<bool>(true)) {
    r.rollover->status = StageStatus::kOk;
  } else {
    r.rollover->Fail(reason,
                     "token refused by auth server (HTTP 401): invalid_client: "
                     "AADSTS700027: Client assertion contains an invalid signature.");
  }
  r.facts.next_auth_cert_registered = registered;
  if (days) r.facts.next_auth_cert_effective = r.started_at + std::chrono::hours(24 * *days) + 1h;
  return r;
}

TEST(CheckEvaluationTest, RolloverNotRegisteredIsWarningThenCriticalInsideTheWindow) {
  CheckEvaluation ok = EvaluateCheck(WithRollover(true, 3), Options());
  EXPECT_EQ(ok.state, State::kOk);
  CheckEvaluation warning = EvaluateCheck(WithRollover(false, 10), Options());
  EXPECT_EQ(warning.state, State::kWarning);
  EXPECT_EQ(warning.summary,
            "next Auth certificate not registered in Microsoft 365, effective in 10 days "
            "(fabrikam.com)");
  EXPECT_EQ(EvaluateCheck(WithRollover(false, 7), Options()).state, State::kWarning);
  EXPECT_EQ(EvaluateCheck(WithRollover(false, 6), Options()).state, State::kCritical);
  EXPECT_EQ(EvaluateCheck(WithRollover(false, -2), Options()).state, State::kCritical);
  EXPECT_EQ(EvaluateCheck(WithRollover(false, 20), Options({"--rollover-critical", "30"})).state,
            State::kCritical);
  EXPECT_EQ(EvaluateCheck(WithRollover(false, std::nullopt), Options()).state, State::kWarning);
  CheckEvaluation weak =
      EvaluateCheck(WithRollover(std::nullopt, 2, Reason::kCertWeakKey), Options());
  EXPECT_EQ(weak.state, State::kCritical);
  EXPECT_EQ(weak.summary, "next Auth certificate not usable, effective in 2 days (fabrikam.com)");
}

TEST(CheckEvaluationTest, RolloverHasItsSubcheckAndPerfdataOnlyWithANextCertificate) {
  CheckEvaluation none = EvaluateCheck(samples::SucceededResult(), Options());
  EXPECT_EQ(Find(none, kNextCertRegisteredLabel), nullptr);
  EXPECT_EQ(Find(none, kNextCertEffectiveDaysLabel), nullptr);
  for (const Subcheck& check : none.subchecks) EXPECT_NE(check.name, "next auth certificate");

  CheckEvaluation e = EvaluateCheck(WithRollover(false, 10), Options());
  const Subcheck* rollover = nullptr;
  for (const Subcheck& check : e.subchecks) {
    if (check.name == "next auth certificate") rollover = &check;
  }
  ASSERT_NE(rollover, nullptr);
  EXPECT_EQ(rollover->state, State::kWarning);
  const PerfDatum* registered = Find(e, kNextCertRegisteredLabel);
  ASSERT_NE(registered, nullptr);
  EXPECT_EQ(registered->value, std::optional<double>(0));
  const PerfDatum* days = Find(e, kNextCertEffectiveDaysLabel);
  ASSERT_NE(days, nullptr);
  EXPECT_EQ(days->value, std::optional<double>(10));
  // The six stages' subchecks are untouched.
  for (StageId id : kAllStages) {
    EXPECT_EQ(e.subchecks[static_cast<std::size_t>(id)].state, State::kOk) << StageName(id);
  }
}

TEST(CheckEvaluationTest, RolloverThatDidNotReachTheIssuerHasNoState) {
  ProbeResult r = samples::SucceededResult();
  r.rollover.emplace();
  r.rollover->message = "token request not sent";
  CheckEvaluation e = EvaluateCheck(r, Options());
  EXPECT_EQ(e.state, State::kOk);
  const PerfDatum* registered = Find(e, kNextCertRegisteredLabel);
  ASSERT_NE(registered, nullptr);
  EXPECT_FALSE(registered->value.has_value());
}

}  // namespace
}  // namespace pushprobe::nagios
