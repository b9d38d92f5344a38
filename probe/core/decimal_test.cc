#include "probe/core/decimal.h"

#include <gtest/gtest.h>

#include <string_view>

namespace pushprobe {
namespace {

TEST(DecimalTest, DigitsAreTheValue) {
  EXPECT_EQ(*ParseDecimal("0"), 0u);
  EXPECT_EQ(*ParseDecimal("007"), 7u);  // leading zeros are digits
  EXPECT_EQ(*ParseDecimal("1234567890"), 1234567890u);
  EXPECT_EQ(*ParseDecimal("18446744073709551615"), 18446744073709551615u);
}

TEST(DecimalTest, EmptyIsItsOwnError) {
  ASSERT_FALSE(ParseDecimal("").ok());
  EXPECT_EQ(ParseDecimal("").error(), DecimalError::kEmpty);
}

// What no caller accepted before: a sign, a space, anything but '0'-'9'
// (a caller that takes a sign strips it first).
TEST(DecimalTest, SignsSpacesAndOtherBytesAreNotDigits) {
  for (std::string_view bad : {"+1", "-1", " 1", "1 ", "1\t", "1.0", "1e3", "0x1", "abc", "+", "-",
                               "\xd9\xa1" /* ARABIC-INDIC DIGIT ONE */}) {
    const auto parsed = ParseDecimal(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error(), DecimalError::kNotDigit) << bad;
  }
  EXPECT_EQ(ParseDecimal(std::string_view("1\0", 2)).error(), DecimalError::kNotDigit);
}

TEST(DecimalTest, BeyondSixtyFourBitsIsTooLarge) {
  for (std::string_view big :
       {"18446744073709551616", "99999999999999999999", "123456789012345678901234567890"}) {
    const auto parsed = ParseDecimal(big);
    ASSERT_FALSE(parsed.ok()) << big;
    EXPECT_EQ(parsed.error(), DecimalError::kTooLarge) << big;
  }
}

}  // namespace
}  // namespace pushprobe
