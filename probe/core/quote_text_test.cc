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

}  // namespace
}  // namespace pushprobe
