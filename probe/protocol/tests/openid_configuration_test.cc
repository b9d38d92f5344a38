#include "probe/protocol/openid_configuration.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace pushprobe {
namespace {

// The members of login.microsoftonline.com's answer that matter, plus some that do not.
constexpr const char* kSample =
    R"({"token_endpoint":"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/v2.0/token",)"
    R"("token_endpoint_auth_methods_supported":["client_secret_post","private_key_jwt","client_secret_basic"],)"
    R"("jwks_uri":"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/discovery/v2.0/keys",)"
    R"("response_modes_supported":["query","fragment","form_post"],)"
    R"("issuer":"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",)"
    R"("request_uri_parameter_supported":false,"tenant_region_scope":"EU",)"
    R"("cloud_instance_name":"microsoftonline.com"})";

TEST(OpenIdConfigurationTest, ParsesTenantAndTokenEndpoint) {
  auto md = ParseOpenIdConfiguration(kSample);
  ASSERT_TRUE(md.ok()) << md.error();
  EXPECT_EQ(md->realm, "9188040d-6c67-4c5b-b112-36a304b66dad");
  EXPECT_EQ(md->issuer,
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0");
  EXPECT_EQ(md->issuer_principal, "");
  EXPECT_EQ(md->token_endpoint,
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/v2.0/"
            "token");
  EXPECT_TRUE(md->signing_certificates_der.empty());
}

TEST(OpenIdConfigurationTest, AcceptsTheV1IssuerFormAndAnyCase) {
  auto md = ParseOpenIdConfiguration(
      R"({"Issuer":"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",)"
      R"("TOKEN_ENDPOINT":"https://login.microsoftonline.com/x/oauth2/token"})");
  ASSERT_TRUE(md.ok()) << md.error();
  EXPECT_EQ(md->realm, "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(md->token_endpoint, "https://login.microsoftonline.com/x/oauth2/token");
}

TEST(OpenIdConfigurationTest, NamesWhatIsMissing) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "not JSON: "},
      {"[1]", "not a JSON object"},
      {R"({"token_endpoint":"https://login.microsoftonline.com/t/oauth2/v2.0/token"})",
       "no issuer"},
      {R"({"issuer":"","token_endpoint":"x"})", "no issuer"},
      {R"({"issuer":"https://login.microsoftonline.com/","token_endpoint":"x"})",
       "issuer \"https://login.microsoftonline.com/\" names no tenant"},
      {R"({"issuer":"tenant","token_endpoint":"x"})", "issuer \"tenant\" names no tenant"},
      {R"({"issuer":"https://login.microsoftonline.com/t/v2.0"})", "no token_endpoint"},
  };
  for (const auto& [json, error] : cases) {
    auto md = ParseOpenIdConfiguration(json);
    ASSERT_FALSE(md.ok()) << json;
    EXPECT_EQ(md.error().substr(0, std::string(error).size()), error) << json;
  }
}

}  // namespace
}  // namespace pushprobe
