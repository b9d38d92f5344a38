// The diagnostics command as a user drives it: arguments in, text and exit status out.
#include "cli/cli_app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <sstream>
#include <thread>

#include "tests/emulator/emulator.h"
#include "tests/emulator/lab.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_proxy.h"

namespace pushprobe {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

// Hermetic: no packaged /etc/pushprobe/pushprobe.yml is ever picked up.
CliEnvironment NoDefaultConfig() {
  CliEnvironment environment;
  environment.default_config = ::testing::TempDir() + "pushprobe_absent/pushprobe.yml";
  return environment;
}

CliRun Cli(const std::vector<std::string>& args, const CliEnvironment& environment) {
  std::ostringstream out, err;
  int status = RunCli(args, out, err, SystemClock::Instance(), environment);
  return {status, out.str(), err.str()};
}

CliRun Cli(const std::vector<std::string>& args) { return Cli(args, NoDefaultConfig()); }

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    emulator_ = new emulator::Emulator();
    emulator_->Start();
    dir_ = ::testing::TempDir() + "pushprobe_cli_" + std::to_string(emulator_->port());
    const emulator::LabCredentials& creds = emulator_->credentials();
    testing::WriteFile(dir_ + "/ca.pem", creds.ca.cert_pem);
    testing::WriteFile(dir_ + "/auth.pem", creds.auth.CombinedPem());
    testing::WriteFile(dir_ + "/unregistered.pem", creds.unregistered_auth.CombinedPem());
    // Keys only the owner reads, or every run warns about them.
    ::chmod((dir_ + "/auth.pem").c_str(), 0600);
    ::chmod((dir_ + "/unregistered.pem").c_str(), 0600);
    std::string port = std::to_string(emulator_->port());
    testing::WriteFile(dir_ + "/pushprobe.yml",
                       "defaults:\n"
                       "  ca_file: ca.pem\n"
                       "  timeout: 10s\n"
                       "  connect_to:\n"
                       "    - \"outlook.office365.com:443:127.0.0.1:" +
                           port +
                           "\"\n"
                           "    - \"accounts.accesscontrol.windows.net:443:127.0.0.1:" +
                           port +
                           "\"\n"
                           "targets:\n"
                           "  - name: fabrikam\n"
                           "    organization: fabrikam.com\n"
                           "    certificate: auth.pem\n"
                           "  - name: unregistered\n"
                           "    organization: fabrikam.com\n"
                           "    certificate: unregistered.pem\n");
  }
  static void TearDownTestSuite() {
    emulator_->Stop();
    delete emulator_;
    std::filesystem::remove_all(dir_);
  }
  static std::string Config() { return dir_ + "/pushprobe.yml"; }

  static inline emulator::Emulator* emulator_ = nullptr;
  static inline std::string dir_;
};

TEST_F(CliTest, ExchangeFormatPrintsExactlyTheThreeLinesOnSuccess) {
  CliRun run = Cli({"run", "--config", Config(), "--target", "fabrikam", "--format", "exchange"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "ResultType : Succeeded\nError      :\nException  :\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(CliTest, FailedRunExitsOneWithExchangesTexts) {
  CliRun run =
      Cli({"run", "--config", Config(), "--target", "unregistered", "--format", "exchange"});
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.out, StartsWith("ResultType : Failed\nError      : Unable to get token from "
                                  "Auth Server. Error code: 'invalid_client'."));
  EXPECT_THAT(run.out, HasSubstr("\nException  : Microsoft.Exchange.Security.OAuth."));
}

TEST_F(CliTest, AllTargetsRunWhenNoneIsNamedAndAnyFailureExitsOne) {
  CliRun run = Cli({"run", "--config", Config()});
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.out, HasSubstr("target \"fabrikam\""));
  EXPECT_THAT(run.out, HasSubstr("target \"unregistered\""));
  EXPECT_THAT(run.out, HasSubstr("[FAIL]"));
  EXPECT_THAT(run.out, HasSubstr("Hint: "));
}

TEST_F(CliTest, SequentialRunSucceedsAsTheConcurrentOne) {
  CliRun run = Cli({"run", "--config", Config(), "--target", "fabrikam", "--sequential", "--format",
                    "exchange"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "ResultType : Succeeded\nError      :\nException  :\n");
}

TEST_F(CliTest, JsonFormatIsOneDocument) {
  CliRun run = Cli({"run", "--config", Config(), "--target", "fabrikam", "--format=json"});
  EXPECT_EQ(run.status, 0);
  EXPECT_THAT(run.out, StartsWith("{"));
  EXPECT_THAT(run.out, HasSubstr("\"result_type\": \"Succeeded\""));
}

TEST_F(CliTest, TextTranscriptNeverContainsSecrets) {
  CliRun run = Cli({"run", "--config", Config(), "--target", "fabrikam", "-vvv"});
  EXPECT_EQ(run.status, 0);
  // JWTs (assertion and access token) start with a base64url '{"' header.
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("eyJ")));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("PRIVATE KEY")));
  CliRun json = Cli({"run", "--config", Config(), "--format", "json"});
  EXPECT_THAT(json.out, ::testing::Not(HasSubstr("eyJ")));
}

TEST_F(CliTest, ConfigDefaultsToThePackagedFileWhenPresent) {
  CliEnvironment environment;
  environment.default_config = Config();
  CliRun run = Cli({"run", "--target", "fabrikam", "--format", "exchange"}, environment);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "ResultType : Succeeded\nError      :\nException  :\n");
  EXPECT_EQ(Cli({"check-config"}, environment).status, 0);

  CliRun absent = Cli({"run"});
  EXPECT_EQ(absent.status, 2);
  EXPECT_EQ(absent.err, "pushprobe: run needs --config FILE (" + NoDefaultConfig().default_config +
                            " does not exist)\nTry 'pushprobe --help'.\n");
}

TEST_F(CliTest, ColoursFollowTheTerminalNoColorAndTheFlag) {
  const std::string green = "\x1b[32m[ ok ]";
  const std::vector<std::string> run = {"run", "--config", Config(), "--target", "fabrikam"};
  CliEnvironment terminal = NoDefaultConfig();
  terminal.stdout_is_tty = true;
  EXPECT_NE(Cli(run, terminal).out.find(green), std::string::npos);
  CliEnvironment no_color = terminal;
  no_color.no_color = true;
  EXPECT_EQ(Cli(run, no_color).out.find('\x1b'), std::string::npos);
  EXPECT_EQ(Cli(run).out.find('\x1b'), std::string::npos);  // a pipe
  std::vector<std::string> always = run;
  always.emplace_back("--color=always");
  EXPECT_NE(Cli(always, no_color).out.find(green), std::string::npos);  // the flag wins
  std::vector<std::string> never = run;
  never.emplace_back("--color=never");
  EXPECT_EQ(Cli(never, terminal).out.find('\x1b'), std::string::npos);
}

TEST_F(CliTest, ProgressOnStderrOnlyOnATerminalAndNotForJson) {
  const std::vector<std::string> run = {"run",      "--config", Config(), "--target",
                                        "fabrikam", "--color",  "never"};
  CliEnvironment terminal = NoDefaultConfig();
  terminal.stdout_is_tty = true;
  terminal.stderr_is_tty = true;
  CliRun live = Cli(run, terminal);
  EXPECT_EQ(live.status, 0);
  EXPECT_NE(live.err.find("pushprobe: checking target \"fabrikam\"\n"), std::string::npos);
  for (const char* stage : {"configuration", "certificate", "metadata", "challenge", "token"}) {
    EXPECT_NE(live.err.find("  [ .. ]     " + std::string(stage) + "\r\x1b[K  [ ok ]     " + stage),
              std::string::npos)
        << stage << "\n"
        << live.err;
  }
  CliRun piped = Cli(run, NoDefaultConfig());
  EXPECT_EQ(piped.err, "");
  std::vector<std::string> json = run;
  json.insert(json.end(), {"--format", "json"});
  EXPECT_EQ(Cli(json, terminal).err, "");
  // stdout is the transcript alone, with or without progress.
  EXPECT_EQ(live.out.find("[ .. ]"), std::string::npos);
  EXPECT_EQ(live.out.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(live.out.begin(), live.out.end(), '\n'),
            std::count(piped.out.begin(), piped.out.end(), '\n'));
}

TEST_F(CliTest, UnknownTargetIsAUsageError) {
  CliRun run = Cli({"run", "--config", Config(), "--target", "nope"});
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.err, "pushprobe: no target named \"nope\" in " + Config() + "\n");
}

TEST(CliConfigTest, BadConfigurationNamesFileAndLineAndExitsTwo) {
  std::string path = ::testing::TempDir() + "pushprobe_cli_bad.yml";
  testing::WriteFile(path,
                     "targets:\n"
                     "  - name: fabrikam\n"
                     "    organization: fabrikam.com\n"
                     "    certificate: auth.pem\n"
                     "    timout: 30s\n");
  for (const char* command : {"run", "check-config"}) {
    CliRun run = Cli({command, "--config", path});
    EXPECT_EQ(run.status, 2) << command;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "pushprobe: " + path +
                           ":5:5: unknown key \"timout\" in target \"fabrikam\" (did you mean "
                           "\"timeout\"?)\n");
  }
  CliRun missing = Cli({"check-config", "--config", path + ".absent"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err, HasSubstr(path + ".absent"));
}

TEST(CliConfigTest, GoodConfigurationChecksOk) {
  std::string path = ::testing::TempDir() + "pushprobe_cli_good.yml";
  testing::WriteFile(path,
                     "targets:\n"
                     "  - name: fabrikam\n"
                     "    organization: fabrikam.com\n"
                     "    certificate: auth.pem\n");
  CliRun run = Cli({"check-config", "--config", path});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, path + ": OK, 1 target\n");
}

TEST(CliConfigTest, CheckConfigWarnsAboutFilesThatCannotBeRead) {
  const std::string dir = ::testing::TempDir() + "pushprobe_cli_missing";
  std::filesystem::create_directories(dir);
  testing::WriteFile(dir + "/auth.pem", "present\n");
  ::chmod((dir + "/auth.pem").c_str(), 0600);
  testing::WriteFile(dir + "/pushprobe.yml",
                     "targets:\n"
                     "  - name: fabrikam\n"
                     "    organization: fabrikam.com\n"
                     "    certificate: auth.pem\n"
                     "    ca_file: absent-ca.pem\n");
  CliRun run = Cli({"check-config", "--config", dir + "/pushprobe.yml"});
  EXPECT_EQ(run.status, 0);  // a warning: the run still decides
  EXPECT_EQ(run.out, dir + "/pushprobe.yml: OK, 1 target\n");
  EXPECT_EQ(run.err, "pushprobe: warning: target \"fabrikam\": ca_file " + dir +
                         "/absent-ca.pem: No such file or directory (the check will fail until "
                         "it is readable)\n");
  std::filesystem::remove_all(dir);
}

// A key, PKCS#12 or password file others can read is a warning naming the
// file and the chmod (as ssh refuses such keys); run and check-config say it.
TEST(CliConfigTest, SecretFilesReadableByOthersWarnWithTheChmodToRun) {
  const std::string dir =
      ::testing::TempDir() + "pushprobe_cli_secret_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing::IssuedCert auth = testing::SelfSigned({});
  testing::WriteFile(dir + "/auth.pem", auth.cert_pem + auth.key_pem);
  testing::WriteFile(dir + "/pass", "pw\n");
  ASSERT_EQ(::chmod((dir + "/auth.pem").c_str(), 0666), 0);
  ASSERT_EQ(::chmod((dir + "/pass").c_str(), 0640), 0);  // the own group: fine
  testing::WriteFile(dir + "/pushprobe.yml",
                     "targets:\n  - name: fabrikam\n    organization: fabrikam.com\n"
                     "    certificate: auth.pem\n    private_key_password_file: pass\n"
                     "    timeout: 1s\n    auth_metadata_url: https://127.0.0.1:1/metadata\n");
  const std::string warning = "pushprobe: warning: certificate " + dir +
                              "/auth.pem holds the private key and is readable by others (mode "
                              "0666); run: chmod o-rwx " +
                              dir + "/auth.pem\n";
  CliRun check = Cli({"check-config", "--config", dir + "/pushprobe.yml"});
  EXPECT_EQ(check.status, 0);
  EXPECT_EQ(check.err, warning);
  CliRun run = Cli({"run", "--config", dir + "/pushprobe.yml", "--format", "json"});
  EXPECT_EQ(run.err, warning);

  ASSERT_EQ(::chmod((dir + "/auth.pem").c_str(), 0600), 0);
  EXPECT_EQ(Cli({"check-config", "--config", dir + "/pushprobe.yml"}).err, "");
  std::filesystem::remove_all(dir);
}

TEST(CliUsageTest, UsageErrorsExitTwo) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const Case& c :
       {Case{{}, "pushprobe: no command given\n"},
        Case{{"frobnicate"}, "pushprobe: unknown command \"frobnicate\"\n"},
        Case{{"run", "--config", "x", "--color", "sometimes"},
             "pushprobe: unknown --color \"sometimes\" (auto, always or never)\n"},
        Case{{"run", "--config"}, "pushprobe: option --config needs a value\n"},
        Case{{"run", "--config", "x", "--format", "xml"},
             "pushprobe: unknown format \"xml\" (text, exchange or json)\n"},
        Case{{"run", "--bogus"}, "pushprobe: unknown option --bogus\n"},
        Case{{"run", "--sequential=yes"}, "pushprobe: option --sequential takes no value\n"},
        Case{{"check-config", "--sequential"}, "pushprobe: unknown option --sequential\n"},
        Case{{"cert"}, "pushprobe: cert needs exactly one certificate FILE\n"}}) {
    CliRun run = Cli(c.args);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, std::string(c.message) + "Try 'pushprobe --help'.\n");
  }
}

// The emulator's `lab` command tells a person how to probe the lab; that
// command line must be one the CLI accepts and that reaches the lab.
TEST(CliLabTest, TheLabsSuggestedCommandProbesTheLab) {
  const std::string dir = ::testing::TempDir() + "pushprobe_cli_lab";
  emulator::Lab lab = emulator::MakeLab(dir);
  const std::string text = emulator::LabInstructions(lab);
  const std::string prefix = "probe it:  pushprobe ";
  const auto at = text.find(prefix);
  ASSERT_NE(at, std::string::npos) << text;
  std::istringstream words(
      text.substr(at + prefix.size(), text.find('\n', at) - at - prefix.size()));
  std::vector<std::string> args;
  for (std::string w; words >> w;) args.push_back(w);
  emulator::Emulator served(lab.ToOptions());
  served.Start();
  args.insert(args.end(), {"--target", "fabrikam"});
  CliRun run = Cli(args);
  served.Stop();
  EXPECT_EQ(run.status, 0) << text << run.err << run.out;
  std::filesystem::remove_all(dir);
}

// The lab's rollover targets: both Succeed (the six stages decide); the next
// certificate is registered on one and refused on the other, with the upload
// command as the hint, and Exchange's format shows nothing of it.
TEST(CliLabTest, TheLabsRolloverTargetsReportTheNextCertificate) {
  const std::string dir = ::testing::TempDir() + "pushprobe_cli_rollover_lab";
  emulator::Lab lab = emulator::MakeLab(dir);
  emulator::Emulator served(lab.ToOptions());
  served.Start();
  const std::string config = lab.Path(emulator::Lab::kPushprobeConfig);
  CliRun registered = Cli({"run", "--config", config, "--target", "fabrikam-rollover"});
  CliRun refused = Cli({"run", "--config", config, "--target", "fabrikam-rollover-unregistered",
                        "--format", "json"});
  CliRun exchange = Cli({"run", "--config", config, "--target", "fabrikam-rollover-unregistered",
                         "--format", "exchange"});
  CliRun plain = Cli({"run", "--config", config, "--target", "fabrikam", "--format", "exchange"});
  served.Stop();
  EXPECT_EQ(registered.status, 0) << registered.err << registered.out;
  EXPECT_THAT(registered.out, HasSubstr(": registered"));
  EXPECT_EQ(refused.status, 0) << refused.err << refused.out;
  EXPECT_THAT(refused.out, HasSubstr("\"registered\": false"));
  EXPECT_THAT(refused.out, HasSubstr("AADSTS700027"));
  EXPECT_THAT(refused.out,
              HasSubstr("New-MsolServicePrincipalCredential -AppPrincipalId "
                        "00000002-0000-0ff1-ce00-000000000000 -Type asymmetric -Usage Verify"));
  EXPECT_EQ(exchange.status, 0);
  EXPECT_EQ(exchange.out, plain.out);
  std::filesystem::remove_all(dir);
}

TEST(CliUsageTest, HelpAndVersion) {
  CliRun help = Cli({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_THAT(help.out, HasSubstr("Usage: pushprobe <command>"));
  EXPECT_EQ(Cli({"run", "--help"}).status, 0);
  CliRun version = Cli({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_THAT(version.out, StartsWith("pushprobe "));
}

TEST(CliCertTest, DescribesAUsableCertificate) {
  testing::CertSpec spec;
  spec.common_name = "Microsoft Exchange Server Auth Certificate";
  testing::IssuedCert cert = testing::SelfSigned(spec);
  std::string path = ::testing::TempDir() + "pushprobe_cli_auth.pem";
  testing::WriteFile(path, cert.cert_pem + cert.key_pem);
  CliRun run = Cli({"cert", path});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Thumbprint:   " + cert.Thumbprint() + "\n"));
  EXPECT_THAT(run.out, HasSubstr("Key:          RSA 2048 bits\n"));
  EXPECT_THAT(run.out, HasSubstr("days left)"));
  EXPECT_THAT(run.out, HasSubstr("Private key:  present, matches the certificate\n"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("PRIVATE KEY")));
}

// The file holds the key, so others reading it is a warning with the chmod;
// a certificate file without a key is public.
TEST(CliCertTest, WarnsWhenTheFileHoldingTheKeyIsReadableByOthers) {
  testing::IssuedCert cert = testing::SelfSigned({});
  const std::string combined = ::testing::TempDir() + "pushprobe_cli_open_auth.pem";
  const std::string public_only = ::testing::TempDir() + "pushprobe_cli_open_cert.pem";
  testing::WriteFile(combined, cert.cert_pem + cert.key_pem);
  testing::WriteFile(public_only, cert.cert_pem);
  ASSERT_EQ(::chmod(combined.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(public_only.c_str(), 0644), 0);
  EXPECT_EQ(Cli({"cert", combined}).err,
            "pushprobe: warning: certificate " + combined +
                " holds the private key and is readable by others (mode 0644); run: chmod o-rwx " +
                combined + "\n");
  EXPECT_EQ(Cli({"cert", public_only}).err, "");
  ASSERT_EQ(::chmod(combined.c_str(), 0600), 0);
  EXPECT_EQ(Cli({"cert", combined}).err, "");
}

TEST(CliCertTest, CertificateWithoutKeyIsDescribedButNotUsable) {
  testing::IssuedCert cert = testing::SelfSigned(testing::CertSpec{});
  std::string path = ::testing::TempDir() + "pushprobe_cli_nokey.pem";
  testing::WriteFile(path, cert.cert_pem);
  CliRun run = Cli({"cert", path});
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.out, HasSubstr("Thumbprint:   " + cert.Thumbprint()));
  EXPECT_THAT(run.out, HasSubstr("Verdict:      not usable to sign assertions"));
}

TEST(CliCertTest, KeyProblemsNameTheCommandsFlagsNotConfigKeys) {
  testing::IssuedCert cert = testing::SelfSigned(testing::CertSpec{});
  std::string path = ::testing::TempDir() + "pushprobe_cli_flags.pem";
  testing::WriteFile(path, cert.cert_pem);
  CliRun no_key = Cli({"cert", path});
  EXPECT_THAT(no_key.out,
              HasSubstr("Private key:  no private key in " + path + " and no --key given\n"));
  EXPECT_THAT(no_key.out, ::testing::Not(HasSubstr("configured")));

  std::string key = ::testing::TempDir() + "pushprobe_cli_flags.key";
  testing::WriteFile(key, cert.EncryptedKeyPem("secret"));
  CliRun encrypted = Cli({"cert", path, "--key", key});
  EXPECT_THAT(encrypted.out, HasSubstr("cannot decrypt private key " + key +
                                       ": it is encrypted and no --password-file is given"));
  EXPECT_THAT(encrypted.out, ::testing::Not(HasSubstr("private_key")));
}

TEST(CliCertTest, ShowsTheNextCertificateAfterTheCurrentOne) {
  testing::CertSpec spec;
  spec.fresh_key = true;
  testing::IssuedCert current = testing::SelfSigned(spec);
  testing::IssuedCert next = testing::SelfSigned(spec);
  const std::string current_path = ::testing::TempDir() + "pushprobe_cli_current.pem";
  const std::string next_cert = ::testing::TempDir() + "pushprobe_cli_next.pem";
  const std::string next_key = ::testing::TempDir() + "pushprobe_cli_next.key";
  testing::WriteFile(current_path, current.cert_pem + current.key_pem);
  testing::WriteFile(next_cert, next.cert_pem);
  testing::WriteFile(next_key, next.EncryptedKeyPem("secret"));
  ASSERT_EQ(::chmod(current_path.c_str(), 0600), 0);
  ASSERT_EQ(::chmod(next_key.c_str(), 0600), 0);

  CliRun no_password = Cli({"cert", current_path, "--next", next_cert, "--next-key", next_key});
  EXPECT_EQ(no_password.status, 1);
  const std::size_t split = no_password.out.find("\nNext Auth certificate:\n");
  ASSERT_NE(split, std::string::npos) << no_password.out;
  EXPECT_THAT(no_password.out.substr(0, split), HasSubstr(current.Thumbprint()));
  EXPECT_THAT(no_password.out.substr(split), HasSubstr("Thumbprint:   " + next.Thumbprint()));
  EXPECT_THAT(no_password.out.substr(split),
              HasSubstr("it is encrypted and no --next-password-file is given"));

  const std::string pass = ::testing::TempDir() + "pushprobe_cli_next.pass";
  testing::WriteFile(pass, "secret\n");
  ASSERT_EQ(::chmod(pass.c_str(), 0600), 0);
  CliRun both = Cli({"cert", current_path, "--next", next_cert, "--next-key", next_key,
                     "--next-password-file", pass});
  EXPECT_EQ(both.status, 0) << both.out << both.err;
  EXPECT_EQ(both.err, "");
  EXPECT_THAT(both.out, ::testing::Not(HasSubstr("secret")));

  CliRun alone = Cli({"cert", current_path, "--next-key", next_key});
  EXPECT_EQ(alone.status, 2);
  EXPECT_THAT(alone.err, HasSubstr("--next-key and --next-password-file need --next FILE"));
}

TEST(CliCertTest, UnreadableFileIsReported) {
  CliRun run = Cli({"cert", "/nonexistent/pushprobe/auth.pem"});
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/pushprobe/auth.pem"));
}

// Cli() on its own thread with a bound: a FIFO nobody writes to once hung
// every command that opened it, and a hang must fail here, not stall ctest.
CliRun CliWithin(const std::vector<std::string>& args) {
  auto task = std::make_shared<std::packaged_task<CliRun()>>([args] { return Cli(args); });
  std::future<CliRun> done = task->get_future();
  std::thread runner([task] { (*task)(); });
  if (done.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ADD_FAILURE() << "pushprobe " << ::testing::PrintToString(args) << " still running after 20 s";
    std::fflush(stdout);
    std::_Exit(1);  // the command's thread cannot be stopped
  }
  // Joined, not detached: the result is ready before the thread has ended,
  // and a detached thread still freeing its OpenSSL error state when the
  // test process exits is a leak to LeakSanitizer (seen once in CI).
  runner.join();
  return done.get();
}

class CliFifoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "pushprobe_cli_fifo_" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    fifo_ = dir_ + "/fifo.pem";
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    testing::IssuedCert auth = testing::SelfSigned({});
    testing::WriteFile(dir_ + "/auth.pem", auth.cert_pem + auth.key_pem);
    ::chmod((dir_ + "/auth.pem").c_str(), 0600);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A one-target configuration with \p key naming the FIFO.
  std::string ConfigWith(const std::string& key) {
    std::string yaml =
        "targets:\n  - name: fabrikam\n    organization: fabrikam.com\n"
        "    timeout: 5s\n";
    yaml += "    certificate: " + std::string(key == "certificate" ? fifo_ : "auth.pem") + "\n";
    if (key != "certificate") yaml += "    " + key + ": " + fifo_ + "\n";
    // The proxy password is read when a tunnel opens: a proxy must answer.
    if (key == "proxy_password_file") {
      yaml += "    proxy: " + proxy_.Url() + "\n    proxy_user: alice\n";
    }
    testing::WriteFile(dir_ + "/" + key + ".yml", yaml);
    return dir_ + "/" + key + ".yml";
  }

  std::string dir_;
  std::string fifo_;
  testing::TestProxy proxy_{{"alice", "pr0xy-s3cret", 0}};
};

TEST_F(CliFifoTest, AFifoAsAnyFileKeyFailsTheRunInsteadOfHanging) {
  const std::string fifo = fifo_ + ": is a FIFO (named pipe), not a regular file";
  const std::pair<std::string, std::string> cases[] = {
      {"certificate", "cert_missing: cannot read certificate file " + fifo},
      {"private_key", "cert_missing: cannot read private key file " + fifo},
      {"private_key_password_file", "config: cannot read password file " + fifo},
      {"ca_file", "config: cannot read ca_file " + fifo},
      {"proxy_password_file", "config: cannot read proxy_password_file " + fifo},
  };
  for (const auto& [key, want] : cases) {
    CliRun run = CliWithin({"run", "--config", ConfigWith(key), "--format", "text"});
    EXPECT_EQ(run.status, 1) << key << "\n" << run.out << run.err;
    EXPECT_THAT(run.out, HasSubstr(want)) << key;
  }
}

TEST_F(CliFifoTest, AFifoAsTheConfigurationOrCertificateIsRefused) {
  const std::string refused = fifo_ +
                              ": cannot read config file: is a FIFO (named pipe), not a "
                              "regular file\n";
  for (const char* command : {"run", "check-config"}) {
    CliRun run = CliWithin({command, "--config", fifo_});
    EXPECT_EQ(run.status, 2) << command;
    EXPECT_EQ(run.err, "pushprobe: " + refused) << command;
  }
  CliRun cert = CliWithin({"cert", fifo_});
  EXPECT_EQ(cert.status, 1);
  EXPECT_THAT(cert.err, HasSubstr(fifo_ + ": is a FIFO (named pipe), not a regular file"));
}

TEST_F(CliFifoTest, CertWithAFifoAsKeyOrPasswordFileSaysSoInsteadOfHanging) {
  const std::string fifo = fifo_ + ": is a FIFO (named pipe), not a regular file";
  CliRun key = CliWithin({"cert", dir_ + "/auth.pem", "--key", fifo_});
  EXPECT_THAT(key.out, HasSubstr("cannot read private key file " + fifo)) << key.out << key.err;
  CliRun password = CliWithin({"cert", dir_ + "/auth.pem", "--password-file", fifo_});
  EXPECT_EQ(password.status, 1) << password.out;
  EXPECT_THAT(password.err, HasSubstr("cannot read password file " + fifo)) << password.err;
}

// check-config never opens the files a target names (a FIFO would wait for a
// writer); a file that is not a regular file is a warning naming what it is.
TEST_F(CliFifoTest, CheckConfigWarnsAboutAFifoAsAnyFileKey) {
  for (const char* key : {"certificate", "private_key", "private_key_password_file", "ca_file",
                          "proxy_password_file"}) {
    CliRun run = CliWithin({"check-config", "--config", ConfigWith(key)});
    EXPECT_EQ(run.status, 0) << key << "\n" << run.err;
    EXPECT_EQ(run.err, "pushprobe: warning: target \"fabrikam\": " + std::string(key) + " " +
                           fifo_ +
                           ": is a FIFO (named pipe), not a regular file (the check will fail "
                           "until it is readable)\n")
        << key;
  }
}

}  // namespace
}  // namespace pushprobe
