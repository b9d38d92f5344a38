#include "nagios/number_format.h"

#include <gtest/gtest.h>

#include <clocale>
#include <limits>

#include "nagios/truncate_utf8.h"

namespace pushprobe::nagios {
namespace {

TEST(NumberFormatTest, Shortest) {
  EXPECT_EQ(FormatShortest(10), "10");
  EXPECT_EQ(FormatShortest(0.5), "0.5");
  EXPECT_EQ(FormatShortest(-2.25), "-2.25");
  EXPECT_EQ(FormatShortest(-0.0), "0");
  EXPECT_EQ(FormatShortest(1e20), "100000000000000000000");
  EXPECT_EQ(FormatShortest(std::numeric_limits<double>::infinity()), "inf");
}

TEST(NumberFormatTest, Trimmed) {
  EXPECT_EQ(FormatTrimmed(0.0312, 3), "0.031");
  EXPECT_EQ(FormatTrimmed(2.0, 3), "2");
  EXPECT_EQ(FormatTrimmed(0.1005, 6), "0.1005");
  EXPECT_EQ(FormatTrimmed(0.0000004, 6), "0");
  EXPECT_EQ(FormatTrimmed(-0.0000004, 6), "0");
  EXPECT_EQ(FormatTrimmed(12.3456789, 20), "12.3456789");
}

TEST(NumberFormatTest, IgnoresTheProcessLocale) {
  const char* de = std::setlocale(LC_ALL, "de_DE.UTF-8");
  if (de == nullptr) GTEST_SKIP() << "de_DE.UTF-8 locale not installed";
  std::string shortest = FormatShortest(0.5);
  std::string trimmed = FormatTrimmed(1234.5678, 2);
  std::setlocale(LC_ALL, "C");
  EXPECT_EQ(shortest, "0.5");
  EXPECT_EQ(trimmed, "1234.57");
}

TEST(TruncateUtf8Test, CutsOnACharacterBoundary) {
  EXPECT_EQ(TruncateUtf8("short", 10), "short");
  EXPECT_EQ(TruncateUtf8("abcdefghij", 8), "abcde...");
  // "ü" is two bytes; a cut through it backs up to before it.
  EXPECT_EQ(TruncateUtf8("abcü123456", 7), "abc...");
  EXPECT_EQ(TruncateUtf8("abcü123456", 8), "abcü...");
}

}  // namespace
}  // namespace pushprobe::nagios
