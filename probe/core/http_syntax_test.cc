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

}  // namespace
}  // namespace pushprobe
