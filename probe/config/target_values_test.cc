#include "probe/config/target_values.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pushprobe {
namespace {

TEST(TargetValuesTest, Guids) {
  EXPECT_TRUE(IsGuid("00000002-0000-0ff1-ce00-000000000000"));
  EXPECT_TRUE(IsGuid("6A2B3C4D-1111-4222-8333-944455556666"));
  EXPECT_FALSE(IsGuid(""));
  EXPECT_FALSE(IsGuid("00000002-0000-0ff1-ce00-00000000000"));     // 35 characters
  EXPECT_FALSE(IsGuid("{00000002-0000-0ff1-ce00-000000000000}"));  // braces
  EXPECT_FALSE(IsGuid("000000020000-0ff1-ce00-0000-000000000000"));
  EXPECT_FALSE(IsGuid("00000002-0000-0ff1-ce00-00000000000g"));
}

TEST(TargetValuesTest, DomainNames) {
  EXPECT_TRUE(IsDomainName("fabrikam.com"));
  EXPECT_TRUE(IsDomainName("fabrikam.onmicrosoft.com"));
  EXPECT_TRUE(IsDomainName("x-1.example"));
  EXPECT_FALSE(IsDomainName("fabrikam"));     // one label
  EXPECT_FALSE(IsDomainName("192.168.0.1"));  // an address
  EXPECT_FALSE(IsDomainName("-a.example"));   // label starts with '-'
  EXPECT_FALSE(IsDomainName("a..example"));   // empty label
  EXPECT_FALSE(IsDomainName("a_b.example"));  // not a hostname character
  EXPECT_FALSE(IsDomainName(std::string(64, 'a') + ".example"));
}

TEST(TargetValuesTest, DerivedUrlsFollowTheFlow) {
  TargetConfig acs;
  acs.organization = "fabrikam.com";
  EXPECT_EQ(DefaultAuthMetadataUrl(acs),
            "https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=fabrikam.com");

  TargetConfig v2 = acs;
  v2.token_flow = TokenFlow::kIdentityPlatform;
  v2.tenant = "contoso.onmicrosoft.com";
  EXPECT_EQ(DefaultAuthMetadataUrl(v2),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/"
            ".well-known/openid-configuration");
  EXPECT_EQ(DefaultTokenUrl(v2),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
}

TEST(TargetValuesTest, Shards) {
  for (const auto& [text, name] :
       std::vector<std::pair<std::string, std::string>>{{"0/1", "0/1"},
                                                        {"0/2", "0/2"},
                                                        {"1/2", "1/2"},
                                                        {"9999/10000", "9999/10000"},
                                                        {"007/10", "7/10"}}) {
    Expected<Shard> shard = ParseShard(text);
    ASSERT_TRUE(shard.ok()) << text;
    EXPECT_EQ(ShardName(*shard), name);
  }
  for (const char* bad : {"", "0", "/", "0/", "/2", "2/2", "3/2", "0/0", "-1/2", "0/-2", "1 /2",
                          "0/2/3", "0x1/2", "1/10001", "0/99999999999999999999", "a/b", "0.5/2"}) {
    Expected<Shard> shard = ParseShard(bad);
    EXPECT_FALSE(shard.ok()) << bad;
    EXPECT_NE(shard.error().find("I/N"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace pushprobe
