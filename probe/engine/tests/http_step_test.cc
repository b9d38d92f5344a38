#include "probe/engine/http_step.h"

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

TEST(BodySnippetTest, LineBreaksNamedOtherControlBytesInUpperCaseHex) {
  EXPECT_EQ(BodySnippet(std::string("a\r\nb\tc\x1f\x7f", 8)), R"(a\r\nb\x09c\x1F\x7F)");
}

TEST(BodySnippetTest, CutAfterMaxChars) {
  EXPECT_EQ(BodySnippet("abcdef", 3), "abc...");
  EXPECT_EQ(BodySnippet("abc", 3), "abc");
}

}  // namespace
}  // namespace pushprobe
