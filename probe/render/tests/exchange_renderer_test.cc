#include "probe/render/exchange_renderer.h"

#include <gtest/gtest.h>

#include "probe/render/tests/sample_results.h"
#include "tests/support/golden_file.h"

namespace pushprobe::render {
namespace {

TEST(RenderExchange, SucceededIsWhatTheExchangeDocumentationShows) {
  EXPECT_EQ(RenderExchange(samples::SucceededResult()),
            "\n\n"
            "ResultType : Succeeded\n"
            "Error      :\n"
            "Exception  :\n"
            "\n\n\n");
}

TEST(RenderExchange, WithoutBlankLinesForEmbedding) {
  EXPECT_EQ(RenderExchange(samples::SucceededResult(), ExchangeOptions{false}),
            "ResultType : Succeeded\n"
            "Error      :\n"
            "Exception  :\n");
}

TEST(RenderExchange, MultiLineValuesContinueAtColumn14) {
  ProbeResult r = samples::SucceededResult();
  r.result_type = ResultType::kFailed;
  r.error = "first\r\nsecond\r\n\r\nfourth";
  r.exception = "E: x\n   at Y()";
  EXPECT_EQ(RenderExchange(r, ExchangeOptions{false}),
            "ResultType : Failed\n"
            "Error      : first\n"
            "             second\n"
            "\n"
            "             fourth\n"
            "Exception  : E: x\n"
            "                at Y()\n");
}

TEST(RenderExchange, TimedOutResultType) {
  const std::string out = RenderExchange(samples::TimedOutAtPublishResult(), {false});
  EXPECT_EQ(out.substr(0, out.find('\n')), "ResultType : TimedOut");
}

TEST(RenderExchange, GoldenForEverySample) {
  for (const samples::NamedSample& s : samples::AllSamples()) {
    SCOPED_TRACE(s.name);
    testing::ExpectGoldenFile(PUSHPROBE_RENDER_TESTDATA, s.name + ".exchange.txt",
                              RenderExchange(s.result));
  }
}

}  // namespace
}  // namespace pushprobe::render
