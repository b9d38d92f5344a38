#include "exporters/metrics_renderer.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "exporters/tests/test_util.h"
#include "probe/render/tests/sample_results.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;
using testing::CompareGolden;
using testing::PromtoolCheck;

TargetCounters CountersFor(const ProbeResult& r) {
  TargetCounters c;
  c.runs = 3;
  c.last_success = samples::SampleStart() - std::chrono::minutes(1);
  if (!r.succeeded() && r.failed_stage) c.failures[{*r.failed_stage, r.reason}] = 2;
  return c;
}

std::string ScrapeOf(const std::vector<ProbeResult>& results) {
  std::vector<std::shared_ptr<const RenderedTarget>> targets;
  for (const ProbeResult& r : results) {
    targets.push_back(std::make_shared<const RenderedTarget>(
        MetricsRenderer::RenderScheduled(r, CountersFor(r))));
  }
  std::ostringstream out;
  MetricsRenderer::WriteExposition(out, targets);
  EXPECT_EQ(out.str().size(), MetricsRenderer::ExpositionSize(targets));
  return out.str();
}

void ExpectPromtoolClean(const std::string& exposition) {
  std::optional<std::string> problems = PromtoolCheck(exposition);
  if (!problems) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus); "
                    "scripts/test.sh installs it";
  }
  EXPECT_EQ(*problems, "") << exposition;
}

TEST(MetricsRendererTest, ScheduledSuccessMatchesGolden) {
  const std::string text = ScrapeOf({samples::SucceededResult()});
  EXPECT_EQ(CompareGolden("scheduled_success.prom", text), "");
  ExpectPromtoolClean(text);
}

TEST(MetricsRendererTest, ScheduledFailureMatchesGolden) {
  const std::string text = ScrapeOf({samples::TokenFailureAadsts700027Result()});
  EXPECT_EQ(CompareGolden("scheduled_token_failure.prom", text), "");
  ExpectPromtoolClean(text);
}

TEST(MetricsRendererTest, OnDemandSuccessMatchesGolden) {
  const std::string text = MetricsRenderer::ProbeExposition(samples::SucceededResult());
  EXPECT_EQ(CompareGolden("probe_success.prom", text), "");
  ExpectPromtoolClean(text);
}

TEST(MetricsRendererTest, OnDemandFailureMatchesGolden) {
  const std::string text = MetricsRenderer::ProbeExposition(samples::TlsUntrustedMetadataResult());
  EXPECT_EQ(CompareGolden("probe_tls_untrusted.prom", text), "");
  ExpectPromtoolClean(text);
}

TEST(MetricsRendererTest, EverySampleOfManyTargetsPassesPromtool) {
  std::vector<ProbeResult> all;
  for (auto& s : samples::AllSamples()) all.push_back(s.result);
  ExpectPromtoolClean(ScrapeOf(all));
}

TEST(MetricsRendererTest, SkippedStagesStillShowWithZero) {
  const ProbeResult r = samples::ConfigFailureResult();
  const std::string text = MetricsRenderer::ProbeExposition(r);
  for (StageId id : kAllStages) {
    const std::string line = "probe_stage_success{target=\"" + r.target + "\",stage=\"" +
                             std::string(StageName(id)) + "\"} 0\n";
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  EXPECT_NE(text.find("probe_http_duration_seconds{target=\"" + r.target +
                      "\",stage=\"publish\",phase=\"tls\"} 0\n"),
            std::string::npos);
}

TEST(MetricsRendererTest, FailureInfoCarriesStageReasonAndCategory) {
  const ProbeResult r = samples::TokenFailureAadsts700027Result();
  const std::string text = MetricsRenderer::ProbeExposition(r);
  EXPECT_NE(text.find("probe_failure_info{target=\"" + r.target +
                      "\",stage=\"token\",reason=\"oauth_error\",category=\"Unknown\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(
      MetricsRenderer::ProbeExposition(samples::SucceededResult()).find("probe_failure_info{"),
      std::string::npos);
}

TEST(MetricsRendererTest, MetricsHelpSaysResultsComeFromScheduledRuns) {
  const std::string text = ScrapeOf({samples::SucceededResult()});
  EXPECT_NE(text.find("# HELP probe_success Whether the check succeeded (1) or failed (0), from "
                      "the latest scheduled run"),
            std::string::npos);
  EXPECT_EQ(text.find("on-demand"), std::string::npos);
}

TEST(MetricsRendererTest, OnDemandRunHasNoCounters) {
  const std::string text = MetricsRenderer::ProbeExposition(samples::SucceededResult());
  EXPECT_EQ(text.find("_total"), std::string::npos);
  EXPECT_EQ(text.find("probe_last_success_timestamp_seconds"), std::string::npos);
}

TEST(MetricsRendererTest, SlicesConcatenateFamiliesAcrossTargets) {
  ProbeResult a = samples::SucceededResult();
  ProbeResult b = samples::SucceededResult();
  b.target = "zz";
  const std::string text = ScrapeOf({a, b});
  // One header per family, the samples of both targets under it.
  std::size_t headers = 0;
  for (std::size_t at = 0; (at = text.find("# TYPE probe_success ", at)) != std::string::npos;
       ++at) {
    ++headers;
  }
  EXPECT_EQ(headers, 1u);
  const auto first = text.find("probe_success{target=\"" + a.target + "\"}");
  const auto second = text.find("probe_success{target=\"zz\"}");
  const auto next_family = text.find("# HELP probe_duration_seconds");
  EXPECT_LT(first, second);
  EXPECT_LT(second, next_family);
}

}  // namespace
}  // namespace pushprobe::exporter
