#include "exporters/basic_auth.h"

#include <crypt.h>

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace pushprobe::exporter {
namespace {

// Hashes are made here with libxcrypt (crypt_gensalt_rn + crypt_rn) at cost
// 4, bcrypt's lowest, so the tests stay fast; the exporter's files normally
// hold cost 10 hashes from htpasswd -B.
std::string Hash(const std::string& password, const char* prefix = "$2b$") {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* out = crypt_rn(password.c_str(), setting, &data, sizeof data);
  EXPECT_NE(out, nullptr);
  return out ? out : "";
}

std::string Header(const std::string& user_colon_password) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  const std::string& in = user_colon_password;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned int n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return "Basic " + out;
}

TEST(BasicAuthTest, ParsesTheBasicScheme) {
  Expected<BasicCredentials> parsed = ParseBasicAuthorization("Basic YWxpY2U6cGE6c3M=");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->user, "alice");
  EXPECT_EQ(parsed->password, "pa:ss");  // the first colon separates
  parsed = ParseBasicAuthorization("basic   YWxpY2U6");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->user, "alice");
  EXPECT_EQ(parsed->password, "");
  for (const char* bad :
       {"", "Basic", "Basic ", "Bearer YWxpY2U6cA==", "BasicYWxpY2U6cA==", "Basic YWxpY2U",
        "Basic !!!!", "Basic YWxpY2U6cA==x", "Digest username=alice"}) {
    EXPECT_FALSE(ParseBasicAuthorization(bad).ok()) << bad;
  }
}

TEST(BasicAuthTest, RightPasswordPassesWrongOneAndUnknownUserFail) {
  const std::map<std::string, std::string> users = {{"alice", Hash("s3cret")},
                                                    {"bob", Hash("other")}};
  BasicAuth auth;
  EXPECT_TRUE(auth.Verify(users, Header("alice:s3cret")));
  EXPECT_FALSE(auth.Verify(users, Header("alice:s3cret ")));
  EXPECT_FALSE(auth.Verify(users, Header("alice:other")));
  EXPECT_FALSE(auth.Verify(users, Header("bob:s3cret")));
  EXPECT_FALSE(auth.Verify(users, Header("carol:s3cret")));
  EXPECT_FALSE(auth.Verify(users, ""));
  EXPECT_FALSE(auth.Verify(users, std::string("Basic ") + "YWxpY2U6czNjcmV0AA=="));  // NUL
  EXPECT_FALSE(auth.Verify({}, Header("alice:s3cret")));
}

TEST(BasicAuthTest, AcceptsHtpasswdsTwoYAndTwoAPrefixes) {
  // $2y$ (htpasswd, PHP) and $2b$ are the same algorithm: the hash made as
  // $2b$ verifies with the prefix changed, which is how htpasswd's $2y$
  // hashes reach crypt_rn.
  std::string hash = Hash("pw");
  std::string y = "$2y$" + hash.substr(4);
  std::string a = "$2a$" + hash.substr(4);
  BasicAuth auth;
  EXPECT_TRUE(auth.Verify({{"u", y}}, Header("u:pw")));
  EXPECT_TRUE(auth.Verify({{"u", a}}, Header("u:pw")));
  EXPECT_FALSE(auth.Verify({{"u", y}}, Header("u:pW")));
}

TEST(BasicAuthTest, ASuccessIsCachedAFailureIsNot) {
  const std::map<std::string, std::string> users = {{"alice", Hash("s3cret")}};
  BasicAuth auth;
  EXPECT_TRUE(auth.Verify(users, Header("alice:s3cret")));
  EXPECT_EQ(auth.bcrypt_runs(), 1u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(auth.Verify(users, Header("alice:s3cret")));
  EXPECT_EQ(auth.bcrypt_runs(), 1u);  // scrapes after the first pay no bcrypt

  EXPECT_FALSE(auth.Verify(users, Header("alice:guess")));
  EXPECT_FALSE(auth.Verify(users, Header("alice:guess")));
  EXPECT_EQ(auth.bcrypt_runs(), 3u);
  EXPECT_FALSE(auth.Verify(users, Header("mallory:guess")));  // unknown users cost one too
  EXPECT_EQ(auth.bcrypt_runs(), 4u);

  // A new hash for the same user (password changed in the file): the old
  // password's cached success must not let it in.
  const std::map<std::string, std::string> changed = {{"alice", Hash("new")}};
  EXPECT_FALSE(auth.Verify(changed, Header("alice:s3cret")));
  EXPECT_TRUE(auth.Verify(changed, Header("alice:new")));
  EXPECT_EQ(auth.bcrypt_runs(), 6u);
}

}  // namespace
}  // namespace pushprobe::exporter
