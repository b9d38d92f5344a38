#include "probe/core/quote_text.h"

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

// The one rule: quotes and backslashes escaped, line breaks and tabs named,
// other control characters as \xNN in upper-case hex, UTF-8 unchanged.
TEST(QuoteTextTest, EscapesByTheOneRuleWithUpperCaseHex) {
  EXPECT_EQ(QuoteText(""), R"("")");
  EXPECT_EQ(QuoteText("a \"b\" \\ c"), R"("a \"b\" \\ c")");
  EXPECT_EQ(QuoteText("\r\n\t"), R"("\r\n\t")");
  EXPECT_EQ(QuoteText(std::string("\x00\x1b\x1f\x7f", 4)), R"("\x00\x1B\x1F\x7F")");
  EXPECT_EQ(QuoteText("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
}

TEST(QuoteTextTest, HexEscapeIsTheSameCasing) {
  std::string out;
  AppendHexEscape(out, 0x1b);
  AppendHexEscape(out, 0xab);
  EXPECT_EQ(out, R"(\x1B\xAB)");
}

// Up to the bound a value is quoted whole; past it, a prefix cut back to a
// character boundary (never half a UTF-8 sequence) and the whole length.
TEST(QuoteExcerptTest, QuotesShortTextWholeAndCutsLongTextOnACharacter) {
  const std::string at_bound(kQuoteExcerptBytes, 'a');
  EXPECT_EQ(QuoteExcerpt(at_bound), QuoteText(at_bound));
  EXPECT_EQ(QuoteExcerpt(at_bound + "b"), QuoteText(at_bound) + "... (81 bytes)");
  // "a" then 2-byte characters: the bound falls inside the 40th one.
  std::string accents = "a";
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
  std::string kept = "a";
  for (int i = 0; i < 39; ++i) kept += "\xC3\xA9";
  EXPECT_EQ(QuoteExcerpt(accents), QuoteText(kept) + "... (201 bytes)");
}

TEST(QuoteExcerptTest, TakesItsBoundAndNeverSplitsAFourByteCharacter) {
  // "ab" then U+1F600 (4 bytes): a bound of 3, 4 or 5 falls inside it.
  const std::string text =
      "ab\xF0\x9F\x98\x80"
      "cd";
  for (std::size_t max : {3u, 4u, 5u}) {
    EXPECT_EQ(QuoteExcerpt(text, max), "\"ab\"... (8 bytes)") << max;
    EXPECT_EQ(Excerpt(text, max), "ab... (8 bytes)") << max;
  }
  EXPECT_EQ(Excerpt(text, 6), "ab\xF0\x9F\x98\x80... (8 bytes)");
  EXPECT_EQ(Excerpt(text, 8), text);
  // Not quoted, not escaped: the logger that takes it does both.
  EXPECT_EQ(Excerpt("a\r\nb", 2), "a\r... (4 bytes)");
  EXPECT_EQ(QuoteExcerpt("a\r\nb", 2), "\"a\\r\"... (4 bytes)");
}

}  // namespace
}  // namespace pushprobe
