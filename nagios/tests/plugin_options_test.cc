#include "nagios/plugin_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pushprobe::nagios {
namespace {

using Args = std::vector<std::string>;
using namespace std::chrono_literals;

PluginOptions Parse(const Args& args) {
  Expected<PluginOptions> parsed = ParsePluginOptions(args);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed.ok() ? parsed.value() : PluginOptions{};
}

std::string ErrorOf(const Args& args) {
  Expected<PluginOptions> parsed = ParsePluginOptions(args);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.error();
}

TEST(PluginOptionsTest, Defaults) {
  PluginOptions o = Parse({"--config", "/etc/pushprobe.yml"});
  EXPECT_EQ(o.action, PluginAction::kRun);
  EXPECT_EQ(o.config_file, "/etc/pushprobe.yml");
  EXPECT_EQ(o.target_name, "");
  EXPECT_EQ(o.verbosity, 0);
  EXPECT_TRUE(o.total_time.empty());
  for (StageId id : kAllStages) EXPECT_TRUE(o.StageTime(id).empty());
  EXPECT_EQ(o.cert_warning_days, 30);
  EXPECT_EQ(o.cert_critical_days, 14);
  EXPECT_FALSE(o.timeout.has_value());
  EXPECT_EQ(o.timeout_result, State::kCritical);
  EXPECT_FALSE(o.overrides.organization.has_value());
  EXPECT_FALSE(o.overrides.connect_to.has_value());
}

TEST(PluginOptionsTest, EverySettingAsAnOption) {
  PluginOptions o = Parse({"-O",
                           "fabrikam.com",
                           "--certificate",
                           "/a.pem",
                           "--private-key=/k.pem",
                           "--service-uri",
                           "https://push.example/PushNotifications",
                           "--metadata-url",
                           "https://acs.example/md",
                           "--ca-file",
                           "/ca.pem",
                           "--connect-to",
                           "outlook.office365.com:443:127.0.0.1:8443",
                           "--connect-to=::127.0.0.2:9443",
                           "--proxy",
                           "http://proxy:3128",
                           "--token-flow",
                           "identity-platform",
                           "--application-id",
                           "6a2b3c4d-1111-4222-8333-944455556666",
                           "--tenant",
                           "Fabrikam.COM"});
  EXPECT_EQ(o.overrides.organization, "fabrikam.com");
  EXPECT_EQ(o.overrides.certificate, "/a.pem");
  EXPECT_EQ(o.overrides.private_key, "/k.pem");
  EXPECT_EQ(o.overrides.service_uri, "https://push.example/PushNotifications");
  EXPECT_EQ(o.overrides.auth_metadata_url, "https://acs.example/md");
  EXPECT_EQ(o.overrides.ca_file, "/ca.pem");
  EXPECT_EQ(o.overrides.proxy, "http://proxy:3128");
  ASSERT_EQ(o.overrides.connect_to.value_or(std::vector<ConnectTo>{}).size(), 2u);
  EXPECT_EQ((*o.overrides.connect_to)[0].host, "outlook.office365.com");
  EXPECT_EQ((*o.overrides.connect_to)[0].connect_port, 8443);
  EXPECT_EQ((*o.overrides.connect_to)[1].host, "");
  EXPECT_EQ((*o.overrides.connect_to)[1].connect_host, "127.0.0.2");
  EXPECT_EQ(o.overrides.token_flow, TokenFlow::kIdentityPlatform);
  EXPECT_EQ(o.overrides.application_id, "6a2b3c4d-1111-4222-8333-944455556666");
  EXPECT_EQ(o.overrides.tenant, "fabrikam.com");
}

TEST(PluginOptionsTest, ShortOptionForms) {
  PluginOptions o = Parse({"-Ofabrikam.com", "-w5", "-c", "~:10", "-vvv", "-v", "-t", "2.5"});
  EXPECT_EQ(o.overrides.organization, "fabrikam.com");
  ASSERT_TRUE(o.total_time.warning.has_value());
  EXPECT_EQ(o.total_time.warning->ToString(), "5");
  EXPECT_EQ(o.total_time.critical->ToString(), "~:10");
  EXPECT_EQ(o.verbosity, 3);  // clamped
  EXPECT_EQ(o.timeout, std::chrono::duration_cast<Duration>(2500ms));
}

TEST(PluginOptionsTest, NegativeRangeAsSeparateValue) {
  PluginOptions o = Parse({"-O", "fabrikam.com", "-w", "-1:5", "--critical=@-2:-1"});
  EXPECT_EQ(o.total_time.warning->ToString(), "-1:5");
  EXPECT_EQ(o.total_time.critical->ToString(), "@-2:-1");
}

TEST(PluginOptionsTest, StageThresholdsAndCertDays) {
  PluginOptions o =
      Parse({"--config", "f", "--target", "t", "--stage-warning", "token=1", "--stage-critical",
             "token=2", "--stage-critical=publish=@0:0.001", "--cert-warning", "60",
             "--cert-critical=7", "--timeout-result", "warning"});
  EXPECT_EQ(o.target_name, "t");
  EXPECT_EQ(o.StageTime(StageId::kToken).WarningText(), "1");
  EXPECT_EQ(o.StageTime(StageId::kToken).CriticalText(), "2");
  EXPECT_EQ(o.StageTime(StageId::kPublish).CriticalText(), "@0.001");
  EXPECT_TRUE(o.StageTime(StageId::kMetadata).empty());
  EXPECT_EQ(o.cert_warning_days, 60);
  EXPECT_EQ(o.cert_critical_days, 7);
  EXPECT_EQ(o.timeout_result, State::kWarning);
}

TEST(PluginOptionsTest, HelpAndVersionWinOverErrors) {
  EXPECT_EQ(Parse({"--bogus", "-h"}).action, PluginAction::kHelp);
  EXPECT_EQ(Parse({"-V", "-w", "x"}).action, PluginAction::kVersion);
  EXPECT_EQ(Parse({"-V", "--help"}).action, PluginAction::kHelp);
  EXPECT_EQ(Parse({"-hV"}).action, PluginAction::kHelp);
}

struct ErrorCase {
  Args args;
  std::string message;
};

class PluginOptionsErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(PluginOptionsErrorTest, SaysExactlyWhatIsWrong) {
  EXPECT_EQ(ErrorOf(GetParam().args), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PluginOptionsErrorTest,
    ::testing::Values(
        ErrorCase{{},
                  "nothing to check: give --config FILE [--target NAME], or "
                  "-O/--organization DOMAIN with --certificate FILE"},
        ErrorCase{{"--target", "x"}, "--target needs --config FILE"},
        ErrorCase{{"-O", "fabrikam.com", "-w", "5:1"},
                  R"(-w/--warning: invalid range "5:1": start 5 is greater than end 1)"},
        ErrorCase{{"-O", "fabrikam.com", "--critical=abc"},
                  R"(-c/--critical: invalid range "abc": "abc" is not a number)"},
        ErrorCase{{"-O", "fabrikam.com", "--bogus"}, R"(unknown option "--bogus")"},
        ErrorCase{{"-O", "fabrikam.com", "-x"}, R"(unknown option "-x")"},
        ErrorCase{{"-O", "fabrikam.com", "extra"},
                  R"(unexpected argument "extra" (this plugin takes only options))"},
        ErrorCase{{"-O", "fabrikam.com", "--", "-w"},
                  R"(unexpected argument "-w" (this plugin takes only options))"},
        ErrorCase{{"-O", "fabrikam.com", "--config"}, "--config needs a value (FILE)"},
        ErrorCase{{"-O"}, "-O/--organization needs a value (DOMAIN)"},
        ErrorCase{{"-O", ""}, "-O/--organization: must not be empty"},
        ErrorCase{{"-O", "fabrikam.com", "--verbose=2"}, "-v/--verbose takes no value"},
        ErrorCase{{"-O", "fabrikam.com", "--stage-warning", "token"},
                  R"(--stage-warning: expected STAGE=RANGE, got "token")"},
        ErrorCase{{"-O", "fabrikam.com", "--stage-critical", "tokn=1"},
                  R"(--stage-critical: unknown stage "tokn" (one of configuration, certificate, )"
                  R"(metadata, challenge, token, publish))"},
        ErrorCase{{"-O", "fabrikam.com", "--stage-warning", "token=1:0"},
                  R"(--stage-warning: invalid range "1:0": start 1 is greater than end 0)"},
        ErrorCase{{"-O", "fabrikam.com", "--cert-warning", "-1"},
                  R"(--cert-warning: "-1" is not a whole number of days (0 or more))"},
        ErrorCase{{"-O", "fabrikam.com", "--cert-critical", "7d"},
                  R"(--cert-critical: "7d" is not a whole number of days (0 or more))"},
        ErrorCase{{"-O", "fabrikam.com", "-t", "0"},
                  R"(-t/--timeout: "0" is not a positive number of seconds)"},
        ErrorCase{{"-O", "fabrikam.com", "-t", "30s"},
                  R"(-t/--timeout: "30s" is not a positive number of seconds)"},
        ErrorCase{{"-O", "fabrikam.com", "-t", "601"},
                  R"(-t/--timeout: "601" is more than the maximum of 600 seconds)"},
        ErrorCase{{"-O", "fabrikam.com", "--timeout-result", "CRITICAL"},
                  R"(--timeout-result: "CRITICAL" is not one of ok, warning, critical, unknown)"},
        ErrorCase{{"-O", "fabrikam.com", "--tls-max-version", "1.1"},
                  R"(--tls-max-version: "1.1" is not one of 1.2, 1.3)"},
        // A value is shown by the one quoting rule (probe/core/quote_text.h):
        // quotes, backslashes and control characters escaped, on one line.
        ErrorCase{{"-O", "fabrikam.com", "--tls-max-version", "1.2\n\"x\" \\ \x1b|"},
                  R"(--tls-max-version: "1.2\n\"x\" \\ \x1B|" is not one of 1.2, 1.3)"},
        ErrorCase{{"-O", "fabrikam.com", "--tls-profile", "windows-2008"},
                  R"(--tls-profile: "windows-2008" is not one of openssl, windows-2012r2, )"
                  R"(windows-2016, windows-2019, windows-2022)"},
        ErrorCase{
            {"-O", "fabrikam.com", "--tls-ciphers", "TLS_RSA_WITH_AES_128_CBC_SHA,AES128-SHA"},
            R"(--tls-ciphers: unknown cipher suite "AES128-SHA": use the IANA names )"
            R"(Get-TlsCipherSuite prints, separated by commas)"},
        ErrorCase{{"-O", "fabrikam.com", "--token-flow", "v2"},
                  R"(--token-flow: "v2" is not one of acs, identity-platform)"},
        ErrorCase{
            {"-O", "fabrikam.com", "--application-id", "{6a2b3c4d-1111-4222-8333-944455556666}"},
            R"(--application-id: "{6a2b3c4d-1111-4222-8333-944455556666}" is not a GUID)"},
        ErrorCase{{"-O", "fabrikam.com", "--tenant", "fabrikam"},
                  R"(--tenant: "fabrikam" is neither a domain name like fabrikam.com nor a )"
                  R"(tenant id (GUID))"},
        ErrorCase{{"-O", "fabrikam.com", "--rollover-critical", "-3"},
                  R"(--rollover-critical: "-3" is not a whole number of days (0 or more))"},
        ErrorCase{{"-O", "fabrikam.com", "--next-certificate", ""},
                  "--next-certificate: must not be empty"},
        ErrorCase{
            {"-O", "fabrikam.com", "--next-effective-date", "1/15/2027"},
            R"(--next-effective-date: "1/15/2027": expected an RFC 3339 time with a zone )"
            R"(such as "2027-01-15T00:00:00Z" or a date such as "2027-01-15" (UTC); )"
            R"(Get-AuthConfig's display depends on the Windows locale, print it with )"
            R"((Get-AuthConfig).NextCertificateEffectiveDate.ToUniversalTime().ToString('o'))"},
        ErrorCase{{"-O", "fabrikam.com", "--connect-to", "a"},
                  "--connect-to: invalid connect_to \"a\": expected "
                  "HOST:PORT:CONNECT_HOST:CONNECT_PORT"}));

TEST(PluginOptionsTest, NextCertificateOptions) {
  PluginOptions o =
      Parse({"-O", "fabrikam.com", "--next-certificate", "/next.pem", "--next-private-key",
             "/next.key", "--next-effective-date", "2027-01-15", "--rollover-critical", "10"});
  EXPECT_EQ(o.overrides.next_certificate, std::optional<std::string>("/next.pem"));
  EXPECT_EQ(o.overrides.next_private_key, std::optional<std::string>("/next.key"));
  ASSERT_TRUE(o.overrides.next_effective_date.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*o.overrides.next_effective_date), 1799971200);
  EXPECT_EQ(o.rollover_critical_days, 10);
  EXPECT_EQ(Parse({"-O", "fabrikam.com"}).rollover_critical_days, 7);
}

TEST(PluginOptionsTest, HelpListsEveryOption) {
  std::string help = PluginHelp();
  for (const char* name : {"--help",
                           "--version",
                           "--verbose",
                           "--config",
                           "--target",
                           "--organization",
                           "--certificate",
                           "--private-key",
                           "--service-uri",
                           "--metadata-url",
                           "--ca-file",
                           "--connect-to",
                           "--proxy",
                           "--warning",
                           "--critical",
                           "--stage-warning",
                           "--stage-critical",
                           "--cert-warning",
                           "--cert-critical",
                           "--timeout",
                           "--timeout-result",
                           "--token-flow",
                           "--application-id",
                           "--tenant",
                           "--tls-max-version",
                           "--tls-profile",
                           "--tls-ciphers",
                           "--next-certificate",
                           "--next-private-key",
                           "--next-effective-date",
                           "--rollover-critical",
                           "--proxy-user",
                           "--proxy-password-file"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(help.find("  \n"), std::string::npos);
}

}  // namespace
}  // namespace pushprobe::nagios

namespace pushprobe::nagios {
namespace {

TEST(PluginOptionsTest, HelpNamesEveryStageForStageThresholds) {
  const std::string help = PluginHelp();
  const auto begin = help.find("--stage-warning");
  const auto end = help.find("--stage-critical");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string stage_warning = help.substr(begin, end - begin);
  for (const StageInfo& info : kStageInfos) {
    EXPECT_NE(stage_warning.find(std::string(info.name)), std::string::npos) << info.name;
  }
}

// A value of any length is repeated on the status line as its first 80
// bytes and its length: Nagios keeps the first line, Icinga the whole output.
TEST(PluginOptionsTest, ALongBadValueIsShownCut) {
  const std::string value(10000, 'x');
  EXPECT_EQ(ErrorOf({"--token-flow", value}),
            "--token-flow: \"" + std::string(80, 'x') +
                "\"... (10000 bytes) is not one of acs, identity-platform");
  const std::string cut = "\"" + std::string(80, 'x') + "\"... (10001 bytes)";
  EXPECT_EQ(ErrorOf({"--warning", value + ":"}), "-w/--warning: invalid range " + cut +
                                                     ": start \"" + std::string(80, 'x') +
                                                     "\"... (10000 bytes) is not a number");
  EXPECT_LT(ErrorOf({"--" + value}).size(), 150u);
}

}  // namespace
}  // namespace pushprobe::nagios
