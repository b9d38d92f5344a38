#include "probe/net/system_trust_store.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "probe/net/http_client.h"
#include "probe/net/tests/loopback_server.h"
#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

using net_internal::ChooseTrustStoreSource;
using net_internal::HasHashedCertificates;
using net_internal::TrustStoreSource;
using testing::LoopbackServer;

// mkdtemp: a name made of the pid and a counter met directories left by an
// earlier run whose pid was the same (the asan run after the debug one).
std::string NewDirectory() {
  std::string pattern = ::testing::TempDir() + "pushprobe_truststore_XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  testing::WriteFile(pattern + "/.keep", "");
  return pattern;
}

// The name OpenSSL's hash_dir lookup looks for: the subject hash of the CA.
std::string HashedName(const std::string& cert_pem) {
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  char name[32];
  std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(cert));
  X509_free(cert);
  return name;
}

// Sets or clears one environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = ::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(SystemTrustStoreTest, RecognisesOnlyOpenSslHashLinks) {
  const std::string dir = NewDirectory();
  EXPECT_FALSE(HasHashedCertificates(dir));
  for (const char* other : {"ca-certificates.crt", "README", "0a1b2c3d.r0", "0A1B2C3D.0",
                            "0a1b2c3.0", "0a1b2c3d.", "0a1b2c3d.0.pem"}) {
    testing::WriteFile(dir + "/" + other, "");
  }
  EXPECT_FALSE(HasHashedCertificates(dir));
  testing::WriteFile(dir + "/0a1b2c3d.12", "");
  EXPECT_TRUE(HasHashedCertificates(dir));
  EXPECT_FALSE(HasHashedCertificates(dir + "/missing"));
}

TEST(SystemTrustStoreTest, ChoosesTheHashedDirectoryUnlessTheAdministratorOrSystemSaysOtherwise) {
  const std::string hashed = NewDirectory();
  testing::WriteFile(hashed + "/0a1b2c3d.0", "");
  const std::string bundle_only = NewDirectory();
  testing::WriteFile(bundle_only + "/ca-bundle.crt", "");

  EXPECT_EQ(ChooseTrustStoreSource(nullptr, hashed.c_str()), TrustStoreSource::kHashedDirectory);
  // An explicit bundle file is the administrator's choice.
  EXPECT_EQ(ChooseTrustStoreSource("/etc/ssl/certs/ca-certificates.crt", hashed.c_str()),
            TrustStoreSource::kDefaultPaths);
  EXPECT_EQ(ChooseTrustStoreSource("", hashed.c_str()), TrustStoreSource::kHashedDirectory);
  // Without hash links the directory alone would trust nothing.
  EXPECT_EQ(ChooseTrustStoreSource(nullptr, bundle_only.c_str()), TrustStoreSource::kDefaultPaths);
  EXPECT_EQ(ChooseTrustStoreSource(nullptr, (hashed + "/missing").c_str()),
            TrustStoreSource::kDefaultPaths);
  EXPECT_EQ(ChooseTrustStoreSource(nullptr, (hashed + ":" + bundle_only).c_str()),
            TrustStoreSource::kDefaultPaths);
}

TEST(SystemTrustStoreTest, DirectoryFromTheEnvironmentOrOpenSsl) {
  EXPECT_EQ(net_internal::SystemCertificateDirectory("/srv/certs"), "/srv/certs");
  EXPECT_EQ(net_internal::SystemCertificateDirectory(""), X509_get_default_cert_dir());
  EXPECT_EQ(net_internal::SystemCertificateDirectory(nullptr), X509_get_default_cert_dir());
}

// A client without a CA file verifies against the hashed directory: the
// server's CA is found by its subject hash, and a directory holding another
// CA under that name does not make the server trusted.
TEST(SystemTrustStoreTest, ClientWithoutCaFileVerifiesThroughTheHashedDirectory) {
  const testing::TestCa ca = testing::TestCa::Create("pushprobe trust store test CA");
  testing::CertSpec spec;
  spec.common_name = "outlook.office365.com";
  spec.dns_names = {"outlook.office365.com"};
  const testing::IssuedCert leaf = ca.Issue(spec);
  LoopbackServer server(LoopbackServer::Respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                        LoopbackServer::TlsIdentity{leaf.cert_pem, leaf.key_pem, {}});

  auto send = [&server] {
    HttpClientOptions options;  // no ca_file: the system store
    options.connect_to.push_back(ConnectTo{"outlook.office365.com", 0, "127.0.0.1", 0});
    HttpClient client(options, SystemClock::Instance());
    HttpRequest request;
    request.url = server.Url("/", "outlook.office365.com");
    return client.Send(request, Deadline::After(SystemClock::Instance(), std::chrono::seconds(10)));
  };

  const std::string trusted = NewDirectory();
  testing::WriteFile(trusted + "/" + HashedName(ca.root().cert_pem), ca.root().cert_pem);
  {
    ScopedEnv file(X509_get_default_cert_file_env(), nullptr);
    ScopedEnv dir(X509_get_default_cert_dir_env(), trusted.c_str());
    HttpOutcome out = send();
    ASSERT_TRUE(out.ok()) << out.error_message;
    EXPECT_TRUE(out.facts.tls_verified);
  }

  const testing::TestCa other = testing::TestCa::Create("pushprobe trust store test CA");
  const std::string untrusted = NewDirectory();
  testing::WriteFile(untrusted + "/" + HashedName(other.root().cert_pem), other.root().cert_pem);
  {
    ScopedEnv file(X509_get_default_cert_file_env(), nullptr);
    ScopedEnv dir(X509_get_default_cert_dir_env(), untrusted.c_str());
    HttpOutcome out = send();
    EXPECT_EQ(out.error, Reason::kTlsUntrusted) << out.error_message;
    EXPECT_FALSE(out.facts.tls_verified);
  }
}

}  // namespace
}  // namespace pushprobe
