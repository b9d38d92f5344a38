#include "nagios/nagios_range.h"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace pushprobe::nagios {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct ValidCase {
  std::string text;
  NagiosRange range;
  std::string canonical;
  std::vector<double> alerts;
  std::vector<double> quiet;
};

// {start, start_infinite, end, end_infinite, alert_inside}
const std::vector<ValidCase> kValid = {
    {"10", {0, false, 10, false, false}, "10", {-0.001, 10.001, 1e9}, {0, 5, 10}},
    {"10:", {10, false, 0, true, false}, "10:", {9.999, 0, -1}, {10, 11, 1e9}},
    {"~:10", {0, true, 10, false, false}, "~:10", {10.001, 1e9}, {-1e9, 0, 10}},
    {"10:20", {10, false, 20, false, false}, "10:20", {9.99, 20.01}, {10, 15, 20}},
    {"@10:20", {10, false, 20, false, true}, "@10:20", {10, 15, 20}, {9.99, 20.01}},
    {"@10", {0, false, 10, false, true}, "@10", {0, 10}, {-0.5, 10.5}},
    {"@~:5", {0, true, 5, false, true}, "@~:5", {-1e9, 5}, {5.1}},
    {"@5:", {5, false, 0, true, true}, "@5:", {5, 1e9}, {4.9}},
    {":10", {0, false, 10, false, false}, "10", {-1, 11}, {0, 10}},
    {"0.5", {0, false, 0.5, false, false}, "0.5", {0.51}, {0, 0.5}},
    {"1.5:2.25", {1.5, false, 2.25, false, false}, "1.5:2.25", {1.49, 2.26}, {1.5, 2.25}},
    {".5:3.", {0.5, false, 3, false, false}, "0.5:3", {0.4}, {0.5, 3}},
    {"-10:-5", {-10, false, -5, false, false}, "-10:-5", {-11, -4}, {-10, -7, -5}},
    {"+1:+2", {1, false, 2, false, false}, "1:2", {0.9, 2.1}, {1, 2}},
    {"0", {0, false, 0, false, false}, "0", {-0.1, 0.1}, {0}},
    {"0:", {0, false, 0, true, false}, "0:", {-0.1}, {0, kInf}},
    {"5:5", {5, false, 5, false, false}, "5:5", {4.9, 5.1}, {5}},
};

class ValidRangeTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidRangeTest, ParsesAlertsAndRoundTrips) {
  const ValidCase& c = GetParam();
  RangeParseResult parsed = ParseNagiosRange(c.text);
  ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.error().message;
  EXPECT_EQ(parsed.error().code, RangeError::kNone);
  EXPECT_EQ(parsed.error().message, "");
  EXPECT_EQ(*parsed, c.range) << c.text;
  EXPECT_EQ(parsed->ToString(), c.canonical);
  for (double v : c.alerts) EXPECT_TRUE(parsed->Alerts(v)) << c.text << " at " << v;
  for (double v : c.quiet) EXPECT_FALSE(parsed->Alerts(v)) << c.text << " at " << v;
  RangeParseResult again = ParseNagiosRange(c.canonical);
  ASSERT_TRUE(again.ok()) << c.canonical;
  EXPECT_EQ(*again, c.range);
}

INSTANTIATE_TEST_SUITE_P(Forms, ValidRangeTest, ::testing::ValuesIn(kValid),
                         [](const ::testing::TestParamInfo<ValidCase>& param_info) {
                           return "Case" + std::to_string(param_info.index);
                         });

struct InvalidCase {
  std::string text;
  RangeError error;
  std::string message;
};

const std::vector<InvalidCase> kInvalid = {
    {"", RangeError::kEmpty, R"(invalid range "": range is empty)"},
    {"@", RangeError::kNoNumber, R"(invalid range "@": no number in range)"},
    {":", RangeError::kNoNumber, R"(invalid range ":": no number in range)"},
    {"@:", RangeError::kNoNumber, R"(invalid range "@:": no number in range)"},
    {"1:2:3", RangeError::kTooManyColons, R"(invalid range "1:2:3": more than one ":")"},
    {"abc", RangeError::kBadEnd, R"(invalid range "abc": "abc" is not a number)"},
    {"x:5", RangeError::kBadStart, R"(invalid range "x:5": start "x" is not a number)"},
    {"5:x", RangeError::kBadEnd, R"(invalid range "5:x": end "x" is not a number)"},
    {"1e3", RangeError::kBadEnd, R"(invalid range "1e3": "1e3" is not a number)"},
    {"inf", RangeError::kBadEnd, R"(invalid range "inf": "inf" is not a number)"},
    {"nan:", RangeError::kBadStart, R"(invalid range "nan:": start "nan" is not a number)"},
    {"1,5", RangeError::kBadEnd, R"(invalid range "1,5": "1,5" is not a number)"},
    {" 10", RangeError::kBadEnd, R"(invalid range " 10": " 10" is not a number)"},
    {"1.2.3", RangeError::kBadEnd, R"(invalid range "1.2.3": "1.2.3" is not a number)"},
    {"-", RangeError::kBadEnd, R"(invalid range "-": "-" is not a number)"},
    {".", RangeError::kBadEnd, R"(invalid range ".": "." is not a number)"},
    {"@@1", RangeError::kBadEnd, R"(invalid range "@@1": "@1" is not a number)"},
    {"~", RangeError::kTildeAlone,
     R"(invalid range "~": "~" must be followed by ":" and an end, as in "~:10")"},
    {"10:~", RangeError::kInfiniteEnd,
     R"(invalid range "10:~": "~" (negative infinity) is only allowed as the start)"},
    {"20:10", RangeError::kStartAfterEnd,
     R"(invalid range "20:10": start 20 is greater than end 10)"},
    {"@2.5:1", RangeError::kStartAfterEnd,
     R"(invalid range "@2.5:1": start 2.5 is greater than end 1)"},
    {"-5", RangeError::kStartAfterEnd, R"(invalid range "-5": start 0 is greater than end -5)"},
    {std::string(400, '9'), RangeError::kOutOfRange,
     // A value of any length is shown as its first 80 bytes and its length.
     "invalid range \"" + std::string(80, '9') + "\"... (400 bytes): \"" + std::string(80, '9') +
         "\"... (400 bytes) is too large"},
};

class InvalidRangeTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidRangeTest, GivesTheSpecificError) {
  const InvalidCase& c = GetParam();
  RangeParseResult parsed = ParseNagiosRange(c.text);
  EXPECT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, c.error) << c.text;
  EXPECT_EQ(parsed.error().message, c.message);
}

INSTANTIATE_TEST_SUITE_P(Forms, InvalidRangeTest, ::testing::ValuesIn(kInvalid),
                         [](const ::testing::TestParamInfo<InvalidCase>& param_info) {
                           return "Case" + std::to_string(param_info.index);
                         });

TEST(NagiosRangeTest, EndsAreInclusiveAtTheExactBoundary) {
  NagiosRange r = *ParseNagiosRange("10:20");
  EXPECT_FALSE(r.Alerts(10.0));
  EXPECT_FALSE(r.Alerts(20.0));
  EXPECT_TRUE(r.Alerts(std::nextafter(10.0, 0.0)));
  EXPECT_TRUE(r.Alerts(std::nextafter(20.0, 30.0)));
  NagiosRange inside = *ParseNagiosRange("@10:20");
  EXPECT_TRUE(inside.Alerts(10.0));
  EXPECT_TRUE(inside.Alerts(20.0));
  EXPECT_FALSE(inside.Alerts(std::nextafter(10.0, 0.0)));
}

TEST(NagiosRangeTest, TildeStartIsMinusInfinity) {
  NagiosRange r = *ParseNagiosRange("~:0");
  EXPECT_FALSE(r.Alerts(-std::numeric_limits<double>::max()));
  EXPECT_FALSE(r.Alerts(-kInf));
  EXPECT_TRUE(r.Alerts(0.001));
}

TEST(NagiosRangeTest, ReadsTheSameUnderACommaDecimalLocale) {
  // from_chars ignores the C locale, which is what strtod and printf read; a
  // de_DE process still reads "0.5" as a half. (setlocale only: building a named
  // std::locale leaks inside glibc, which LeakSanitizer reports.)
  if (std::setlocale(LC_ALL, "de_DE.UTF-8") == nullptr) {
    GTEST_SKIP() << "de_DE.UTF-8 locale not installed";
  }
  RangeParseResult parsed = ParseNagiosRange("0.5:1.5");
  std::string text = parsed.ok() ? parsed->ToString() : parsed.error().message;
  std::setlocale(LC_ALL, "C");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->start, 0.5);
  EXPECT_EQ(text, "0.5:1.5");
}

}  // namespace
}  // namespace pushprobe::nagios
