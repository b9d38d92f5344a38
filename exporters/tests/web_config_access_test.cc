#include "exporters/web_config_access.h"

#include <crypt.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "exporters/exporter_main.h"
#include "tests/support/test_pki.h"

namespace pushprobe::exporter {
namespace {

using pushprobe::testing::CertSpec;
using pushprobe::testing::IssuedCert;
using pushprobe::testing::TestCa;
using pushprobe::testing::WriteFile;

// A cost-4 bcrypt hash of \p password made with libxcrypt (fast for tests).
std::string Hash(const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* out = crypt_rn(password.c_str(), setting, &data, sizeof data);
  return out ? out : "";
}

// The serial number of the certificate \p ctx serves, as hex.
std::string ServedSerial(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) return "";
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out = hex;
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

class WebConfigAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("web_config_access_test." + std::to_string(::getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "web.yml").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes a fresh server certificate (new serial) and its key next to the web config.
  void WriteServerCert() {
    CertSpec spec;
    spec.ip_addresses = {"127.0.0.1"};
    IssuedCert cert = ca_.Issue(spec);
    WriteFile((dir_ / "server.crt").string(), cert.cert_pem);
    WriteFile((dir_ / "server.key").string(), cert.key_pem);
  }

  std::unique_ptr<WebConfigAccess> Open() {
    auto access = WebConfigAccess::Open(path_, logger_);
    EXPECT_TRUE(access.ok()) << access.error();
    return access.ok() ? std::move(access).value() : nullptr;
  }

  static HttpRouterRequest Request(const std::string& authorization = "") {
    HttpRouterRequest r;
    r.method = "GET";
    r.uri = "/metrics";
    if (!authorization.empty()) r.headers.emplace_back("authorization", authorization);
    return r;
  }

  TestCa ca_ = TestCa::Create();
  std::filesystem::path dir_;
  std::string path_;
  std::ostringstream log_;
  Logger logger_{log_, SystemClock::Instance()};
};

constexpr const char* kTlsConfig =
    "tls_server_config:\n  cert_file: server.crt\n"
    "  key_file: server.key\n";

TEST_F(WebConfigAccessTest, ABadFileIsRefusedAtStartWithFileAndLine) {
  WriteFile(path_, "basic_auth_users:\n  alice: plain-text-password\n");
  auto access = WebConfigAccess::Open(path_, logger_);
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.error().rfind(path_ + ":2:10: basic_auth_users: the password of \"alice\"", 0),
            0u)
      << access.error();
  EXPECT_EQ(access.error().find("plain-text-password"), std::string::npos);
  EXPECT_EQ(WebConfigAccess::Check(path_).error(), access.error());

  WriteFile(path_, kTlsConfig);  // the files it names do not exist
  auto missing = WebConfigAccess::Open(path_, logger_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), path_ + ": cannot read cert_file " + (dir_ / "server.crt").string() +
                                 ": No such file or directory");
}

TEST_F(WebConfigAccessTest, WithoutUsersEveryRequestPassesAndNoTlsMeansPlainHttp) {
  WriteFile(path_, "http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
  auto access = Open();
  ASSERT_TRUE(access);
  EXPECT_FALSE(access->Authorize(Request()).has_value());
  EXPECT_EQ(access->ForNewConnection().tls, nullptr);
  EXPECT_FALSE(access->ForNewConnection().refuse);
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(access->ResponseHeaders(), (Headers{{"X-Frame-Options", "deny"}}));
}

TEST_F(WebConfigAccessTest, BasicAuthGives401WithTheChallengeUnlessThePasswordIsRight) {
  WriteFile(path_, "basic_auth_users:\n  alice: " + Hash("s3cret") + "\n");
  auto access = Open();
  ASSERT_TRUE(access);
  for (const std::string& header :
       {std::string(), std::string("Basic YWxpY2U6d3Jvbmc="), std::string("Bearer x")}) {
    std::optional<HttpRouterResponse> denied = access->Authorize(Request(header));
    ASSERT_TRUE(denied.has_value()) << header;
    EXPECT_EQ(denied->status, 401);
    using Headers = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(denied->headers, (Headers{{"WWW-Authenticate", "Basic"}}));
  }
  EXPECT_FALSE(access->Authorize(Request("Basic YWxpY2U6czNjcmV0")).has_value());  // alice:s3cret
  EXPECT_EQ(log_.str().find("$2b$"), std::string::npos) << log_.str();
}

TEST_F(WebConfigAccessTest, ACertificateReplacedOnDiskIsServedOnTheNextConnection) {
  WriteServerCert();
  WriteFile(path_, kTlsConfig);
  auto access = Open();
  ASSERT_TRUE(access);
  std::shared_ptr<SSL_CTX> first = access->ForNewConnection().tls;
  ASSERT_NE(first, nullptr);
  // Unchanged files: the same context (and its session cache) is kept.
  EXPECT_EQ(access->ForNewConnection().tls, first);

  WriteServerCert();
  std::shared_ptr<SSL_CTX> second = access->ForNewConnection().tls;
  ASSERT_NE(second, nullptr);
  EXPECT_NE(second, first);
  EXPECT_NE(ServedSerial(second.get()), ServedSerial(first.get()));
  // A connection made before the rotation keeps its context.
  EXPECT_FALSE(ServedSerial(first.get()).empty());
}

TEST_F(WebConfigAccessTest, ABrokenFileKeepsTheRunningConfigurationAndIsLoggedOnce) {
  WriteServerCert();
  WriteFile(path_, std::string(kTlsConfig) + "basic_auth_users:\n  alice: " + Hash("pw") + "\n");
  auto access = Open();
  ASSERT_TRUE(access);
  std::shared_ptr<SSL_CTX> running = access->ForNewConnection().tls;

  // A key that does not match the certificate, as halfway through a rotation.
  WriteFile((dir_ / "server.key").string(), TestCa::Create("other").root().key_pem);
  EXPECT_EQ(access->ForNewConnection().tls, running);
  EXPECT_EQ(access->ForNewConnection().tls, running);
  Expected<void> error = access->Reload();
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error(), path_ + ": key_file " + (dir_ / "server.key").string() +
                               " does not match cert_file " + (dir_ / "server.crt").string());
  EXPECT_TRUE(access->Authorize(Request()).has_value());  // still authenticating

  const std::string log = log_.str();
  std::size_t lines = 0;
  for (std::size_t at = log.find("error loading web config"); at != std::string::npos;
       at = log.find("error loading web config", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
  EXPECT_EQ(log.find("PRIVATE KEY"), std::string::npos) << log;

  // Fixed: the next connection gets the new pair.
  WriteServerCert();
  std::shared_ptr<SSL_CTX> fixed = access->ForNewConnection().tls;
  EXPECT_NE(fixed, running);
  EXPECT_TRUE(access->Reload().ok());

  // A syntax error on reload: kept, and the error names file and line.
  WriteFile(path_, "tls_server_config: {\n");
  Expected<void> syntax = access->Reload();
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error(), path_ + ":2:1: invalid YAML: end of map flow not found");
  EXPECT_EQ(access->ForNewConnection().tls, fixed);
}

int RunMain(std::vector<std::string> args, std::string* out, std::string* err) {
  args.insert(args.begin(), "pushprobe-exporter");
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream o;
  std::ostringstream e;
  const int status = ExporterMain(static_cast<int>(argv.size()), argv.data(), o, e);
  *out = o.str();
  *err = e.str();
  return status;
}

TEST_F(WebConfigAccessTest, ExporterMainExitsTwoOnABadWebConfigAtStartAndUnderConfigCheck) {
  const std::string config = std::string(PUSHPROBE_CONFIG_TESTDATA) + "/valid-minimal.yml";
  WriteFile(path_, "tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth: x\n");
  std::string out;
  std::string err;
  // Returns before binding or starting anything.
  EXPECT_EQ(RunMain({"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                     "--web.config.file=" + path_},
                    &out, &err),
            2);
  EXPECT_EQ(err, "pushprobe-exporter: invalid --web.config.file:\n" + path_ +
                     ":4:3: unknown key \"client_auth\" in tls_server_config\n");

  EXPECT_EQ(RunMain({"--config.file=" + config, "--config.check", "--web.config.file=" + path_},
                    &out, &err),
            2);
  EXPECT_EQ(err, path_ + ":4:3: unknown key \"client_auth\" in tls_server_config\n");

  WriteServerCert();
  WriteFile(path_, kTlsConfig);
  EXPECT_EQ(RunMain({"--config.file=" + config, "--config.check", "--web.config.file=" + path_},
                    &out, &err),
            0)
      << err;
  EXPECT_NE(out.find(path_ + ": web config OK\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace pushprobe::exporter
