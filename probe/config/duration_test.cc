#include "probe/config/duration.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace pushprobe {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

struct GoodDuration {
  std::string text;
  Duration want;
};

TEST(ParseDurationTest, AcceptsPrometheusSyntax) {
  const GoodDuration cases[] = {
      {"0", Duration::zero()},
      {"0s", Duration::zero()},
      {"30s", seconds(30)},
      {"2m", minutes(2)},
      {"1h30m", hours(1) + minutes(30)},
      {"500ms", milliseconds(500)},
      {"1d", hours(24)},
      {"1w", hours(24 * 7)},
      {"1y", hours(24 * 365)},
      {"1h1m1s1ms", hours(1) + minutes(1) + seconds(1) + milliseconds(1)},
      {"90s", seconds(90)},
      {"0030s", seconds(30)},
      {"1y2w3d4h5m6s7ms", hours(24 * 365) + hours(24 * 14) + hours(24 * 3) + hours(4) + minutes(5) +
                              seconds(6) + milliseconds(7)},
      {"292y", hours(24 * 365) * 292},
  };
  for (const GoodDuration& c : cases) {
    auto got = ParseDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.error();
    EXPECT_EQ(got.value(), c.want) << c.text;
  }
}

struct BadDuration {
  std::string text;
  std::string error;
};

TEST(ParseDurationTest, RejectsWithSpecificMessage) {
  const BadDuration cases[] = {
      {"", "invalid duration \"\": empty"},
      {"30", "invalid duration \"30\": missing unit after \"30\" (use ms, s, m, h, d, w or y)"},
      {"30x", "invalid duration \"30x\": unknown unit \"x\" (use ms, s, m, h, d, w or y)"},
      {"30sec", "invalid duration \"30sec\": unknown unit \"sec\" (use ms, s, m, h, d, w or y)"},
      {"1M", "invalid duration \"1M\": unknown unit \"M\" (use ms, s, m, h, d, w or y)"},
      {"1us", "invalid duration \"1us\": unknown unit \"us\" (use ms, s, m, h, d, w or y)"},
      {"s", "invalid duration \"s\": expected a number, got \"s\""},
      {"-1s", "invalid duration \"-1s\": expected a number, got \"-1s\""},
      {" 30s", "invalid duration \" 30s\": expected a number, got \" 30s\""},
      {"30s ", "invalid duration \"30s \": expected a number, got \" \""},
      {"1 s", "invalid duration \"1 s\": missing unit after \"1\" (use ms, s, m, h, d, w or y)"},
      {"1.5s",
       "invalid duration \"1.5s\": fractions are not supported; combine units instead, like "
       "\"1m30s\""},
      {"30s1m",
       "invalid duration \"30s1m\": units must go from largest to smallest, each at most "
       "once"},
      {"1s1s",
       "invalid duration \"1s1s\": units must go from largest to smallest, each at most "
       "once"},
      {"293y", "invalid duration \"293y\": too long"},
      {"99999999999999999999s", "invalid duration \"99999999999999999999s\": too long"},
      {"292y1000d", "invalid duration \"292y1000d\": too long"},
      {"1h\n", "invalid duration \"1h\\n\": expected a number, got \"\\n\""},
  };
  for (const BadDuration& c : cases) {
    auto got = ParseDuration(c.text);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_EQ(got.error(), c.error);
  }
}

TEST(FormatDurationTest, LargestUnitsFirst) {
  const GoodDuration cases[] = {
      {"0s", Duration::zero()},
      {"30s", seconds(30)},
      {"2m", minutes(2)},
      {"1m30s", seconds(90)},
      {"500ms", milliseconds(500)},
      {"1s500ms", milliseconds(1500)},
      {"1h30m", minutes(90)},
      {"1d", hours(24)},
      {"1w", hours(24 * 7)},
      {"1y", hours(24 * 365)},
      {"10m", minutes(10)},
      {"-30s", seconds(-30)},
      {"1ms", milliseconds(1) + std::chrono::microseconds(999)},
      {"0s", std::chrono::microseconds(999)},
  };
  for (const GoodDuration& c : cases) EXPECT_EQ(FormatDuration(c.want), c.text);
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  for (const char* text : {"1h30m", "1y2w3d4h5m6s7ms", "500ms", "6m", "292y"}) {
    auto parsed = ParseDuration(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(FormatDuration(parsed.value()), text);
  }
}

TEST(FormatDurationTest, HandlesExtremes) {
  EXPECT_EQ(FormatDuration(Duration::max()), "292y24w3d23h47m16s854ms");
  EXPECT_EQ(FormatDuration(Duration::min()), "-292y24w3d23h47m16s854ms");
}

}  // namespace
}  // namespace pushprobe
