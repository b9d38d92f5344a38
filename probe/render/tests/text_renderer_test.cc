#include "probe/render/text_renderer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "probe/render/tests/sample_results.h"
#include "tests/support/golden_file.h"

namespace pushprobe::render {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A check that passes against a server an hour ahead still says so.
TEST(RenderText, ClockSkewLineEvenWhenTheCheckPasses) {
  ProbeResult r = samples::SucceededResult();
  EXPECT_EQ(RenderText(r).find("Clock:"), std::string::npos);  // 0.2 s: nothing to say
  r.facts.clock_skew = 3599s;
  const std::string out = RenderText(r);
  EXPECT_NE(out.find("\nClock: server clock is 59 min 59 s ahead of ours (the servers' Date "
                     "headers); OAuth in the hybrid"),
            std::string::npos)
      << out;
  r.facts.clock_skew = -59s;
  EXPECT_EQ(RenderText(r).find("Clock:"), std::string::npos);
  r.facts.clock_skew = -60s;
  EXPECT_NE(RenderText(r).find("Clock: server clock is 1 min 0 s behind ours"), std::string::npos);
}

TEST(RenderText, GoldenForEverySampleAndVerbosity) {
  for (const samples::NamedSample& s : samples::AllSamples()) {
    SCOPED_TRACE(s.name);
    testing::ExpectGoldenFile(PUSHPROBE_RENDER_TESTDATA, s.name + ".txt", RenderText(s.result));
    testing::ExpectGoldenFile(PUSHPROBE_RENDER_TESTDATA, s.name + ".v.txt",
                              RenderText(s.result, TextOptions{1, false}));
  }
  testing::ExpectGoldenFile(PUSHPROBE_RENDER_TESTDATA, "succeeded.vv.txt",
                            RenderText(samples::SucceededResult(), TextOptions{2, false}));
}

TEST(RenderText, StageLinesAsTheSpecShowsThem) {
  const std::string out = RenderText(samples::TokenFailureAadsts700027Result());
  EXPECT_EQ(Lines(out).front(),
            "pushprobe check of target \"fabrikam\" (fabrikam.com) at 2026-11-25T11:20:56Z: "
            "Failed in 0.105 s");
  EXPECT_NE(out.find("\n  [ ok ]     configuration     0.000 s  organization fabrikam.com\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\n  [FAIL]     token             0.045 s  oauth_error: token refused"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\n  [skip]     publish                    skipped: token failed\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\nResult: Failed at stage token (oauth_error), Exchange category Unknown\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\nHint: AADSTS700027"), std::string::npos) << out;
}

TEST(RenderText, DurationsShareOneColumn) {
  for (const samples::NamedSample& s : samples::AllSamples()) {
    for (const std::string& line : Lines(RenderText(s.result))) {
      if (line.rfind("  [", 0) != 0 || line.rfind("  [skip]", 0) == 0) continue;
      EXPECT_EQ(line.compare(36, 2, " s"), 0) << s.name << ": " << line;
    }
  }
}

TEST(RenderText, NoTrailingWhitespaceAndEveryLineEnds) {
  for (const samples::NamedSample& s : samples::AllSamples()) {
    for (int v = 0; v <= 2; ++v) {
      const std::string out = RenderText(s.result, TextOptions{v, false});
      ASSERT_FALSE(out.empty());
      EXPECT_EQ(out.back(), '\n');
      EXPECT_EQ(out.find('\r'), std::string::npos) << s.name;
      for (const std::string& line : Lines(out)) {
        EXPECT_TRUE(line.empty() || (line.back() != ' ' && line.back() != '\t'))
            << s.name << " v" << v << ": \"" << line << "\"";
      }
    }
  }
}

TEST(RenderText, ColorOnlyWhenAsked) {
  const ProbeResult r = samples::TokenFailureAadsts700027Result();
  EXPECT_EQ(RenderText(r).find('\x1b'), std::string::npos);
  const std::string colored = RenderText(r, TextOptions{0, true});
  EXPECT_NE(colored.find("\x1b[32m[ ok ]\x1b[0m"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[1;31m[FAIL]\x1b[0m"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[33m[skip]\x1b[0m"), std::string::npos);
}

TEST(RenderText, DaysLeftCountFromTheRunNotFromNow) {
  ProbeResult r = samples::SucceededResult();
  EXPECT_NE(RenderText(r).find("expires 2027-11-25 (365 days)"), std::string::npos);
  r.started_at += 24h;
  EXPECT_NE(RenderText(r).find("expires 2027-11-25 (364 days)"), std::string::npos);
}

TEST(RenderText, VerboseShowsTheUnverifiedChain) {
  const std::string out = RenderText(samples::TlsUntrustedMetadataResult(), TextOptions{1, false});
  EXPECT_NE(out.find("TLS TLSv1.2, NOT verified: unable to get local issuer certificate"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("server chain (as presented, unverified):"), std::string::npos) << out;
  EXPECT_NE(out.find("issued by CN=Fabrikam TLS Inspection CA,O=Fabrikam"), std::string::npos)
      << out;
  EXPECT_NE(out.find("connected 10.20.0.8:3128 (via proxy)"), std::string::npos) << out;
}

TEST(RenderText, VerboseComparesServerDateWithTheLocalClock) {
  const std::string out = RenderText(samples::SucceededResult(), TextOptions{1, false});
  EXPECT_NE(out.find("server date 2026-11-25T11:20:56Z, local clock 2026-11-25T11:20:56.033Z "
                     "(server minus local -0.034 s)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("timings ms: dns 1.8, connect 9.6, tls 14.2, request 0.2, response 5.3"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace pushprobe::render
