#include "probe/core/http_syntax.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace pushprobe {
namespace {

struct Read {
  std::string value;
  std::size_t end;
};

Read ReadAt(std::string_view text, std::size_t pos) {
  std::string value = ReadQuotedString(text, pos);
  return {value, pos};
}

TEST(ReadQuotedStringTest, ReadsUpToTheClosingQuoteAndStopsPastIt) {
  const Read r = ReadAt(R"(realm="contoso", x=1)", 6);
  EXPECT_EQ(r.value, "contoso");
  EXPECT_EQ(r.end, 15u);  // the ',' after the closing quote
}

TEST(ReadQuotedStringTest, AnEmptyStringIsEmpty) {
  const Read r = ReadAt(R"(""; next)", 0);
  EXPECT_EQ(r.value, "");
  EXPECT_EQ(r.end, 2u);
}

// A quoted-pair stands for the byte after the backslash, whatever it is: an
// escaped quote does not end the string, an escaped backslash is one.
TEST(ReadQuotedStringTest, QuotedPairsAreTheByteAfterTheBackslash) {
  EXPECT_EQ(ReadAt(R"("say \"hi\"")", 0).value, R"(say "hi")");
  EXPECT_EQ(ReadAt(R"("C:\\dir")", 0).value, R"(C:\dir)");
  EXPECT_EQ(ReadAt(R"("\a\;")", 0).value, "a;");
  const Read r = ReadAt(R"("a\\"b)", 0);  // the second quote closes it
  EXPECT_EQ(r.value, R"(a\)");
  EXPECT_EQ(r.end, 5u);
}

// Liberal: what a server cut short still reads, to the end.
TEST(ReadQuotedStringTest, AnUnterminatedStringRunsToTheEnd) {
  const Read r = ReadAt(R"(x="no end; y=1)", 2);
  EXPECT_EQ(r.value, "no end; y=1");
  EXPECT_EQ(r.end, 14u);
  EXPECT_EQ(ReadAt("\"", 0).value, "");
  EXPECT_EQ(ReadAt("\"", 0).end, 1u);
  // A backslash with nothing after it is kept.
  EXPECT_EQ(ReadAt(R"("abc\)", 0).value, R"(abc\)");
}

TEST(ReadQuotedStringTest, SeparatorsAndOtherBytesInsideAreContent) {
  EXPECT_EQ(ReadAt("\"a, b; c=d\tz\x01\xC3\xA9\"", 0).value, "a, b; c=d\tz\x01\xC3\xA9");
}

// Every byte, against RFC 9110's list: letters and digits in ASCII only (a
// locale's idea of a letter, say 0xE9, is not a tchar), NUL never.
TEST(HttpTokenTest, TokenCharsAreExactlyRfc9110s) {
  const std::string_view specials = "!#$%&'*+-.^_`|~";
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const bool expected = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') ||
                          (b != 0 && specials.find(c) != std::string_view::npos);
    EXPECT_EQ(IsTokenChar(c), expected) << "byte " << b;
  }
  static_assert(IsToken("GET") && IsToken("x-ms-diagnostics") && IsToken("Bearer"));
  static_assert(!IsToken("") && !IsToken("a b") && !IsToken("a:") && !IsToken("(x)"));
  EXPECT_FALSE(IsToken(std::string_view("a\0b", 3)));
}

TEST(HttpTokenTest, TrimOwsDropsSpacesAndTabsAroundOnly) {
  static_assert(TrimOws(" \t gzip ;q=0 \t") == "gzip ;q=0");
  static_assert(TrimOws("") == "" && TrimOws(" \t ") == "");
  // Line breaks are not OWS: a caller that means them says so.
  EXPECT_EQ(TrimOws("\r\nx\r"), "\r\nx\r");
}

}  // namespace
}  // namespace pushprobe
