#include "probe/render/format.h"

#include <gtest/gtest.h>

#include <chrono>

namespace pushprobe::render {
namespace {

using namespace std::chrono_literals;

WallTime Unix(std::int64_t seconds) { return WallTime{std::chrono::seconds{seconds}}; }

TEST(FormatRfc3339, WholeSecondsUtc) {
  EXPECT_EQ(FormatRfc3339(Unix(1795605656)), "2026-11-25T11:20:56Z");
  EXPECT_EQ(FormatRfc3339(Unix(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(Unix(1709164800)), "2024-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(FormatRfc3339(Unix(-1)), "1969-12-31T23:59:59Z");
}

TEST(FormatRfc3339, FractionIsTruncatedNotRounded) {
  const WallTime t = Unix(1795605656) + std::chrono::duration_cast<WallTime::duration>(999999us);
  EXPECT_EQ(FormatRfc3339(t, 3), "2026-11-25T11:20:56.999Z");
  EXPECT_EQ(FormatRfc3339(t, 0), "2026-11-25T11:20:56Z");
  EXPECT_EQ(FormatRfc3339(Unix(1795605656), 3), "2026-11-25T11:20:56.000Z");
}

TEST(FormatDate, CalendarDateUtc) { EXPECT_EQ(FormatDate(Unix(1827141656)), "2027-11-25"); }

TEST(FormatSeconds, FixedDecimalsRoundedHalfAwayFromZero) {
  EXPECT_EQ(FormatSeconds(84us), "0.000");
  EXPECT_EQ(FormatSeconds(45312us), "0.045");
  EXPECT_EQ(FormatSeconds(1500us), "0.002");
  EXPECT_EQ(FormatSeconds(-1500us), "-0.002");
  EXPECT_EQ(FormatSeconds(-100us), "0.000");  // never "-0.000"
  EXPECT_EQ(FormatSeconds(30s), "30.000");
  EXPECT_EQ(FormatSeconds(86399s, 0), "86399");
  EXPECT_EQ(FormatSeconds(45312us, 6), "0.045312");
}

TEST(FormatSeconds, SignedAndMillis) {
  EXPECT_EQ(FormatSignedSeconds(-31ms), "-0.031");
  EXPECT_EQ(FormatSignedSeconds(350ms), "+0.350");
  EXPECT_EQ(FormatMillis(1812us), "1.8");
  EXPECT_EQ(FormatMillis(29825658us), "29825.7");
  EXPECT_EQ(FormatMillis(0us), "0.0");
}

TEST(FormatUnixSeconds, Decimals) {
  EXPECT_EQ(FormatUnixSeconds(Unix(1795605656)), "1795605656.000");
  EXPECT_EQ(FormatUnixSeconds(Unix(1795605656) + 1500ms), "1795605657.500");
}

TEST(DaysLeft, FloorsTowardsThePast) {
  const WallTime now = Unix(1795605656);
  EXPECT_EQ(DaysLeft(now + 365 * 24h + 39min, now), 365);
  EXPECT_EQ(DaysLeft(now + 23h, now), 0);
  EXPECT_EQ(DaysLeft(now - 1h, now), -1);
  EXPECT_EQ(DaysLeft(now - 5 * 24h, now), -5);
}

TEST(FormatExpiry, FutureTodayAndPast) {
  const WallTime now = Unix(1795605656);
  EXPECT_EQ(FormatExpiry(now + 365 * 24h + 1h, now), "expires 2027-11-25 (365 days)");
  EXPECT_EQ(FormatExpiry(now + 25h, now), "expires 2026-11-26 (1 day)");
  EXPECT_EQ(FormatExpiry(now + 2h, now), "expires 2026-11-25 (today)");
  EXPECT_EQ(FormatExpiry(now - 2h, now), "expired 2026-11-25 (today)");
  EXPECT_EQ(FormatExpiry(now - 5 * 24h, now), "expired 2026-11-20 (5 days ago)");
}

TEST(IndentContinuation, WindowsLineEndsAndTrailingSpace) {
  EXPECT_EQ(IndentContinuation("a\r\nb \r\n\r\nc\n", 4), "a\n    b\n\n    c");
  EXPECT_EQ(IndentContinuation("single", 4), "single");
  EXPECT_EQ(IndentContinuation("x\ry", 2), "x\n  y");
  EXPECT_EQ(IndentContinuation("", 2), "");
}

}  // namespace
}  // namespace pushprobe::render
