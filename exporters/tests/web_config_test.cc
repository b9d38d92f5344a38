#include "exporters/web_config.h"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace pushprobe::exporter {
namespace {

// A syntactically valid bcrypt hash (cost 10); its password does not matter here.
constexpr const char* kHash = "$2y$10$abcdefghijklmnopqrstuu5Y7n5l1cXb8XIQ2v3K2yLQ1F3uD2mWq";

TEST(WebConfigTest, ParsesEveryKeyItHonours) {
  const std::string yaml = std::string(R"(
tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca/clients.pem
  min_version: TLS12
  max_version: TLS13
  cipher_suites:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_AES_256_GCM_SHA384
  prefer_server_cipher_suites: false
  curve_preferences: [CurveP256, X25519]
http_server_config:
  http2: true
  headers:
    X-Frame-Options: deny
    Content-Security-Policy: "default-src 'none'"
    X-XSS-Protection: ""
basic_auth_users:
  alice: ')") + kHash + "'\n";
  Expected<WebConfig> c = LoadWebConfigString(yaml, "/etc/pushprobe/web.yml");
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c->tls_enabled());
  const WebTlsConfig& tls = *c->tls;
  EXPECT_EQ(tls.cert_file, "/etc/pushprobe/server.crt");
  EXPECT_EQ(tls.key_file, "/abs/server.key");
  EXPECT_EQ(tls.client_ca_file, "/etc/pushprobe/ca/clients.pem");
  EXPECT_EQ(tls.client_auth, ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(tls.min_version, TLS1_2_VERSION);
  EXPECT_EQ(tls.max_version, TLS1_3_VERSION);
  EXPECT_EQ(tls.cipher_list, "ECDHE-RSA-AES128-GCM-SHA256");
  EXPECT_EQ(tls.tls13_ciphersuites, "TLS_AES_256_GCM_SHA384");
  EXPECT_FALSE(tls.prefer_server_cipher_suites);
  EXPECT_EQ(tls.groups, "P-256:X25519");
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c->headers, (Headers{{"X-Frame-Options", "deny"},
                                 {"Content-Security-Policy", "default-src 'none'"}}));
  ASSERT_EQ(c->users.size(), 1u);
  EXPECT_EQ(c->users.at("alice"), kHash);
}

TEST(WebConfigTest, EmptyFileAndEmptySectionsMeanPlainHttpWithoutAuthentication) {
  for (const char* yaml : {"", "# nothing\n", "tls_server_config:\nbasic_auth_users:\n",
                           "tls_server_config:\n  min_version: TLS13\n"}) {
    Expected<WebConfig> c = LoadWebConfigString(yaml, "web.yml");
    ASSERT_TRUE(c.ok()) << yaml << ": " << c.error();
    EXPECT_FALSE(c->tls_enabled()) << yaml;
    EXPECT_TRUE(c->users.empty());
    EXPECT_TRUE(c->headers.empty());
  }
}

TEST(WebConfigTest, OldRequireClientCertSpellingAndDefaults) {
  Expected<WebConfig> c = LoadWebConfigString(
      "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireClientCert\n",
      "/w/web.yml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->tls->client_auth, ClientAuth::kRequireAnyClientCert);
  EXPECT_EQ(c->tls->min_version, TLS1_2_VERSION);  // exporter-toolkit's defaults
  EXPECT_EQ(c->tls->max_version, TLS1_3_VERSION);
  EXPECT_TRUE(c->tls->prefer_server_cipher_suites);
  EXPECT_TRUE(c->tls->cipher_list.empty());
}

struct InvalidCase {
  std::string yaml;
  const char* error;
};

TEST(WebConfigTest, RejectsEachMistakeWithFileLineAndReason) {
  const std::string cert = "tls_server_config:\n  cert_file: c\n  key_file: k\n";
  const InvalidCase cases[] = {
      {"foo: 1\n",
       "w.yml:1:1: unknown key \"foo\" (expected tls_server_config, "
       "http_server_config or basic_auth_users)"},
      {"tls_server_config:\n  cert_file: c\n  keyfile: k\n",
       "w.yml:1:1: tls_server_config: missing key_file (the server's private key)\n"
       "w.yml:3:3: unknown key \"keyfile\" in tls_server_config"},
      {"rate_limit:\n  burst: 1\n",
       "w.yml:1:1: rate_limit is not supported by pushprobe-exporter: remove it (/probe has its "
       "own limits on concurrent runs)"},
      {"tls_server_config:\n  cert_file: c\n  key_file: k\n  client_allowed_sans: [a]\n",
       "w.yml:4:3: tls_server_config.client_allowed_sans is not supported by pushprobe-exporter: "
       "remove it and issue client certificates from a CA of their own (client_ca_file)"},
      {"tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: Required\n",
       "w.yml:4:21: tls_server_config.client_auth_type: unknown value \"Required\" (expected "
       "NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or "
       "RequireAndVerifyClientCert)"},
      {"tls_server_config:\n  min_version: TLS1.2\n",
       "w.yml:2:16: tls_server_config.min_version: unknown TLS version \"TLS1.2\" (expected "
       "TLS10, TLS11, TLS12 or TLS13)"},
      {"tls_server_config:\n  min_version: TLS13\n  max_version: TLS12\n",
       "w.yml:2:16: tls_server_config: min_version TLS13 is above max_version TLS12"},
      {"tls_server_config:\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
       "w.yml:2:19: tls_server_config.cipher_suites: \"TLS_RSA_WITH_RC4_128_SHA\" is not a "
       "cipher suite this OpenSSL offers (use IANA names such as "
       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"},
      {"tls_server_config:\n  curve_preferences: [P256]\n",
       "w.yml:2:23: tls_server_config.curve_preferences: unknown curve \"P256\" (expected "
       "CurveP256, CurveP384, CurveP521 or X25519)"},
      {"tls_server_config:\n  cert_file: c\n",
       "w.yml:1:1: tls_server_config: missing key_file (the server's private key)"},
      {"tls_server_config:\n  key_file: k\n",
       "w.yml:1:1: tls_server_config: missing cert_file (the server's certificate)"},
      {"tls_server_config:\n  cert_file: c\n  cert: x\n  key_file: k\n",
       "w.yml:1:1: tls_server_config: give cert_file or cert, not both"},
      {"tls_server_config:\n  cert_file: c\n  key_file: k\n  client_ca_file: ca\n",
       "w.yml:1:1: tls_server_config: client_ca_file is set but client_auth_type is "
       "NoClientCert; set client_auth_type: RequireAndVerifyClientCert to require client "
       "certificates"},
      {"tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: "
       "RequireAndVerifyClientCert\n",
       "w.yml:4:21: tls_server_config: client_auth_type RequireAndVerifyClientCert verifies "
       "client certificates and needs client_ca_file, the CA that issues them"},
      {"tls_server_config:\n  cert_file: [c]\n  key_file: k\n",
       "w.yml:1:1: tls_server_config: missing cert_file (the server's certificate)\n"
       "w.yml:2:14: tls_server_config.cert_file must be a string, got a list"},
      {"tls_server_config:\n  cert_file: c\n  cert_file: d\n  key_file: k\n",
       "w.yml:3:3: duplicate key \"cert_file\" in tls_server_config (first at line 2)"},
      {"tls_server_config:\n  prefer_server_cipher_suites: yes please\n",
       "w.yml:2:32: tls_server_config.prefer_server_cipher_suites must be true or false"},
      {"http_server_config:\n  headers:\n    Server: nginx\n",
       "w.yml:3:5: HTTP header \"Server\" can not be configured (allowed: "
       "Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, "
       "Content-Security-Policy)"},
      {"http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
       "w.yml:3:22: invalid value for X-Frame-Options: expected \"deny\" or \"sameorigin\", got "
       "\"allow\""},
      {"http_server_config:\n  headers:\n    X-Content-Type-Options: \"nosniff\\r\\nSet-Cookie: "
       "a\"\n",
       "w.yml:3:29: header X-Content-Type-Options: value must not contain control characters"},
      {"http_server_config:\n  http3: true\n",
       "w.yml:2:3: unknown key \"http3\" in http_server_config"},
      {"basic_auth_users:\n  alice: hunter2\n",
       "w.yml:2:10: basic_auth_users: the password of \"alice\" is not a bcrypt hash ($2y$..., "
       "60 characters); make one with htpasswd -nBC 10 \"\" | tr -d ':\\n'"},
      {"basic_auth_users:\n  \"a:b\": x\n",
       "w.yml:2:3: basic_auth_users: invalid user name \"a:b\" (must not be empty or contain "
       "\":\" or control characters)"},
      {"basic_auth_users: [alice]\n", "w.yml:1:19: basic_auth_users must be a map, got a list"},
      {"- a\n",
       "w.yml:1:1: the web configuration must be a map of tls_server_config, "
       "http_server_config and basic_auth_users, got a list"},
      {"tls_server_config: {\n", "w.yml:2:1: invalid YAML: end of map flow not found"},
      // YAML::LoadAll never ended on a stray "," (memory grew until bad_alloc).
      {",",
       "w.yml:1:1: invalid YAML: unexpected \",\" (\",\" separates entries only inside [ ] "
       "or { })"},
      {std::string("basic_auth_users:\n  alice: x\0y\n", 29),
       "w.yml:2:11: invalid YAML: a NUL byte; a configuration is text (is this a binary file?)"},
      {"a: " + std::string(600, '[') + std::string(600, ']') + "\n",
       "w.yml:1:1204: invalid YAML: lists and maps nested more than 499 levels deep"},
      {"a: 1\n---\nb: 2\n",
       "w.yml:1:1: unknown key \"a\" (expected tls_server_config, http_server_config or "
       "basic_auth_users)\n"
       "w.yml:3:1: only one YAML document is allowed; found a second one"},
  };
  for (const InvalidCase& c : cases) {
    Expected<WebConfig> got = LoadWebConfigString(c.yaml, "w.yml");
    ASSERT_FALSE(got.ok()) << c.yaml;
    EXPECT_EQ(got.error(), c.error) << c.yaml;
  }
}

TEST(WebConfigTest, MessagesNeverShowAPasswordHashOrInlineKey) {
  const std::string almost = std::string(kHash).substr(0, 59);  // one character short
  Expected<WebConfig> c = LoadWebConfigString(
      "basic_auth_users:\n  bob: '" + almost +
          "'\ntls_server_config:\n  cert_file: c\n  key: \"-----BEGIN PRIVATE KEY-----SECRET\"\n"
          "  key_file: k\n",
      "w.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().find(almost), std::string::npos) << c.error();
  EXPECT_EQ(c.error().find("SECRET"), std::string::npos) << c.error();
  EXPECT_NE(c.error().find("\"bob\""), std::string::npos) << c.error();
}

class WebConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("web_config_test." + std::to_string(::getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(WebConfigFileTest, FileErrorsNameTheFile) {
  const std::string path = Write("web.yml", "basic_auth_users:\n  alice: nope\n");
  Expected<WebConfig> c = LoadWebConfigFile(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().rfind(path + ":2:10: basic_auth_users:", 0), 0u) << c.error();

  Expected<WebConfig> missing = LoadWebConfigFile((dir_ / "absent.yml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "cannot read web config file " + (dir_ / "absent.yml").string() +
                                 ": No such file or directory");
}

TEST_F(WebConfigFileTest, RelativePathsFollowTheFilesDirectory) {
  const std::string path = Write("web.yml",
                                 "tls_server_config:\n  cert_file: s.crt\n  key_file: "
                                 "../k/s.key\n");
  Expected<WebConfig> c = LoadWebConfigFile(path);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->tls->cert_file, (dir_ / "s.crt").string());
  EXPECT_EQ(c->tls->key_file, (dir_.parent_path() / "k" / "s.key").string());
}

TEST_F(WebConfigFileTest, ReadSmallFileRefusesAFifoWithoutWaitingAndTooLargeFiles) {
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Nobody writes to the FIFO: a blocking open would hang this test.
  Expected<std::string> r = ReadSmallFile(fifo, 100, "cert_file");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "cannot read cert_file " + fifo + ": is a FIFO (named pipe), not a regular file");

  const std::string big = Write("big", std::string(101, 'x'));
  Expected<std::string> b = ReadSmallFile(big, 100, "key_file");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error(), "cannot read key_file " + big + ": is larger than 100 bytes (101 bytes)");
  Expected<std::string> ok = ReadSmallFile(big, 101, "key_file");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 101u);
}

}  // namespace
}  // namespace pushprobe::exporter
