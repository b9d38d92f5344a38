#include "nagios/plugin_app.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "probe/config/config_loader.h"
#include "tests/support/test_pki.h"

namespace pushprobe::nagios {
namespace {

using namespace std::chrono_literals;

struct PluginRun {
  int status;
  std::string out;
  std::string err;
};

PluginRun RunWith(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  ManualClock clock;
  int status = RunPlugin(args, out, err, clock);
  return {status, out.str(), err.str()};
}

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "nagios_plugin_app_test_" + name;
  std::ofstream(path) << text;
  return path;
}

PluginOptions Options(const std::vector<std::string>& args) {
  Expected<PluginOptions> parsed = ParsePluginOptions(args);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed.value();
}

TEST(PluginAppTest, BadWarningRangeIsUnknownWithTheReason) {
  PluginRun run = RunWith({"-O", "fabrikam.com", "--certificate", "/a.pem", "-w", "10:5"});
  EXPECT_EQ(run.status, 3);
  EXPECT_EQ(run.out,
            "EXCHANGE PUSH UNKNOWN - -w/--warning: invalid range \"10:5\": start 10 is greater "
            "than end 5\n");
  EXPECT_NE(run.err.find("Usage: check_exchange_push"), std::string::npos);
}

// The options that set a target's values are checked as the configuration's
// keys are, in the loader's words (after the option's name, not the key's).
TEST(PluginAppTest, TargetOptionsGetTheLoadersChecksAndWords) {
  struct Case {
    const char* option;
    const char* key;
    const char* value;
  };
  const Case cases[] = {
      {"--proxy", "proxy", "http://proxy.example"},
      {"--proxy", "proxy", "https://proxy.example:3128"},
      {"--proxy", "proxy", "http://alice:s3cret@proxy.example:3128"},
      {"--service-uri", "service_uri", "outlook.office365.com/PushNotifications"},
      {"--service-uri", "service_uri", "https://outlook.office365.com/PushNotifications#top"},
      {"--metadata-url", "auth_metadata_url", "https:///metadata/json/1"},
      {"--organization", "organization", "fabrikam"},
  };
  for (const Case& c : cases) {
    const std::string key = c.key;
    ConfigLoadResult loaded = LoadConfigString(
        "targets:\n  - name: t\n    certificate: /a.pem\n" +
            std::string(key == "organization" ? "" : "    organization: fabrikam.com\n") + "    " +
            key + ": \"" + c.value + "\"\n",
        "p.yml");
    ASSERT_EQ(loaded.errors.size(), 1u) << c.value;
    // The loader names a URL's key first; the plugin names its option there.
    std::string loader_words = loaded.errors[0].message;
    const std::string key_prefix = "\"" + key + "\": ";
    if (loader_words.rfind(key_prefix, 0) == 0) loader_words.erase(0, key_prefix.size());
    PluginRun run = RunWith({"-O", "fabrikam.com", "--certificate", "/a.pem", c.option, c.value});
    EXPECT_EQ(run.status, 3) << c.option << " " << c.value;
    const std::string display =
        std::string(c.option) == "--organization" ? "-O/--organization" : std::string(c.option);
    EXPECT_EQ(run.out, "EXCHANGE PUSH UNKNOWN - " + display + ": " + loader_words + "\n");
    EXPECT_EQ(run.out.find("s3cret"), std::string::npos) << run.out;
  }
}

TEST(PluginAppTest, UnreadableConfigIsUnknownNamingTheFile) {
  PluginRun run = RunWith({"--config", "/nonexistent/pushprobe.yml"});
  EXPECT_EQ(run.status, 3);
  EXPECT_EQ(run.out.rfind("EXCHANGE PUSH UNKNOWN - configuration error: "
                          "/nonexistent/pushprobe.yml",
                          0),
            0u)
      << run.out;
}

// The watchdog is the plugin's last bound, so it must be armed before the
// configuration (which may be a FIFO or a hung mount) is read.
TEST(PluginAppTest, WatchdogIsArmedBeforeTheConfigurationIsRead) {
  std::vector<std::pair<Duration, State>> armed;
  WatchdogArm arm = [&](Duration budget, State state) { armed.emplace_back(budget, state); };
  std::ostringstream out;
  std::ostringstream err;
  ManualClock clock;
  int status = RunPlugin(
      {"--config", "/nonexistent/pushprobe.yml", "-t", "7", "--timeout-result", "critical"}, out,
      err, clock, arm);
  EXPECT_EQ(status, 3) << out.str();
  ASSERT_EQ(armed.size(), 1u);
  EXPECT_EQ(armed[0].first, 7s);
  EXPECT_EQ(armed[0].second, State::kCritical);

  // Without -t: the built-in timeout covers loading, then the target's own.
  armed.clear();
  std::string path = WriteFile("watchdog.yml",
                               "targets:\n  - name: a\n    organization: a.com\n"
                               "    certificate: /nonexistent/a.pem\n    timeout: 12s\n");
  RunPlugin({"--config", path}, out, err, clock, arm);
  ASSERT_EQ(armed.size(), 2u);
  EXPECT_EQ(armed[0].first, 30s);
  EXPECT_EQ(armed[1].first, 12s);
}

TEST(PluginAppTest, FifoAsTheConfigurationIsUnknownWithoutWaitingForAWriter) {
  std::string fifo =
      ::testing::TempDir() + "nagios_plugin_app_test_fifo_" + std::to_string(::getpid()) + ".yml";
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto run = std::async(std::launch::async, [fifo] { return RunWith({"--config", fifo}); });
  if (run.wait_for(10s) != std::future_status::ready) {
    ADD_FAILURE() << "the plugin still reads the FIFO after 10 s";
    std::fflush(stdout);
    std::_Exit(1);  // the plugin's thread cannot be stopped
  }
  PluginRun result = run.get();
  ::unlink(fifo.c_str());
  EXPECT_EQ(result.status, 3);
  EXPECT_EQ(result.out, "EXCHANGE PUSH UNKNOWN - configuration error: " + fifo +
                            ": cannot read config file: is a FIFO (named pipe), not a regular "
                            "file\n");
}

// Every file key naming a FIFO nobody writes to: the plugin answers within
// -t with the file and what it is, and never waits for a writer.
TEST(PluginAppTest, FifoAsAnyFileKeyIsReportedWithinTheTimeout) {
  const std::string dir =
      ::testing::TempDir() + "nagios_plugin_app_fifo_keys_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string fifo = dir + "/fifo.pem";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  testing::IssuedCert auth = testing::SelfSigned({});
  testing::WriteFile(dir + "/auth.pem", auth.cert_pem + auth.key_pem);
  const std::string is_fifo = fifo + ": is a FIFO (named pipe), not a regular file";
  const std::pair<std::string, std::string> cases[] = {
      {"certificate", "cannot read certificate file " + is_fifo},
      {"private_key", "cannot read private key file " + is_fifo},
      {"private_key_password_file", "cannot read password file " + is_fifo},
      {"ca_file", "cannot read ca_file " + is_fifo},
  };
  for (const auto& [key, want] : cases) {
    std::string yaml = "targets:\n  - name: a\n    organization: a.com\n    certificate: " +
                       (key == "certificate" ? fifo : dir + "/auth.pem") + "\n";
    if (key != "certificate") yaml += "    " + key + ": " + fifo + "\n";
    testing::WriteFile(dir + "/" + key + ".yml", yaml);
    const std::vector<std::string> args = {"--config", dir + "/" + key + ".yml", "-t", "3"};
    auto run = std::async(std::launch::async, [args] { return RunWith(args); });
    if (run.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << key << ": the plugin still reads the FIFO after 10 s";
      std::fflush(stdout);
      std::_Exit(1);  // the plugin's thread cannot be stopped
    }
    PluginRun result = run.get();
    EXPECT_NE(result.status, 0) << key;
    EXPECT_NE(result.out.find(want), std::string::npos) << key << "\n" << result.out;
  }
  std::filesystem::remove_all(dir);
}

// With -v, a key file others can read is a line naming it and the chmod; the
// first line (what Nagios notifies with) stays the check's own.
TEST(PluginAppTest, SecretFileReadableByOthersIsAWarningLineAtVerbose) {
  const std::string dir =
      ::testing::TempDir() + "nagios_plugin_app_secret_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing::IssuedCert auth = testing::SelfSigned({});
  testing::WriteFile(dir + "/auth.crt", auth.cert_pem);
  testing::WriteFile(dir + "/auth.key", auth.key_pem);
  ASSERT_EQ(::chmod((dir + "/auth.crt").c_str(), 0644), 0);  // public: no warning
  ASSERT_EQ(::chmod((dir + "/auth.key").c_str(), 0644), 0);
  const std::vector<std::string> args = {"-O",
                                         "fabrikam.com",
                                         "--certificate",
                                         dir + "/auth.crt",
                                         "--private-key",
                                         dir + "/auth.key",
                                         "--metadata-url",
                                         "https://127.0.0.1:1/metadata",
                                         "-t",
                                         "2"};
  const std::string line = "WARNING: private_key " + dir +
                           "/auth.key is readable by others (mode 0644); run: chmod o-rwx " + dir +
                           "/auth.key\n";
  std::vector<std::string> verbose = args;
  verbose.emplace_back("-v");
  const PluginRun run = RunWith(verbose);
  EXPECT_NE(run.out.find("\n" + line), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(line), run.out.find('\n') + 1) << "the line after the first";
  EXPECT_EQ(RunWith(args).out.find("WARNING: "), std::string::npos);

  ASSERT_EQ(::chmod((dir + "/auth.key").c_str(), 0600), 0);
  EXPECT_EQ(RunWith(verbose).out.find("WARNING: "), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(PluginAppTest, InvalidConfigIsUnknownWithLineAndColumn) {
  std::string path = WriteFile("invalid.yml",
                               "targets:\n  - name: a\n    organization: a.com\n"
                               "    certificate: /a.pem\n    organisation: x\n");
  PluginRun run = RunWith({"--config", path});
  EXPECT_EQ(run.status, 3);
  EXPECT_EQ(run.out.rfind("EXCHANGE PUSH UNKNOWN - configuration error: " + path + ":5:5: ", 0), 0u)
      << run.out;
}

TEST(PluginAppTest, TargetSelection) {
  std::string path = WriteFile("two.yml",
                               "targets:\n"
                               "  - name: a\n    organization: a.com\n    certificate: /a.pem\n"
                               "  - name: b\n    organization: b.com\n    certificate: /b.pem\n");
  PluginRun none = RunWith({"--config", path});
  EXPECT_EQ(none.status, 3);
  EXPECT_EQ(none.out, "EXCHANGE PUSH UNKNOWN - " + path +
                          " has 2 targets; choose one with --target NAME (targets: a, b)\n");
  PluginRun wrong = RunWith({"--config", path, "--target", "c"});
  EXPECT_EQ(wrong.status, 3);
  EXPECT_EQ(wrong.out,
            "EXCHANGE PUSH UNKNOWN - no target named \"c\" in " + path + " (targets: a, b)\n");
  // A name with a line break and a '|' stays valid plugin output: one line,
  // the name quoted by the one rule, no perfdata separator.
  PluginRun hostile = RunWith({"--config", path, "--target", "c\n| \"d\"\x01"});
  EXPECT_EQ(hostile.status, 3);
  EXPECT_EQ(hostile.out, "EXCHANGE PUSH UNKNOWN - no target named \"c\\n/ \\\"d\\\"\\x01\" in " +
                             path + " (targets: a, b)\n");
  Expected<TargetConfig> b = ResolveTarget(Options({"--config", path, "--target", "b"}));
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(b->organization, "b.com");
  EXPECT_EQ(b->certificate, "/b.pem");
}

TEST(PluginAppTest, OptionsOverrideTheFile) {
  std::string path = WriteFile("one.yml",
                               "targets:\n"
                               "  - name: a\n    organization: a.com\n    certificate: /a.pem\n"
                               "    timeout: 10s\n"
                               "    connect_to: [\"x:443:127.0.0.1:1\"]\n");
  Expected<TargetConfig> plain = ResolveTarget(Options({"--config", path}));
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_EQ(plain->timeout, 10s);
  EXPECT_EQ(AuthMetadataUrl(*plain), std::string(kDefaultMetadataUrlPrefix) + "a.com");

  Expected<TargetConfig> t = ResolveTarget(
      Options({"--config", path, "-O", "b.com", "--certificate", "/b.pem", "--ca-file", "/ca",
               "--connect-to", "y:443:127.0.0.1:2", "-t", "3", "--proxy", "http://p:3128"}));
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->organization, "b.com");
  EXPECT_EQ(AuthMetadataUrl(*t), std::string(kDefaultMetadataUrlPrefix) + "b.com");
  EXPECT_EQ(t->certificate, "/b.pem");
  EXPECT_EQ(t->ca_file, "/ca");
  EXPECT_EQ(t->proxy, "http://p:3128");
  ASSERT_EQ(t->connect_to.size(), 1u);
  EXPECT_EQ(t->connect_to[0].host, "y");
  EXPECT_EQ(t->timeout, 3s);
}

// The plugin's first line is what Nagios shows and mails: a password in
// --proxy, refused, must not be in it at any verbosity.
TEST(PluginAppTest, PasswordInTheProxyUrlIsRefusedWithoutBeingPrinted) {
  for (const char* verbose : {"-O", "-v", "-vv", "-vvv"}) {
    std::vector<std::string> args = {
        "-O",        "fabrikam.com", "--certificate",
        "/auth.pem", "--proxy",      "http://alice:s3cret@127.0.0.1:3128"};
    if (std::string(verbose) != "-O") args.emplace_back(verbose);
    PluginRun run = RunWith(args);
    EXPECT_EQ(run.status, 3) << verbose;
    EXPECT_EQ(run.out.find("s3cret"), std::string::npos) << run.out;
    EXPECT_EQ(run.err.find("s3cret"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("http://<redacted>@127.0.0.1:3128"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("put the password in proxy_password_file"), std::string::npos)
        << run.out;
  }
}

TEST(PluginAppTest, ProxyCredentialsFromOptionsFollowTheConfigurationsRules) {
  Expected<TargetConfig> t = ResolveTarget(
      Options({"-O", "fabrikam.com", "--certificate", "/auth.pem", "--proxy",
               "http://FABRIKAM%5Cprobe@p:3128", "--proxy-password-file", "/proxy.pass"}));
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->proxy, "http://p:3128");
  EXPECT_EQ(t->proxy_user, "FABRIKAM\\probe");
  EXPECT_EQ(t->proxy_password_file, "/proxy.pass");

  Expected<TargetConfig> own_user =
      ResolveTarget(Options({"-O", "f.com", "--certificate", "/a", "--proxy", "http://p:3128",
                             "--proxy-user", "bob", "--proxy-password-file", "/p"}));
  ASSERT_TRUE(own_user.ok()) << own_user.error();
  EXPECT_EQ(own_user->proxy_user, "bob");

  Expected<TargetConfig> no_file = ResolveTarget(
      Options({"-O", "f.com", "--certificate", "/a", "--proxy", "http://bob@p:3128"}));
  EXPECT_EQ(no_file.error(),
            "a proxy user needs \"proxy_password_file\", the file holding the proxy's password "
            "(--proxy, --proxy-user, --proxy-password-file)");
  Expected<TargetConfig> twice =
      ResolveTarget(Options({"-O", "f.com", "--certificate", "/a", "--proxy", "http://bob@p:3128",
                             "--proxy-user", "eve", "--proxy-password-file", "/p"}));
  EXPECT_EQ(twice.error(),
            "the proxy user is given twice (in the --proxy URL and in --proxy-user); keep one");
  Expected<TargetConfig> no_proxy =
      ResolveTarget(Options({"-O", "f.com", "--certificate", "/a", "--proxy-user", "bob",
                             "--proxy-password-file", "/p"}));
  EXPECT_FALSE(no_proxy.ok());
  PluginRun colon = RunWith({"-O", "f.com", "--certificate", "/a", "--proxy-user", "bob:pw"});
  EXPECT_EQ(colon.status, 3);
  EXPECT_NE(colon.out.find("--proxy-user: must not contain \":\""), std::string::npos) << colon.out;
}

TEST(PluginAppTest, TargetFromOptionsAlone) {
  Expected<TargetConfig> t =
      ResolveTarget(Options({"-O", "fabrikam.com", "--certificate", "/auth.pem"}));
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->name, "fabrikam.com");
  EXPECT_EQ(t->service_uri, kDefaultServiceUri);
  EXPECT_EQ(AuthMetadataUrl(*t), std::string(kDefaultMetadataUrlPrefix) + "fabrikam.com");
  EXPECT_EQ(t->timeout, 30s);

  Expected<TargetConfig> explicit_url = ResolveTarget(
      Options({"-O", "f.com", "--certificate", "/a", "--metadata-url", "https://m/x"}));
  EXPECT_EQ(AuthMetadataUrl(*explicit_url), "https://m/x");
}

TEST(PluginAppTest, TlsMaxVersionIsTheFilesOrTheOptions) {
  Expected<TargetConfig> by_default =
      ResolveTarget(Options({"-O", "fabrikam.com", "--certificate", "/a.pem"}));
  ASSERT_TRUE(by_default.ok()) << by_default.error();
  EXPECT_EQ(by_default->tls_max_version, TlsVersion::k1_2);
  Expected<TargetConfig> tls13 = ResolveTarget(
      Options({"-O", "fabrikam.com", "--certificate", "/a.pem", "--tls-max-version", "1.3"}));
  ASSERT_TRUE(tls13.ok()) << tls13.error();
  EXPECT_EQ(tls13->tls_max_version, TlsVersion::k1_3);
}

TEST(PluginAppTest, TlsProfileAndCiphersAreTheFilesOrTheOptions) {
  Expected<TargetConfig> by_default =
      ResolveTarget(Options({"-O", "fabrikam.com", "--certificate", "/a.pem"}));
  ASSERT_TRUE(by_default.ok()) << by_default.error();
  EXPECT_EQ(ResolvedTlsProfile(*by_default), TlsProfile::kWindows2019);
  EXPECT_TRUE(by_default->tls_ciphers.empty());

  Expected<TargetConfig> set = ResolveTarget(
      Options({"-O", "fabrikam.com", "--certificate", "/a.pem", "--tls-profile", "windows-2012r2",
               "--tls-ciphers",
               "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256, TLS_RSA_WITH_AES_128_CBC_SHA"}));
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(set->tls_profile, TlsProfile::kWindows2012R2);
  EXPECT_EQ(set->tls_ciphers,
            (std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
                                      "TLS_RSA_WITH_AES_128_CBC_SHA"}));

  Expected<TargetConfig> tls13 = ResolveTarget(
      Options({"-O", "fabrikam.com", "--certificate", "/a.pem", "--tls-max-version", "1.3"}));
  ASSERT_TRUE(tls13.ok()) << tls13.error();
  EXPECT_EQ(ResolvedTlsProfile(*tls13), TlsProfile::kWindows2022);

  Expected<TargetConfig> conflict =
      ResolveTarget(Options({"-O", "fabrikam.com", "--certificate", "/a.pem", "--tls-max-version",
                             "1.3", "--tls-profile", "windows-2016"}));
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error(),
            "tls_max_version \"1.3\" cannot go with tls_profile windows-2016: SChannel offers TLS "
            "1.3 from Windows Server 2022 on (windows-2022), or use openssl");
}

TEST(PluginAppTest, SequentialIsTheFilesOrTheOption) {
  Expected<TargetConfig> by_default =
      ResolveTarget(Options({"-O", "fabrikam.com", "--certificate", "/a.pem"}));
  ASSERT_TRUE(by_default.ok()) << by_default.error();
  EXPECT_EQ(by_default->concurrency, Concurrency::kConcurrent);
  Expected<TargetConfig> sequential =
      ResolveTarget(Options({"-O", "fabrikam.com", "--certificate", "/a.pem", "--sequential"}));
  ASSERT_TRUE(sequential.ok()) << sequential.error();
  EXPECT_EQ(sequential->concurrency, Concurrency::kSequential);
  EXPECT_FALSE(ParsePluginOptions({"--sequential=yes"}).ok());
}

constexpr const char* kAppId = "6a2b3c4d-1111-4222-8333-944455556666";

TEST(PluginAppTest, IdentityPlatformFromOptionsDerivesTenantAndUrls) {
  Expected<TargetConfig> t =
      ResolveTarget(Options({"-O", "fabrikam.com", "--certificate", "/a.pem", "--token-flow",
                             "identity-platform", "--application-id", kAppId}));
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->token_flow, TokenFlow::kIdentityPlatform);
  EXPECT_EQ(t->application_id, kAppId);
  EXPECT_EQ(t->tenant, "fabrikam.com");
  EXPECT_EQ(t->token_url, "https://login.microsoftonline.com/fabrikam.com/oauth2/v2.0/token");
  EXPECT_EQ(AuthMetadataUrl(*t),
            "https://login.microsoftonline.com/fabrikam.com/v2.0/.well-known/openid-configuration");

  Expected<TargetConfig> tenant = ResolveTarget(
      Options({"-O", "fabrikam.com", "--certificate", "/a.pem", "--token-flow", "identity-platform",
               "--application-id", kAppId, "--tenant", "Fabrikam.onmicrosoft.com"}));
  ASSERT_TRUE(tenant.ok()) << tenant.error();
  EXPECT_EQ(tenant->tenant, "fabrikam.onmicrosoft.com");
  EXPECT_EQ(tenant->token_url,
            "https://login.microsoftonline.com/fabrikam.onmicrosoft.com/oauth2/v2.0/token");
}

TEST(PluginAppTest, IdentityPlatformOptionsOverrideAnAcsTargetOfTheFile) {
  std::string path = WriteFile("acs.yml",
                               "targets:\n"
                               "  - name: a\n    organization: a.com\n    certificate: /a.pem\n");
  Expected<TargetConfig> t = ResolveTarget(
      Options({"--config", path, "--token-flow", "identity-platform", "--application-id", kAppId}));
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t->tenant, "a.com");
  EXPECT_EQ(AuthMetadataUrl(*t),
            "https://login.microsoftonline.com/a.com/v2.0/.well-known/openid-configuration");
}

TEST(PluginAppTest, IdentityPlatformTargetOfTheFileFollowsAnOverriddenOrganization) {
  std::string path = WriteFile("v2.yml", std::string("targets:\n"
                                                     "  - name: a\n    organization: a.com\n"
                                                     "    certificate: /a.pem\n"
                                                     "    token_flow: identity-platform\n"
                                                     "    application_id: ") +
                                             kAppId + "\n");
  Expected<TargetConfig> moved = ResolveTarget(Options({"--config", path, "-O", "b.com"}));
  ASSERT_TRUE(moved.ok()) << moved.error();
  EXPECT_EQ(moved->tenant, "b.com");
  EXPECT_EQ(moved->token_url, "https://login.microsoftonline.com/b.com/oauth2/v2.0/token");

  // Back to ACS: the derived v2 values go, the ACS metadata URL comes.
  Expected<TargetConfig> acs = ResolveTarget(Options({"--config", path, "--token-flow", "acs"}));
  ASSERT_TRUE(acs.ok()) << acs.error();
  EXPECT_EQ(acs->tenant, "");
  EXPECT_EQ(acs->token_url, "");
  EXPECT_EQ(AuthMetadataUrl(*acs), std::string(kDefaultMetadataUrlPrefix) + "a.com");
}

TEST(PluginAppTest, IdentityPlatformMistakesAreUnknown) {
  PluginRun no_app = RunWith(
      {"-O", "fabrikam.com", "--certificate", "/a.pem", "--token-flow", "identity-platform"});
  EXPECT_EQ(no_app.status, 3);
  EXPECT_EQ(no_app.out,
            "EXCHANGE PUSH UNKNOWN - --token-flow identity-platform needs the application "
            "(client) id: give --application-id GUID or set application_id for the target in "
            "the configuration file\n");
  PluginRun acs_with_app =
      RunWith({"-O", "fabrikam.com", "--certificate", "/a.pem", "--application-id", kAppId});
  EXPECT_EQ(acs_with_app.status, 3);
  EXPECT_EQ(acs_with_app.out,
            "EXCHANGE PUSH UNKNOWN - --application-id and --tenant are used only with "
            "--token-flow identity-platform\n");
}

TEST(PluginAppTest, MissingCertificateIsUnknown) {
  PluginRun run = RunWith({"-O", "fabrikam.com"});
  EXPECT_EQ(run.status, 3);
  EXPECT_EQ(run.out,
            "EXCHANGE PUSH UNKNOWN - no Auth certificate: give --certificate FILE or set "
            "certificate for the target in the configuration file\n");
}

TEST(PluginAppTest, HelpAndVersionExitUnknownAsMonitoringPluginsDo) {
  PluginRun help = RunWith({"--help"});
  EXPECT_EQ(help.status, 3);
  EXPECT_EQ(help.out.rfind("check_exchange_push: checks", 0), 0u);
  PluginRun version = RunWith({"-V"});
  EXPECT_EQ(version.status, 3);
  EXPECT_EQ(version.out.rfind("check_exchange_push (pushprobe) ", 0), 0u);
}

TEST(PluginAppTest, ConfigStageFailureIsUnknown) {
  // An unloadable CA file fails the configuration stage: UNKNOWN, not CRITICAL.
  PluginRun run = RunWith({"-O", "fabrikam.com", "--certificate", "/nonexistent/auth.pem",
                           "--ca-file", "/nonexistent/ca.pem", "-t", "1"});
  EXPECT_EQ(run.status, 3) << run.out;
  // The file and the system's reason, never OpenSSL's "system library" string.
  EXPECT_EQ(run.out.rfind("EXCHANGE PUSH UNKNOWN - configuration config: cannot read ca_file "
                          "/nonexistent/ca.pem: No such file or directory",
                          0),
            0u)
      << run.out;
  EXPECT_EQ(run.out.find("system library"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace pushprobe::nagios
