#include "probe/core/ascii.h"

#include <clocale>
#include <string>

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

TEST(AsciiTest, LowerCasesAsciiLettersOnly) {
  EXPECT_EQ(ToLowerAscii("Content-LENGTH: 12"), "content-length: 12");
  // Bytes over 0x7F are left as they are (Latin-1 'À', UTF-8 'Ä').
  EXPECT_EQ(ToLowerAscii(std::string("\xC0\xC3\x84Z")), std::string("\xC0\xC3\x84z"));
  EXPECT_EQ(ToLowerAscii('Q'), 'q');
  EXPECT_EQ(ToLowerAscii('@'), '@');
  EXPECT_EQ(ToLowerAscii('['), '[');
}

TEST(AsciiTest, DigitsAreTheTenAsciiDigitsOnly) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(IsDigitAscii(c), b >= '0' && b <= '9') << "byte " << b;
  }
}

TEST(AsciiTest, EqualsIgnoreCaseComparesAsciiLettersWithoutCase) {
  EXPECT_TRUE(EqualsIgnoreCaseAscii("AADSTS700027", "aadsts700027"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("abc", "abd"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("abc", "ab"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii(std::string("\xC0"), std::string("\xE0")));
}

TEST(AsciiTest, ContainsIgnoreCaseFindsTheNeedleAnywhere) {
  EXPECT_TRUE(ContainsIgnoreCaseAscii("error AADSTS700027: client", "aadsts700027"));
  EXPECT_TRUE(ContainsIgnoreCaseAscii("x", ""));
  EXPECT_TRUE(ContainsIgnoreCaseAscii("ends with KEY", "key"));
  EXPECT_FALSE(ContainsIgnoreCaseAscii("AADSTS70002", "aadsts700027"));
  EXPECT_FALSE(ContainsIgnoreCaseAscii("", "a"));
}

TEST(AsciiTest, TheLocaleDoesNotChangeTheAnswers) {
  // In a Turkish or German locale std::tolower may map bytes over 0x7F or
  // 'I' differently; these helpers are for protocol text and must not.
  const char* chosen = nullptr;
  for (const char* name : {"tr_TR.ISO-8859-9", "tr_TR.UTF-8", "de_DE.ISO-8859-1", "de_DE.UTF-8"}) {
    if (std::setlocale(LC_ALL, name) != nullptr) {
      chosen = name;
      break;
    }
  }
  if (chosen == nullptr) GTEST_SKIP() << "no Turkish or German locale is installed here";
  EXPECT_EQ(ToLowerAscii("TITLE"), "title");
  EXPECT_EQ(ToLowerAscii(std::string("\xC0")), std::string("\xC0"));
  EXPECT_FALSE(IsDigitAscii(static_cast<char>(0xB2)));  // '²' in Latin-1
  EXPECT_TRUE(ContainsIgnoreCaseAscii("INVALID_CLIENT", "invalid_client"));
  std::setlocale(LC_ALL, "C");
}

}  // namespace
}  // namespace pushprobe
