#include "probe/config/secret_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace pushprobe {
namespace {

const SecretFileGroups kService{{1000, 998}};  // own group 1000, pushprobe 998

TEST(SecretFileWarningTest, OthersAlwaysWarnTheServicesGroupDoesNot) {
  // The packaged layout: root:pushprobe 0640.
  EXPECT_EQ(SecretFileWarning("private_key", "/etc/pushprobe/auth.key", 0640, 998, kService),
            std::nullopt);
  EXPECT_EQ(SecretFileWarning("private_key", "/k", 0600, 0, kService), std::nullopt);
  EXPECT_EQ(SecretFileWarning("private_key", "/k", 0400, 0, kService), std::nullopt);
  EXPECT_EQ(SecretFileWarning("private_key", "/etc/pushprobe/auth.key", 0644, 998, kService),
            "private_key /etc/pushprobe/auth.key is readable by others (mode 0644); run: chmod "
            "o-rwx /etc/pushprobe/auth.key");
  EXPECT_EQ(SecretFileWarning("private_key_password_file", "/p", 0640, 4, kService),
            "private_key_password_file /p is readable by its group (mode 0640); run: chmod g-rwx "
            "/p");
  EXPECT_EQ(SecretFileWarning("certificate", "/etc/my keys/auth.pem", 0666, 4, kService),
            "certificate /etc/my keys/auth.pem holds the private key and is readable by its group "
            "and others (mode 0666); run: chmod go-rwx '/etc/my keys/auth.pem'");
}

class SecretFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "pushprobe_secret_files_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string File(const std::string& name, mode_t mode) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << "x\n";
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }
  std::string dir_;
};

TEST_F(SecretFilesTest, TheKeyOrTheCertificateHoldingItAndThePasswordFileEachOnce) {
  const std::string combined = File("combined.pem", 0666);
  const std::string cert = File("cert.pem", 0644);  // public: not a secret
  const std::string key = File("key.pem", 0644);
  const std::string pass = File("pass", 0604);
  const std::string fine = File("fine.key", 0600);
  TargetConfig a;
  a.certificate = combined;
  a.private_key_password_file = pass;
  TargetConfig b;
  b.certificate = cert;
  b.private_key = key;
  b.private_key_password_file = pass;  // the same file: warned about once
  TargetConfig c;
  c.certificate = cert;
  c.private_key = fine;
  c.private_key_password_file = dir_ + "/absent";  // the run reports it
  const SecretFileGroups own{{::getegid()}};
  EXPECT_EQ(
      SecretFileWarnings({&a, &b, &c}, own),
      (std::vector<std::string>{
          "certificate " + combined +
              " holds the private key and is readable by others (mode 0666); run: chmod "
              "o-rwx " +
              combined,
          "private_key_password_file " + pass +
              " is readable by others (mode 0604); run: chmod o-rwx " + pass,
          "private_key " + key + " is readable by others (mode 0644); run: chmod o-rwx " + key,
      }));
}

// `pushprobe cert c.pem --key c.pem` with a certificate-only c.pem: the key
// file holds no key, so its mode is nobody's business.
TEST_F(SecretFilesTest, AKeyFileThatIsPemWithoutAPrivateKeyIsNoSecret) {
  auto pem = [&](const std::string& name, const std::string& text) {
    std::string path = File(name, 0644);
    std::ofstream(path) << text;
    return path;
  };
  const std::string cert_only =
      pem("cert-only.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const std::string rsa = pem("rsa.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n");
  const std::string encrypted = pem("enc.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n");
  const std::string der = pem("key.der", std::string("\x30\x82\x04\xa4", 4));
  TargetConfig t;
  t.certificate = cert_only;
  t.private_key = cert_only;
  TargetConfig next;
  next.certificate = cert_only;
  next.private_key = rsa;
  next.next_certificate = cert_only;
  next.next_private_key = encrypted;
  TargetConfig binary;
  binary.certificate = cert_only;
  binary.private_key = der;
  const SecretFileGroups own{{::getegid()}};
  EXPECT_EQ(SecretFileWarnings({&t}, own), std::vector<std::string>{});
  const std::vector<std::string> warned = SecretFileWarnings({&next, &binary}, own);
  ASSERT_EQ(warned.size(), 3u);
  EXPECT_EQ(warned[0].rfind("private_key " + rsa + " is readable by others", 0), 0u) << warned[0];
  EXPECT_EQ(warned[1].rfind("next_private_key " + encrypted + " is readable", 0), 0u) << warned[1];
  EXPECT_EQ(warned[2].rfind("private_key " + der + " is readable", 0), 0u) << warned[2];
}

TEST_F(SecretFilesTest, TheNextCertificatesKeyFilesAreSecretsToo) {
  const std::string cert = File("auth.pem", 0600);
  const std::string next = File("next.pfx", 0644);
  const std::string next_cert = File("next-cert.pem", 0644);  // public: not a secret
  const std::string next_key = File("next.key", 0640);
  const std::string next_pass = File("next.pass", 0604);
  TargetConfig a;
  a.certificate = cert;
  a.next_certificate = next;
  a.next_private_key_password_file = next_pass;
  TargetConfig b;
  b.certificate = cert;
  b.next_certificate = next_cert;
  b.next_private_key = next_key;
  const SecretFileGroups other_group{{::getegid() + 1}};
  EXPECT_EQ(SecretFileWarnings({&a, &b}, other_group),
            (std::vector<std::string>{
                "next_certificate " + next +
                    " holds the private key and is readable by its group and others (mode "
                    "0644); run: chmod go-rwx " +
                    next,
                "next_private_key_password_file " + next_pass +
                    " is readable by others (mode 0604); run: chmod o-rwx " + next_pass,
                "next_private_key " + next_key +
                    " is readable by its group (mode 0640); run: chmod g-rwx " + next_key,
            }));
}

TEST_F(SecretFilesTest, TheProxyPasswordFileIsASecretFile) {
  const std::string proxy_pass = File("proxy.pass", 0644);
  TargetConfig t;
  t.certificate = File("cert.pem", 0644);
  t.private_key = File("key.pem", 0600);
  t.proxy = "http://proxy.example:3128";
  t.proxy_user = "alice";
  t.proxy_password_file = proxy_pass;
  EXPECT_EQ(SecretFileWarnings({&t}, SecretFileGroups{{::getegid()}}),
            (std::vector<std::string>{"proxy_password_file " + proxy_pass +
                                      " is readable by others (mode 0644); run: chmod o-rwx " +
                                      proxy_pass}));
}

// The process's own group (a file this user created, 0640) is not others.
TEST_F(SecretFilesTest, OwnGroupReadableIsFine) {
  TargetConfig t;
  t.certificate = File("auth.pem", 0640);
  EXPECT_TRUE(SecretFileWarnings({&t}, SecretFileGroups::OfThisProcess()).empty());
}

}  // namespace
}  // namespace pushprobe
