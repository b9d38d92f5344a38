#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "nagios/plugin_app.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/fault.h"

namespace pushprobe::nagios {
namespace {

struct PluginRun {
  int status;
  std::string out;
  std::string first_line;
};

// One emulator (port 0) and one lab on disk for the suite: generating RSA keys
// dominates the cost. Each test starts from no faults and the trusted listener.
class PluginEmulatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    emulator_ = new emulator::Emulator();
    emulator_->Start();
    lab_dir_ = ::testing::TempDir() + "nagios_lab_" + std::to_string(emulator_->port());
    std::filesystem::create_directories(lab_dir_);
    const emulator::LabCredentials& creds = emulator_->credentials();
    Write("ca.pem", creds.ca.cert_pem);
    Write("auth.pem", creds.auth.CombinedPem());
    Write("unregistered.pem", creds.unregistered_auth.CombinedPem());
    Write("pushprobe.yml",
          "targets:\n"
          "  - name: lab\n"
          "    organization: fabrikam.com\n"
          "    certificate: auth.pem\n"
          "    ca_file: ca.pem\n"
          "    connect_to:\n"
          "      - \"outlook.office365.com:443:127.0.0.1:" +
              std::to_string(emulator_->port()) +
              "\"\n"
              "      - \"accounts.accesscontrol.windows.net:443:127.0.0.1:" +
              std::to_string(emulator_->port()) + "\"\n");
  }

  static void TearDownTestSuite() {
    emulator_->Stop();
    delete emulator_;
    emulator_ = nullptr;
  }

  void SetUp() override {
    emulator_->ClearFaults();
    emulator_->ResetStats();
    if (emulator_->tls_mode() != emulator::TlsMode::kTrusted) {
      emulator_->RestartListener(emulator::TlsMode::kTrusted);
    }
  }

  static void Write(const std::string& name, const std::string& text) {
    std::ofstream(lab_dir_ + "/" + name, std::ios::binary) << text;
  }

  // The lab target given as options alone, with the certificate chosen.
  static std::vector<std::string> LabOptions(const std::string& certificate = "auth.pem") {
    const std::string port = std::to_string(emulator_->port());
    return {"-O",
            "fabrikam.com",
            "--certificate",
            lab_dir_ + "/" + certificate,
            "--ca-file",
            lab_dir_ + "/ca.pem",
            "--connect-to",
            "outlook.office365.com:443:127.0.0.1:" + port,
            "--connect-to",
            "accounts.accesscontrol.windows.net:443:127.0.0.1:" + port};
  }

  static PluginRun RunPluginWith(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    int status = RunPlugin(args, out, err, SystemClock::Instance());
    std::string text = out.str();
    return {status, text, text.substr(0, text.find('\n'))};
  }

  static emulator::Emulator* emulator_;
  static std::string lab_dir_;
};

emulator::Emulator* PluginEmulatorTest::emulator_ = nullptr;
std::string PluginEmulatorTest::lab_dir_;

// The documented first line of a healthy check.
const std::regex kHealthyFirstLine(
    R"(EXCHANGE PUSH OK - push notification published in \d+\.\d{3}s \(fabrikam\.com\) \| )"
    R"('time'=\d+(\.\d+)?s;;;0 'configuration_time'=\d+(\.\d+)?s;;;0 )"
    R"('certificate_time'=\d+(\.\d+)?s;;;0 'metadata_time'=\d+(\.\d+)?s;;;0 )"
    R"('challenge_time'=\d+(\.\d+)?s;;;0 'token_time'=\d+(\.\d+)?s;;;0 )"
    R"('publish_time'=\d+(\.\d+)?s;;;0 'auth_cert_days'=\d+;30:;14: )"
    R"('tls_metadata_days'=\d+;30:;14: 'tls_token_days'=\d+;30:;14: )"
    R"('tls_publish_days'=\d+;30:;14: 'clock_skew'=-?\d+s;-60:60;-300:300)");

TEST_F(PluginEmulatorTest, HealthyTargetIsOkWithTheDocumentedFirstLine) {
  PluginRun run = RunPluginWith(LabOptions());
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_TRUE(std::regex_match(run.first_line, kHealthyFirstLine)) << run.first_line;
  EXPECT_EQ(run.out, run.first_line + "\n");  // -v not given: one line
}

TEST_F(PluginEmulatorTest, HealthyTargetFromTheConfigFile) {
  PluginRun run = RunPluginWith({"--config", lab_dir_ + "/pushprobe.yml", "-v"});
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_TRUE(std::regex_match(run.first_line, kHealthyFirstLine)) << run.first_line;
  EXPECT_NE(run.out.find("\n\\_[OK] publish "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\n  \\_[OK] auth certificate expires "), std::string::npos) << run.out;
}

// The identity platform (v2) flow given as options: the lab application, its
// token endpoint on login.microsoftonline.com routed to the emulator too.
TEST_F(PluginEmulatorTest, IdentityPlatformFlowFromOptionsIsOk) {
  std::vector<std::string> args = LabOptions();
  const std::string port = std::to_string(emulator_->port());
  for (const std::string& extra :
       {std::string("--connect-to"), "login.microsoftonline.com:443:127.0.0.1:" + port,
        std::string("--token-flow"), std::string("identity-platform"),
        std::string("--application-id"), std::string(emulator::kLabApplicationId),
        std::string("-v")}) {
    args.push_back(extra);
  }
  PluginRun run = RunPluginWith(args);
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_TRUE(std::regex_match(run.first_line, kHealthyFirstLine)) << run.first_line;
  EXPECT_NE(run.out.find("\n\\_[OK] token "), std::string::npos) << run.out;
}

TEST_F(PluginEmulatorTest, UnregisteredCertificateIsCritical) {
  PluginRun run = RunPluginWith(LabOptions("unregistered.pem"));
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_EQ(run.first_line.rfind("EXCHANGE PUSH CRITICAL - token oauth_error: "
                                 "AADSTS700027 key not found (fabrikam.com) | 'time'=",
                                 0),
            0u)
      << run.first_line;
}

TEST_F(PluginEmulatorTest, Publish503IsCritical) {
  emulator_->InjectFault(emulator::Fault::Parse("publish:status:503"));
  std::vector<std::string> args = LabOptions();
  args.emplace_back("-v");
  PluginRun run = RunPluginWith(args);
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_EQ(run.first_line.rfind("EXCHANGE PUSH CRITICAL - publish", 0), 0u) << run.first_line;
  EXPECT_NE(run.first_line.find("503"), std::string::npos) << run.first_line;
  EXPECT_NE(run.out.find("\n\\_[CRITICAL] publish "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\n\\_[OK] token "), std::string::npos) << run.out;
}

// The server's metadata names a token endpoint the client cannot use: the
// server answered wrongly (CRITICAL at metadata), not a configuration error
// (UNKNOWN at token), and no token request is attempted.
TEST_F(PluginEmulatorTest, UnusableTokenEndpointInMetadataIsCritical) {
  emulator::Fault fault = emulator::Fault::Parse("metadata:status:200");
  fault.body =
      R"({"realm":"9188040d-6c67-4c5b-b112-36a304b66dad",)"
      R"("issuer":"00000001-0000-0000-c000-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad",)"
      R"("keys":[{"usage":"signing","keyInfo":{"x5t":"abc"},)"
      R"("keyValue":{"type":"x509Certificate","value":"MIIB"}}],)"
      R"("endpoints":[{"location":"https://accounts!accesscontrol.windows.net/t/tokens/OAuth/2",)"
      R"("protocol":"OAuth2","usage":"issuance"}]})";
  fault.headers = {{"Content-Type", "application/json"}};
  emulator_->InjectFault(fault);
  std::vector<std::string> args = LabOptions();
  args.emplace_back("-v");
  PluginRun run = RunPluginWith(args);
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_EQ(run.first_line.rfind("EXCHANGE PUSH CRITICAL - metadata malformed_response: ", 0), 0u)
      << run.first_line;
  EXPECT_NE(run.first_line.find("accounts!accesscontrol.windows.net"), std::string::npos)
      << run.first_line;
  EXPECT_EQ(emulator_->stats().token.total(), 0u) << "no token request to an unusable URL";
}

TEST_F(PluginEmulatorTest, UntrustedTlsIsCritical) {
  emulator_->RestartListener(emulator::TlsMode::kUntrustedCa);
  PluginRun run = RunPluginWith(LabOptions());
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_EQ(run.first_line.rfind("EXCHANGE PUSH CRITICAL - metadata tls_untrusted: ", 0), 0u)
      << run.first_line;
  EXPECT_NE(run.first_line.find("not trusted"), std::string::npos) << run.first_line;
}

TEST_F(PluginEmulatorTest, SlowAnswerWithShortTimeoutTakesTheTimeoutResult) {
  emulator_->InjectFault(emulator::Fault::Parse("publish:slow:5s"));
  std::vector<std::string> args = LabOptions();
  for (const char* a : {"-t", "1", "--timeout-result", "warning"}) args.emplace_back(a);
  PluginRun run = RunPluginWith(args);
  emulator_->ClearFaults();  // releases the held connection at once
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_EQ(run.first_line.rfind("EXCHANGE PUSH WARNING - publish timeout: ", 0), 0u)
      << run.first_line;
}

// A server whose Date is two minutes ahead: the push check itself still
// passes (ACS allows five minutes), yet the plugin warns about the clock.
TEST_F(PluginEmulatorTest, ClockSkewOnAPassingCheckWarns) {
  emulator_->SetClockOffset(std::chrono::seconds(120));
  std::vector<std::string> args = LabOptions();
  args.emplace_back("-v");
  PluginRun run = RunPluginWith(args);
  emulator_->SetClockOffset(std::chrono::seconds(0));
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_EQ(run.first_line.rfind("EXCHANGE PUSH WARNING - clock skew: server clock is ", 0), 0u)
      << run.first_line;
  EXPECT_NE(run.first_line.find("'clock_skew'=1"), std::string::npos) << run.first_line;
  EXPECT_NE(run.out.find("\n\\_[OK] publish "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\n\\_[WARNING] clock skew server clock is "), std::string::npos)
      << run.out;
}

TEST_F(PluginEmulatorTest, BadWarningRangeIsUnknown) {
  std::vector<std::string> args = LabOptions();
  for (const char* a : {"--warning", "5:1"}) args.emplace_back(a);
  PluginRun run = RunPluginWith(args);
  EXPECT_EQ(run.status, 3);
  EXPECT_EQ(run.out,
            "EXCHANGE PUSH UNKNOWN - -w/--warning: invalid range \"5:1\": start 5 is greater "
            "than end 1\n");
  emulator::Stats stats = emulator_->stats();
  EXPECT_EQ(stats.metadata.total(), 0u) << "nothing may be sent on bad arguments";
}

TEST_F(PluginEmulatorTest, UnreadableConfigIsUnknown) {
  PluginRun run = RunPluginWith({"--config", lab_dir_ + "/missing.yml"});
  EXPECT_EQ(run.status, 3);
  EXPECT_EQ(run.first_line.rfind(
                "EXCHANGE PUSH UNKNOWN - configuration error: " + lab_dir_ + "/missing.yml", 0),
            0u)
      << run.first_line;
}

}  // namespace
}  // namespace pushprobe::nagios
