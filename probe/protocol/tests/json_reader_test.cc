#include "probe/protocol/json_reader.h"

#include <string>

#include <gtest/gtest.h>

namespace pushprobe::json {
namespace {

TEST(JsonReaderTest, ReadsEveryKindInDocumentOrder) {
  auto v =
      Parse(R"( {"s":"x","n":-12.5e+3,"t":true,"f":false,"z":null,"a":[1,[],{}],"o":{"k":"v"}} )");
  ASSERT_TRUE(v.ok()) << v.error();
  ASSERT_TRUE(v->is_object());
  const auto& m = v->members();
  ASSERT_EQ(m.size(), 7u);
  EXPECT_EQ(m[0].first, "s");
  EXPECT_EQ(m[0].second.kind(), Value::Kind::kString);
  EXPECT_EQ(m[0].second.text(), "x");
  EXPECT_EQ(m[1].second.kind(), Value::Kind::kNumber);
  EXPECT_EQ(m[1].second.text(), "-12.5e+3");  // the literal as written
  EXPECT_EQ(m[2].second.kind(), Value::Kind::kBoolean);
  EXPECT_EQ(m[2].second.text(), "true");
  EXPECT_EQ(m[3].second.text(), "false");
  EXPECT_TRUE(m[4].second.is_null());
  ASSERT_TRUE(m[5].second.is_array());
  ASSERT_EQ(m[5].second.elements().size(), 3u);
  EXPECT_EQ(m[5].second.elements()[0].text(), "1");
  EXPECT_TRUE(m[5].second.elements()[1].is_array());
  EXPECT_TRUE(m[5].second.elements()[2].is_object());
  ASSERT_TRUE(m[6].second.is_object());
  EXPECT_EQ(m[6].second.members()[0].second.text(), "v");
}

TEST(JsonReaderTest, TopLevelScalarsAndArraysAreValues) {
  for (const char* text : {"null", "0", "\"x\"", "[1]", "true"}) {
    auto v = Parse(text);
    ASSERT_TRUE(v.ok()) << text << ": " << v.error();
    EXPECT_FALSE(v->is_object()) << text;
  }
}

TEST(JsonReaderTest, DecodesEscapes) {
  struct Case {
    const char* json;
    std::string text;
  };
  const Case cases[] = {
      {R"("a\"b\\c\/d")", "a\"b\\c/d"},
      {R"("\b\f\n\r\t")", "\b\f\n\r\t"},
      {R"("\u0041\u00e9\u20AC")", "A\xC3\xA9\xE2\x82\xAC"},
      {R"("\ud83d\ude00")", "\xF0\x9F\x98\x80"},  // a surrogate pair: U+1F600
      {"\"caf\xC3\xA9\"", "caf\xC3\xA9"},         // raw UTF-8 passes through
      {R"("\u0000")", std::string(1, '\0')},
  };
  for (const Case& c : cases) {
    auto v = Parse(c.json);
    ASSERT_TRUE(v.ok()) << c.json << ": " << v.error();
    EXPECT_EQ(v->text(), c.text) << c.json;
  }
}

TEST(JsonReaderTest, RefusesLoneSurrogatesInvalidUtf8AndInfiniteNumbers) {
  struct Case {
    std::string json;
    const char* error;
  };
  const Case cases[] = {
      {R"("\ud83dx")",
       "syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be "
       "followed by U+DC00..U+DFFF at offset 7"},
      {R"("\ude00")",
       "syntax error while parsing value - invalid string: surrogate U+DC00..U+DFFF must follow "
       "U+D800..U+DBFF at offset 6"},
      {"\"caf\xE9\"",
       "syntax error while parsing value - invalid string: ill-formed UTF-8 byte "
       "at offset 5"},
      {"[1e400]", "number overflow parsing '1e400' at offset 5"},
  };
  for (const Case& c : cases) {
    auto v = Parse(c.json);
    ASSERT_FALSE(v.ok()) << c.json;
    EXPECT_EQ(v.error(), c.error) << c.json;
  }
}

TEST(JsonReaderTest, ErrorsNeverRepeatTheBytesRead) {
  // A body cut short inside a string may be a token; the error says where, not what.
  auto v = Parse(R"({"access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOi)");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().find("eyJ"), std::string::npos) << v.error();
  EXPECT_EQ(v.error(),
            "syntax error while parsing value - invalid string: missing closing quote "
            "at offset 43");
}

TEST(JsonReaderTest, NumbersKeepTheirLiteral) {
  auto v = Parse("[1.50, 2E3, 18446744073709551615, 18446744073709551616, -9223372036854775808]");
  ASSERT_TRUE(v.ok()) << v.error();
  const auto& e = v->elements();
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0].text(), "1.50");
  EXPECT_EQ(e[1].text(), "2E3");
  EXPECT_EQ(e[2].text(), "18446744073709551615");
  EXPECT_EQ(e[3].text(), "18446744073709551616");  // beyond 64 bits: the literal, not a double
  EXPECT_EQ(e[4].text(), "-9223372036854775808");
}

TEST(JsonReaderTest, SkipsAByteOrderMark) {
  auto v = Parse("\xEF\xBB\xBF{\"a\":1}");
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(v->members().at(0).second.text(), "1");
}

TEST(JsonReaderTest, KeepsDuplicateNames) {
  auto v = Parse(R"({"a":1,"a":2})");
  ASSERT_TRUE(v.ok()) << v.error();
  ASSERT_EQ(v->members().size(), 2u);
  EXPECT_EQ(v->members()[1].second.text(), "2");
}

TEST(JsonReaderTest, RejectsWhatRfc8259Rejects) {
  struct Case {
    std::string json;
    const char* error;
  };
  const Case cases[] = {
      {"", "empty text"},
      {" \n\t", "empty text"},
      {"{",
       "syntax error while parsing object key - unexpected end of input; expected string literal "
       "at offset 1"},
      {"{\"a\" 1}",
       "syntax error while parsing object separator - unexpected number literal; expected ':' at "
       "offset 5"},
      {"{\"a\":}",
       "syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal at "
       "offset 5"},
      {"{\"a\":1,}",
       "syntax error while parsing object key - unexpected '}'; expected string literal at offset "
       "7"},
      {"{'a':1}",
       "syntax error while parsing object key - invalid literal; expected string literal at offset "
       "1"},
      {"{a:1}",
       "syntax error while parsing object key - invalid literal; expected string literal at offset "
       "1"},
      {"[1,]",
       "syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal at "
       "offset 3"},
      {"[1 2]",
       "syntax error while parsing array - unexpected number literal; expected ']' at offset 3"},
      {"{\"a\":1 \"b\":2}",
       "syntax error while parsing object - unexpected string literal; expected '}' at offset 9"},
      {"{} x",
       "syntax error while parsing value - invalid literal; expected end of input at offset 3"},
      {"{}{}",
       "syntax error while parsing value - unexpected '{'; expected end of input at offset 2"},
      {"tru", "syntax error while parsing value - invalid literal at offset 3"},
      {"True", "syntax error while parsing value - invalid literal at offset 0"},
      {"NaN", "syntax error while parsing value - invalid literal at offset 0"},
      {"01",
       "syntax error while parsing value - unexpected number literal; expected end of input at "
       "offset 1"},
      {"-",
       "syntax error while parsing value - invalid number; expected digit after '-' at offset 1"},
      {"+1", "syntax error while parsing value - invalid literal at offset 0"},
      {".5", "syntax error while parsing value - invalid literal at offset 0"},
      {"1.",
       "syntax error while parsing value - invalid number; expected digit after '.' at offset 2"},
      {"1e",
       "syntax error while parsing value - invalid number; expected '+', '-', or digit after "
       "exponent at offset 2"},
      {"\"abc",
       "syntax error while parsing value - invalid string: missing closing quote at offset 4"},
      {"\"a\\",
       "syntax error while parsing value - invalid string: forbidden character after backslash at "
       "offset 3"},
      {"\"\\x\"",
       "syntax error while parsing value - invalid string: forbidden character after backslash at "
       "offset 2"},
      {"\"\\u12\"",
       "syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits "
       "at offset 5"},
      {"\"\\u12G4\"",
       "syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits "
       "at offset 5"},
      {std::string("\"a\x01\""),
       "syntax error while parsing value - invalid string: control character U+0001 (SOH) must be "
       "escaped to \\u0001 at offset 2"},
      {std::string("\"a\nb\""),
       "syntax error while parsing value - invalid string: control character U+000A (LF) must be "
       "escaped to \\u000A or \\n at offset 2"},
      {std::string("\x80"), "syntax error while parsing value - invalid literal at offset 0"},
      {"// comment\n{}", "syntax error while parsing value - invalid literal at offset 0"},
  };
  for (const Case& c : cases) {
    auto v = Parse(c.json);
    ASSERT_FALSE(v.ok()) << c.json;
    EXPECT_EQ(v.error(), c.error) << c.json;
  }
}

TEST(JsonReaderTest, BoundsTheNestingDepth) {
  const std::string deepest_allowed = std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']');
  EXPECT_TRUE(Parse(deepest_allowed).ok());
  const std::string too_deep = std::string(kMaxDepth + 1, '[') + std::string(kMaxDepth + 1, ']');
  auto v = Parse(too_deep);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error(), "nested deeper than 64 levels");
  // Far deeper than any stack would survive without the bound.
  EXPECT_FALSE(Parse(std::string(1'000'000, '{')).ok());
  EXPECT_FALSE(Parse(std::string(1'000'000, '[')).ok());
}

}  // namespace
}  // namespace pushprobe::json
