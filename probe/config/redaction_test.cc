#include "probe/config/redaction.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

#include "probe/config/config_loader.h"
#include "probe/core/redact.h"

namespace pushprobe {
namespace {

const std::string kTestdata = PUSHPROBE_CONFIG_TESTDATA;

TEST(RedactedYamlTest, HidesSecretsAndShowsEverythingElse) {
  Config config;
  config.path = "/etc/pushprobe/pushprobe.yml";
  TargetConfig t;
  t.name = "fabrikam";
  t.organization = "fabrikam.com";
  t.auth_metadata_url =
      "https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=fabrikam.com";
  t.certificate = "/etc/pushprobe/auth.pem";
  t.private_key = "/etc/pushprobe/auth.key";
  t.private_key_password_file = "/etc/pushprobe/auth.pass";
  t.thumbprint = "7595DBDEA83DACB5757441D44899BCDB9911253C";
  t.next_certificate = "/etc/pushprobe/next-auth.pem";
  t.next_private_key = "/etc/pushprobe/next-auth.key";
  t.next_private_key_password_file = "/etc/pushprobe/next-auth.pass";
  t.next_effective_date = std::chrono::system_clock::from_time_t(1800001800);
  t.ca_file = "/etc/ssl/certs/ca-certificates.crt";
  t.connect_to = {{"outlook.office365.com", 443, "::1", 8443}, {"", 0, "127.0.0.1", 0}};
  t.proxy = "http://probe:s3cret@proxy.example:3128";
  t.proxy_user = "FABRIKAM\\probe";
  t.proxy_password_file = "/etc/pushprobe/proxy.pass";
  t.timeout = std::chrono::seconds(90);
  t.interval = std::chrono::minutes(5);
  t.token_flow = TokenFlow::kIdentityPlatform;
  t.application_id = "6731de76-14a6-49ae-97bc-6eba6914391e";
  t.tenant = "fabrikam.com";
  t.token_url = "https://probe:t0ken-s3cret@login.example/fabrikam.com/oauth2/v2.0/token";
  config.targets.push_back(t);
  TargetConfig bare;
  bare.name = "contoso";
  bare.organization = "contoso.com";
  bare.auth_metadata_url = "https://user:pw@metadata.example/json";
  bare.certificate = "auth.p12";
  config.targets.push_back(bare);

  EXPECT_EQ(RedactedYaml(config), R"(targets:
  - name: fabrikam
    organization: fabrikam.com
    service_uri: https://outlook.office365.com/PushNotifications
    auth_metadata_url: https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=fabrikam.com
    certificate: <redacted>
    private_key: <redacted>
    private_key_password_file: <redacted>
    thumbprint: 7595DBDEA83DACB5757441D44899BCDB9911253C
    next_certificate: <redacted>
    next_private_key: <redacted>
    next_private_key_password_file: <redacted>
    next_effective_date: 2027-01-15T08:30:00Z
    ca_file: /etc/ssl/certs/ca-certificates.crt
    connect_to:
      - outlook.office365.com:443:[::1]:8443
      - "::127.0.0.1:"
    proxy: http://<redacted>@proxy.example:3128
    proxy_user: FABRIKAM\probe
    proxy_password_file: <redacted>
    tls_max_version: "1.2"
    tls_profile: windows-2019
    tls_ciphers: []
    timeout: 1m30s
    interval: 5m
    service_name: 00000002-0000-0ff1-ce00-000000000000
    token_issuer: 00000001-0000-0000-c000-000000000000
    max_response_bytes: 1048576
    token_flow: identity-platform
    application_id: 6731de76-14a6-49ae-97bc-6eba6914391e
    tenant: fabrikam.com
    token_url: https://<redacted>@login.example/fabrikam.com/oauth2/v2.0/token
    scope: https://outlook.office365.com/.default
    concurrency: concurrent
  - name: contoso
    organization: contoso.com
    service_uri: https://outlook.office365.com/PushNotifications
    auth_metadata_url: https://<redacted>@metadata.example/json
    certificate: <redacted>
    private_key: ""
    private_key_password_file: ""
    thumbprint: ""
    next_certificate: ""
    next_private_key: ""
    next_private_key_password_file: ""
    next_effective_date: ""
    ca_file: ""
    connect_to: []
    proxy: ""
    proxy_user: ""
    proxy_password_file: ""
    tls_max_version: "1.2"
    tls_profile: windows-2019
    tls_ciphers: []
    timeout: 30s
    interval: 1m
    service_name: 00000002-0000-0ff1-ce00-000000000000
    token_issuer: 00000001-0000-0000-c000-000000000000
    max_response_bytes: 1048576
    token_flow: acs
    application_id: ""
    tenant: ""
    token_url: ""
    scope: https://outlook.office365.com/.default
    concurrency: concurrent
)");
}

TEST(RedactedYamlTest, NoSecretSurvivesAnywhere) {
  ConfigLoadResult result = LoadConfigFile(kTestdata + "/valid-full.yml");
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  std::string yaml = RedactedYaml(*result.config);
  for (const char* secret :
       {"s3cret", "auth.pem", "auth.key", "auth.pass", "next-auth", "proxy.pass", "probe:"}) {
    EXPECT_EQ(yaml.find(secret), std::string::npos) << secret << " in\n" << yaml;
  }
}

// Adding a target key to the loader but not to the redacted view (or the
// reverse) fails here: the output must show exactly the keys a target accepts.
TEST(RedactedYamlTest, PrintsEveryKeyTheLoaderAccepts) {
  ConfigLoadResult result = LoadConfigFile(kTestdata + "/valid-full.yml");
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  YAML::Node printed = YAML::Load(RedactedYaml(*result.config));
  YAML::Node full = YAML::LoadFile(kTestdata + "/valid-full.yml");
  std::set<std::string> printed_keys, accepted_keys;
  for (const auto& kv : printed["targets"][0]) printed_keys.insert(kv.first.as<std::string>());
  for (const auto& kv : full["targets"][0]) accepted_keys.insert(kv.first.as<std::string>());
  EXPECT_EQ(printed_keys, accepted_keys);
  EXPECT_EQ(printed_keys.size(), 31u);
}

}  // namespace
}  // namespace pushprobe

namespace pushprobe {
namespace {

// The one redaction of URLs in free text: every URL's userinfo, wherever the
// URL sits in a message, and nothing else.
TEST(RedactUrlCredentialsTest, HidesEveryUrlsUserinfoInFreeText) {
  EXPECT_EQ(RedactUrlCredentials("proxy must be http://host:port, got \"http://alice:s3cret@"
                                 "127.0.0.1:3128\" and https://bob:pw/x@h/p?q=a@b"),
            "proxy must be http://host:port, got \"http://<redacted>@127.0.0.1:3128\" and "
            "https://<redacted>@h/p?q=a@b");
  EXPECT_EQ(RedactUrlCredentials("no URL here, mail admin@example.com"),
            "no URL here, mail admin@example.com");
  EXPECT_EQ(RedactUrlCredentials("https://outlook.office365.com/PushNotifications"),
            "https://outlook.office365.com/PushNotifications");
}

// A value meant as a URL, however malformed, never shows its userinfo: the
// loader's and the plugin's messages refusing it quote it.
TEST(RedactUrlUserinfoTest, HidesTheUserinfoOfOneValueEvenWithoutAScheme) {
  EXPECT_EQ(RedactUrlUserinfo("alice:s3cret@proxy.example:3128"), "<redacted>@proxy.example:3128");
  EXPECT_EQ(RedactUrlUserinfo("http://a b:s3cret@proxy.example:3128"),
            "http://<redacted>@proxy.example:3128");
  EXPECT_EQ(RedactUrlUserinfo("socks5://u:p/w@h:1080?x=a@b"), "socks5://<redacted>@h:1080?x=a@b");
  EXPECT_EQ(RedactUrlUserinfo("http://proxy.example:3128"), "http://proxy.example:3128");
}

}  // namespace
}  // namespace pushprobe
