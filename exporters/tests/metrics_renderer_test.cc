#include "exporters/metrics_renderer.h"

#include <gtest/gtest.h>

#include <prometheus/text_serializer.h>

#include <memory>
#include <sstream>

#include "exporters/label_text_pool.h"
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

// The groups of \p results, kTargets to a group, as the store keeps them.
std::vector<std::shared_ptr<const RenderedGroup>> GroupsOf(
    const std::vector<ProbeResult>& results) {
  std::vector<std::shared_ptr<const RenderedGroup>> groups;
  RenderedGroup::Builder group;
  for (const ProbeResult& r : results) {
    group.Add(MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/true));
    if (group.size() == RenderedGroup::kTargets) groups.push_back(group.Build());
  }
  if (group.size() > 0) groups.push_back(group.Build());
  return groups;
}

std::string ScrapeOf(const std::vector<ProbeResult>& results) {
  const auto groups = GroupsOf(results);
  std::ostringstream out;
  MetricsRenderer::WriteExposition(out, groups);
  EXPECT_EQ(out.str().size(), MetricsRenderer::ExpositionSize(groups));
  return out.str();
}

// The sample lines prometheus::TextSerializer writes for family \p family
// (every family when npos) of \p r's scheduled series: what a RenderedTarget
// must give back byte for byte.
std::string SerializerSamples(const ProbeResult& r, std::size_t family = std::string::npos) {
  const TargetCounters counters = CountersFor(r);
  std::vector<prometheus::MetricFamily> families =
      MetricsRenderer::TargetFamilies(r, &counters, MetricsSource::kScheduled);
  if (family != std::string::npos) families = {families.at(family)};
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  std::istringstream lines(out.str());
  std::string samples;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind('#', 0) != 0) samples += line + "\n";
  }
  return samples;
}

// What a scrape of \p results must be, built from the serializer's text:
// each family with samples, its header, then every target's samples of it.
std::string SerializerScrape(const std::vector<ProbeResult>& results) {
  std::string expected;
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    std::string samples;
    for (const ProbeResult& r : results) samples += SerializerSamples(r, f);
    if (!samples.empty()) expected += MetricsRenderer::ScheduledHeader(f) + samples;
  }
  return expected;
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

TEST(MetricsRendererTest, NextAuthCertificateSeriesOnlyForTargetsWithOne) {
  ProbeResult r = samples::SucceededResult();
  EXPECT_EQ(MetricsRenderer::ProbeExposition(r).find("probe_next_auth_certificate"),
            std::string::npos);
  r.rollover.emplace();
  r.rollover->Fail(Reason::kOauthError, "AADSTS700027");
  r.facts.next_auth_cert_registered = false;
  r.facts.next_auth_cert_not_after = WallTime(std::chrono::seconds(1900000000));
  r.facts.next_auth_cert_effective = WallTime(std::chrono::seconds(1800000000));
  const std::string text = MetricsRenderer::ProbeExposition(r);
  const std::string target = "{target=\"" + r.target + "\"} ";
  EXPECT_NE(text.find("probe_next_auth_certificate_registered" + target + "0\n"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find("probe_next_auth_certificate_expiry_timestamp_seconds" + target + "1900000000\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("probe_next_auth_certificate_effective_timestamp_seconds" + target +
                      "1800000000\n"),
            std::string::npos)
      << text;
  r.facts.next_auth_cert_registered = true;
  EXPECT_NE(MetricsRenderer::ProbeExposition(r).find("probe_next_auth_certificate_registered" +
                                                     target + "1\n"),
            std::string::npos);
  // The six stages' verdict is untouched.
  EXPECT_NE(MetricsRenderer::ProbeExposition(r).find("probe_success" + target + "1\n"),
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

TEST(MetricsRendererTest, CompactSeriesGiveBackTheSerializersTextForAnyTargetName) {
  for (const std::string name : {"fabrikam", "org-00042", "", "with space", "quote\"d",
                                 "back\\slash", "two\nlines", "brace} 1", "end\\", "\xc3\xbcml"}) {
    for (const auto& sample : samples::AllSamples()) {
      ProbeResult r = sample.result;
      r.target = name;
      const RenderedTarget t =
          MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/true);
      const std::string expected = SerializerSamples(r);
      EXPECT_EQ(MetricsRenderer::SeriesText(t), expected) << sample.name << " / " << name;
      EXPECT_EQ(t.text_size(), expected.size());
    }
  }
}

// Without --metrics.http-phases: the same lines but the phases', and a text
// size (the scrape's Content-Length) that counts only what is written.
TEST(MetricsRendererTest, CompactSeriesWithoutHttpPhasesLeaveOnlyThePhasesOut) {
  for (const auto& sample : samples::AllSamples()) {
    const ProbeResult& r = sample.result;
    const RenderedTarget t =
        MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/false);
    std::istringstream all(SerializerSamples(r));
    std::string expected;
    for (std::string line; std::getline(all, line);) {
      if (line.rfind("probe_http_duration_seconds{", 0) != 0) expected += line + "\n";
    }
    EXPECT_EQ(MetricsRenderer::SeriesText(t), expected) << sample.name;
    EXPECT_EQ(t.text_size(), expected.size()) << sample.name;
    // What was left out was there: every run has the phases' series.
    EXPECT_NE(SerializerSamples(r).find("probe_http_duration_seconds{"), std::string::npos);
  }
}

TEST(MetricsRendererTest, ProbeExpositionIsTheSerializersText) {
  // /probe writes its answer directly; it must be the serializer's text for
  // the same families, byte for byte: every sample result, target names that
  // need escaping, and values of every magnitude and sign.
  const std::vector<Duration> values = {Duration::zero(),
                                        1ns,
                                        999ns,
                                        1us,
                                        12345ns,
                                        1ms,
                                        64513050ns,
                                        1s,
                                        10s,
                                        123456789012345678ns,
                                        -1ns,
                                        -658522695ns,
                                        std::chrono::hours(24 * 365 * 100)};
  for (const std::string name : {"fabrikam", "org-00042", "", "with space", "quote\"d",
                                 "back\\slash", "two\nlines", "brace} 1", "end\\", "\xc3\xbcml"}) {
    for (const auto& sample : samples::AllSamples()) {
      for (Duration value : values) {
        ProbeResult r = sample.result;
        r.target = name;
        r.duration = value;
        r.facts.clock_skew = value;
        if (!r.stages.empty()) r.stages[0].duration = -value;
        r.facts.tls_leaf["end\"point\\" + name] = CertificateFacts{};
        const std::string expected = MetricsRenderer::Serialize(
            MetricsRenderer::TargetFamilies(r, nullptr, MetricsSource::kOnDemand));
        EXPECT_EQ(MetricsRenderer::ProbeExposition(r), expected)
            << sample.name << " / " << name << " / " << value.count();
      }
    }
  }
}

TEST(MetricsRendererTest, TargetNamesOfEveryLengthComeOutWhole) {
  // A scrape copies each piece of a line (name, target label, other labels,
  // value) by its length, up to 64 bytes without calling memcpy: every
  // length on both sides of each step must come out byte for byte.
  std::vector<ProbeResult> results;
  for (std::size_t length = 0; length <= 80; ++length) {
    ProbeResult r = samples::SucceededResult();
    r.target.clear();
    for (std::size_t i = 0; i < length; ++i) r.target += static_cast<char>('a' + i % 26);
    const RenderedTarget t =
        MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/true);
    EXPECT_EQ(MetricsRenderer::SeriesText(t), SerializerSamples(r)) << length;
    results.push_back(r);
  }
  const std::string expected = SerializerScrape(results);
  EXPECT_EQ(ScrapeOf(results), expected);
}

TEST(MetricsRendererTest, LabelTailsAndValuesOfEveryLengthComeOutWhole) {
  // A scrape copies label tails and values in fixed steps of 16 and 32
  // bytes past their ends where there is room, and a value at the end of a
  // target's data by its length: tails (here the endpoint label) and values
  // (here the clock skew, the target's last gauge) of every length on both
  // sides of each step must come out byte for byte, in every position.
  std::vector<ProbeResult> results;
  for (std::size_t length = 0; length <= 100; ++length) {
    ProbeResult r = samples::SucceededResult();
    r.target = "org-" + std::to_string(length);
    const CertificateFacts leaf = r.facts.tls_leaf.begin()->second;
    r.facts.tls_leaf[std::string(length, 'e')] = leaf;
    r.facts.tls_leaf[std::string(length, 'f') + "\\\""] = leaf;
    // Seconds with up to 17 significant digits, a length for every target.
    r.facts.clock_skew = std::chrono::nanoseconds(length * 123456789 + 1);
    r.duration += std::chrono::nanoseconds(length);
    const RenderedTarget t =
        MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/true);
    EXPECT_EQ(MetricsRenderer::SeriesText(t), SerializerSamples(r)) << length;
    results.push_back(r);
  }
  const std::string expected = SerializerScrape(results);
  const std::string text = ScrapeOf(results);
  EXPECT_TRUE(text == expected);
  EXPECT_EQ(text.size(), expected.size());
}

TEST(MetricsRendererTest, ExpositionOfManyTargetsIsEachFamilysSerializedSamples) {
  // Large enough for several of WriteExposition's 256 KB blocks.
  std::vector<ProbeResult> results;
  for (int i = 0; i < 60; ++i) {
    for (const auto& sample : samples::AllSamples()) {
      results.push_back(sample.result);
      results.back().target = "org-" + std::to_string(i) + "-" + sample.name;
    }
  }
  const std::string expected = SerializerScrape(results);
  const std::string text = ScrapeOf(results);
  ASSERT_GT(text.size(), 3u * 256 * 1024);
  EXPECT_TRUE(text == expected);  // not EXPECT_EQ: a diff of megabytes helps nobody
  EXPECT_EQ(text.size(), expected.size());
}

TEST(MetricsRendererTest, LinesLongerThanAWriteBlockComeOutWhole) {
  ProbeResult r = samples::SucceededResult();
  r.target = std::string(100 * 1024, 'x');
  const std::string text = ScrapeOf({r});
  std::string expected;
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    const std::string samples = SerializerSamples(r, f);
    if (!samples.empty()) expected += MetricsRenderer::ScheduledHeader(f) + samples;
  }
  EXPECT_TRUE(text == expected);
  EXPECT_EQ(text.size(), expected.size());
}

TEST(MetricsRendererTest, TargetsShareTheirLabelText) {
  std::vector<ProbeResult> all;
  for (const auto& sample : samples::AllSamples()) all.push_back(sample.result);
  for (const ProbeResult& r : all)
    MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/true);
  const std::size_t shared = LabelTextPool::Shared().size();
  for (int i = 0; i < 100; ++i) {
    for (ProbeResult r : all) {
      r.target = "org-" + std::to_string(i);
      MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/true);
    }
  }
  // Label texts other than the target's come from fixed sets, so more
  // targets add none.
  EXPECT_EQ(LabelTextPool::Shared().size(), shared);
}

TEST(MetricsRendererTest, KeepsATargetsSeriesInAThirdOfTheirText) {
  ProbeResult r = samples::SucceededResult();
  r.target = "org-00000";
  const RenderedTarget t =
      MetricsRenderer::RenderScheduled(r, CountersFor(r), /*http_phases=*/true);
  EXPECT_GT(t.text_size(), 3000u);
  EXPECT_LT(t.stored_bytes() * 3, t.text_size());
}

}  // namespace
}  // namespace pushprobe::exporter
