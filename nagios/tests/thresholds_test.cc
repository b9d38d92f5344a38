#include "nagios/thresholds.h"

#include <gtest/gtest.h>

namespace pushprobe::nagios {
namespace {

NagiosRange Range(const char* text) { return *ParseNagiosRange(text); }

TEST(ThresholdsTest, NoRangesIsAlwaysOk) {
  Thresholds t;
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.Evaluate(-1e9), State::kOk);
  EXPECT_EQ(t.Evaluate(1e9), State::kOk);
  EXPECT_EQ(t.WarningText(), "");
  EXPECT_EQ(t.CriticalText(), "");
}

TEST(ThresholdsTest, CriticalWinsOverWarning) {
  Thresholds t{Range("5"), Range("10")};
  EXPECT_EQ(t.Evaluate(3), State::kOk);
  EXPECT_EQ(t.Evaluate(5), State::kOk);
  EXPECT_EQ(t.Evaluate(7), State::kWarning);
  EXPECT_EQ(t.Evaluate(10), State::kWarning);
  EXPECT_EQ(t.Evaluate(10.5), State::kCritical);
  EXPECT_EQ(t.Evaluate(-1), State::kCritical);
}

TEST(ThresholdsTest, EitherRangeAlone) {
  Thresholds warning_only{Range("~:2"), std::nullopt};
  EXPECT_EQ(warning_only.Evaluate(2.5), State::kWarning);
  Thresholds critical_only{std::nullopt, Range("@0:1")};
  EXPECT_EQ(critical_only.Evaluate(0.5), State::kCritical);
  EXPECT_EQ(critical_only.Evaluate(1.5), State::kOk);
  EXPECT_EQ(critical_only.CriticalText(), "@1");
}

TEST(ThresholdsTest, DaysLeftStyle) {
  // What --cert-warning 30 --cert-critical 14 become.
  Thresholds t{Range("30:"), Range("14:")};
  EXPECT_EQ(t.Evaluate(365), State::kOk);
  EXPECT_EQ(t.Evaluate(30), State::kOk);
  EXPECT_EQ(t.Evaluate(29), State::kWarning);
  EXPECT_EQ(t.Evaluate(14), State::kWarning);
  EXPECT_EQ(t.Evaluate(13), State::kCritical);
  EXPECT_EQ(t.Evaluate(-2), State::kCritical);
}

TEST(PluginStateTest, WorstOrdersCriticalWarningUnknownOk) {
  EXPECT_EQ(WorstState(State::kOk, State::kUnknown), State::kUnknown);
  EXPECT_EQ(WorstState(State::kUnknown, State::kWarning), State::kWarning);
  EXPECT_EQ(WorstState(State::kCritical, State::kUnknown), State::kCritical);
  EXPECT_EQ(WorstState(State::kWarning, State::kOk), State::kWarning);
  EXPECT_EQ(StateName(State::kCritical), "CRITICAL");
  EXPECT_EQ(StateFromLowerName("unknown"), State::kUnknown);
  EXPECT_EQ(StateFromLowerName("CRITICAL"), std::nullopt);
}

}  // namespace
}  // namespace pushprobe::nagios
