#include "probe/protocol/encoding.h"

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

struct Base64Case {
  std::string bytes;
  std::string std;
  std::string url;
};

// RFC 4648 section 10, plus bytes that differ between the two alphabets.
const Base64Case kBase64Cases[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    {std::string("\xfb\xff\xbf", 3), "+/+/", "-_-_"},
};

TEST(Base64Test, EncodesBothAlphabets) {
  for (const auto& c : kBase64Cases) {
    EXPECT_EQ(Base64Encode(c.bytes), c.std) << c.bytes;
    EXPECT_EQ(Base64UrlEncode(c.bytes), c.url) << c.bytes;
  }
}

TEST(Base64Test, DecodesBothAlphabetsWithAndWithoutPadding) {
  for (const auto& c : kBase64Cases) {
    auto from_std = Base64Decode(c.std);
    ASSERT_TRUE(from_std.ok()) << from_std.error();
    EXPECT_EQ(*from_std, c.bytes);
    auto from_url = Base64Decode(c.url);
    ASSERT_TRUE(from_url.ok()) << from_url.error();
    EXPECT_EQ(*from_url, c.bytes);
  }
}

TEST(Base64Test, IgnoresWhitespace) {
  auto d = Base64Decode(" Zm9v\r\nYmFy\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "foobar");
}

TEST(Base64Test, ErrorsAreSpecific) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"Zm!v", "invalid base64 character at offset 2"},
      {"Zm9vY", "truncated base64"},
      {"Zg=x", "base64 data after padding at offset 3"},
      {"Zg===", "bad base64 padding"},
      {"Zm9v=", "bad base64 padding"},
  };
  for (const auto& c : cases) {
    auto d = Base64Decode(c.text);
    ASSERT_FALSE(d.ok()) << c.text;
    EXPECT_EQ(d.error(), c.error) << c.text;
  }
}

TEST(FormUrlEncodeTest, KeepsUnreservedEncodesTheRest) {
  EXPECT_EQ(FormUrlEncode("http://oauth.net/grant_type/jwt/1.0/bearer"),
            "http%3A%2F%2Foauth.net%2Fgrant_type%2Fjwt%2F1.0%2Fbearer");
  EXPECT_EQ(FormUrlEncode("a b+c~d-e_f.g"), "a+b%2Bc~d-e_f.g");
  EXPECT_EQ(FormUrlEncode("x@y/z=&\xc3\xa9"), "x%40y%2Fz%3D%26%C3%A9");
}

TEST(ToLowerAsciiTest, LeavesNonAsciiAlone) {
  EXPECT_EQ(ToLowerAscii("KeyInfo-\xC3\x89"), "keyinfo-\xC3\x89");
}

}  // namespace
}  // namespace pushprobe
