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
      {R"("\ud83dx")", "\xEF\xBF\xBDx"},          // lone high surrogate: U+FFFD
      {R"("\ude00")", "\xEF\xBF\xBD"},            // lone low surrogate
      {R"("\ud83d\u0041")",
       "\xEF\xBF\xBD"
       "A"},                               // high surrogate, then no low one
      {"\"caf\xC3\xA9\"", "caf\xC3\xA9"},  // raw UTF-8 passes through
      {R"("\u0000")", std::string(1, '\0')},
  };
  for (const Case& c : cases) {
    auto v = Parse(c.json);
    ASSERT_TRUE(v.ok()) << c.json << ": " << v.error();
    EXPECT_EQ(v->text(), c.text) << c.json;
  }
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
      {"{", "text ends where a member name in quotes was expected at offset 1"},
      {"{\"a\" 1}", "unexpected character '1', expected ':' at offset 5"},
      {"{\"a\":}", "unexpected character '}', expected a value at offset 5"},
      {"{\"a\":1,}", "unexpected character '}', expected a member name in quotes at offset 7"},
      {"{'a':1}", "unexpected character ''', expected a member name in quotes at offset 1"},
      {"{a:1}", "unexpected character 'a', expected a member name in quotes at offset 1"},
      {"[1,]", "unexpected character ']', expected a value at offset 3"},
      {"[1 2]", "unexpected character '2', expected ',' or ']' at offset 3"},
      {"{\"a\":1 \"b\":2}", "unexpected character '\"', expected ',' or '}' at offset 7"},
      {"{} x", "unexpected character 'x' after the value at offset 3"},
      {"{}{}", "unexpected character '{' after the value at offset 2"},
      {"tru", "unexpected character 't', expected a value at offset 0"},
      {"True", "unexpected character 'T', expected a value at offset 0"},
      {"NaN", "unexpected character 'N', expected a value at offset 0"},
      {"01", "unexpected character '1' after the value at offset 1"},
      {"-", "text ends where a digit was expected at offset 1"},
      {"+1", "unexpected character '+', expected a value at offset 0"},
      {".5", "unexpected character '.', expected a value at offset 0"},
      {"1.", "text ends where a digit after the decimal point was expected at offset 2"},
      {"1e", "text ends where a digit in the exponent was expected at offset 2"},
      {"\"abc", "text ends inside a string at offset 4"},
      {"\"a\\", "text ends inside a string at offset 3"},
      {"\"\\x\"", "invalid escape \\x in a string at offset 2"},
      {"\"\\u12\"", "text ends inside a \\u escape at offset 3"},
      {"\"\\u12G4\"", "unexpected character 'G', expected a hex digit in a \\u escape at offset 5"},
      {std::string("\"a\x01\""), "unescaped control byte 0x01 in a string at offset 2"},
      {std::string("\"a\nb\""), "unescaped control byte 0x0A in a string at offset 2"},
      {std::string("\x80"), "unexpected byte 0x80, expected a value at offset 0"},
      {"// comment\n{}", "unexpected character '/', expected a value at offset 0"},
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
  EXPECT_EQ(v.error(), "nested deeper than 64 levels at offset 64");
  // Far deeper than any stack would survive without the bound.
  EXPECT_FALSE(Parse(std::string(1'000'000, '{')).ok());
  EXPECT_FALSE(Parse(std::string(1'000'000, '[')).ok());
}

}  // namespace
}  // namespace pushprobe::json
