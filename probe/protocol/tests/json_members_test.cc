#include "probe/protocol/json_members.h"

#include <gtest/gtest.h>

namespace pushprobe::json {
namespace {

Value Object(const char* text) {
  auto v = ParseObject(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.error();
  return v.ok() ? std::move(v).value() : Value();
}

TEST(JsonMembersTest, ParseObjectNamesWhatIsWrong) {
  EXPECT_EQ(ParseObject("[1]").error(), "not a JSON object");
  EXPECT_EQ(ParseObject("null").error(), "not a JSON object");
  EXPECT_EQ(ParseObject("<html>").error(),
            "not JSON: syntax error while parsing value - invalid literal at offset 0");
  EXPECT_TRUE(ParseObject("\xEF\xBB\xBF{}").ok());
}

TEST(JsonMembersTest, NamesMatchCaseInsensitivelyWithExactCasePreferred) {
  Value doc = Object(R"({"message":"folded","Message":"exact","MESSAGE":"other"})");
  EXPECT_EQ(String(doc, "Message"), "exact");
  EXPECT_EQ(String(doc, "mEsSaGe"), "folded");  // no exact match: the first folded one
  EXPECT_EQ(String(doc, "absent"), std::nullopt);
  // Duplicates of one exact name: the last wins.
  EXPECT_EQ(String(Object(R"({"a":"1","a":"2"})"), "a"), "2");
}

TEST(JsonMembersTest, StringConvertsScalarsOnly) {
  Value doc = Object(R"({"s":"x","n":86399,"f":1.5,"b":true,"z":null,"a":[],"o":{}})");
  EXPECT_EQ(String(doc, "s"), "x");
  EXPECT_EQ(String(doc, "n"), "86399");
  EXPECT_EQ(String(doc, "f"), "1.5");
  EXPECT_EQ(String(doc, "b"), "true");
  EXPECT_EQ(String(doc, "z"), std::nullopt);
  EXPECT_EQ(String(doc, "a"), std::nullopt);
  EXPECT_EQ(String(doc, "o"), std::nullopt);
}

TEST(JsonMembersTest, IntegerAcceptsNumbersAndDecimalStrings) {
  Value doc = Object(R"({"n":86399,"neg":-5,"s":"86399","sp":" 42 ","frac":3599.9,"exp":8.6399e4,)"
                     R"("max":9223372036854775807,"over":9223372036854775808,"huge":1e300,)"
                     R"("word":"soon","empty":"","z":null,"b":true,"a":[1]})");
  EXPECT_EQ(Integer(doc, "n"), 86399);
  EXPECT_EQ(Integer(doc, "neg"), -5);
  EXPECT_EQ(Integer(doc, "s"), 86399);
  EXPECT_EQ(Integer(doc, "sp"), 42);
  EXPECT_EQ(Integer(doc, "frac"), 3599);  // fraction dropped
  EXPECT_EQ(Integer(doc, "exp"), 86399);
  EXPECT_EQ(Integer(doc, "max"), INT64_MAX);
  EXPECT_EQ(Integer(doc, "over"), std::nullopt);
  EXPECT_EQ(Integer(doc, "huge"), std::nullopt);
  EXPECT_EQ(Integer(doc, "word"), std::nullopt);
  EXPECT_EQ(Integer(doc, "empty"), std::nullopt);
  EXPECT_EQ(Integer(doc, "z"), std::nullopt);
  EXPECT_EQ(Integer(doc, "b"), std::nullopt);
  EXPECT_EQ(Integer(doc, "a"), std::nullopt);
}

TEST(JsonMembersTest, BooleanAcceptsLiteralsAndTheirStrings) {
  Value doc = Object(R"({"t":true,"f":false,"st":"True","sf":"FALSE","n":1,"s":"yes"})");
  EXPECT_EQ(Boolean(doc, "t"), true);
  EXPECT_EQ(Boolean(doc, "f"), false);
  EXPECT_EQ(Boolean(doc, "st"), true);
  EXPECT_EQ(Boolean(doc, "sf"), false);
  EXPECT_EQ(Boolean(doc, "n"), std::nullopt);
  EXPECT_EQ(Boolean(doc, "s"), std::nullopt);
}

TEST(JsonMembersTest, ContainerMembersByKind) {
  Value doc = Object(R"({"o":{"k":1},"a":[1,2],"s":"x"})");
  ASSERT_NE(ObjectMember(doc, "O"), nullptr);
  EXPECT_EQ(ObjectMember(doc, "a"), nullptr);
  ASSERT_NE(ArrayMember(doc, "a"), nullptr);
  EXPECT_EQ(ArrayMember(doc, "a")->elements().size(), 2u);
  EXPECT_EQ(ArrayMember(doc, "o"), nullptr);
  EXPECT_EQ(ArrayMember(doc, "s"), nullptr);
}

}  // namespace
}  // namespace pushprobe::json
