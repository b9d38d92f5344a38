#include "tests/support/test_pki.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace pushprobe::testing {
namespace {

X509* ReadCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

int VerifyAgainst(const IssuedCert& anchor, const IssuedCert& leaf, const char* host) {
  X509* root = ReadCert(anchor.cert_pem);
  X509* cert = ReadCert(leaf.cert_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, root);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host, 0);
  int ok = X509_verify_cert(ctx);
  int err = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(cert);
  X509_free(root);
  return err;
}

TEST(TestPkiTest, IssuedLeafVerifiesAgainstItsCaForItsNamesOnly) {
  TestCa ca = TestCa::Create();
  CertSpec spec;
  spec.common_name = "outlook.office365.com";
  spec.dns_names = {"outlook.office365.com", "localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  IssuedCert leaf = ca.Issue(spec);
  EXPECT_EQ(VerifyAgainst(ca.root(), leaf, "outlook.office365.com"), X509_V_OK);
  EXPECT_EQ(VerifyAgainst(ca.root(), leaf, "example.org"), X509_V_ERR_HOSTNAME_MISMATCH);
  TestCa other = TestCa::Create("other CA");
  EXPECT_EQ(VerifyAgainst(other.root(), leaf, "outlook.office365.com"),
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST(TestPkiTest, ExpiredValidityIsHonoured) {
  TestCa ca = TestCa::Create();
  CertSpec spec;
  spec.dns_names = {"localhost"};
  spec.valid_from_offset = -std::chrono::hours(48);
  spec.valid_to_offset = -std::chrono::hours(24);
  EXPECT_EQ(VerifyAgainst(ca.root(), ca.Issue(spec), "localhost"), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST(TestPkiTest, ThumbprintIsUppercaseSha1Hex) {
  IssuedCert cert = SelfSigned(CertSpec{});
  std::string tp = cert.Thumbprint();
  ASSERT_EQ(tp.size(), 40u);
  EXPECT_EQ(tp.find_first_not_of("0123456789ABCDEF"), std::string::npos);
  EXPECT_FALSE(cert.Pkcs12("secret").empty());
  EXPECT_NE(cert.EncryptedKeyPem("secret").find("ENCRYPTED PRIVATE KEY"), std::string::npos);
}

}  // namespace
}  // namespace pushprobe::testing
