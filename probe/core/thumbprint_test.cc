#include "probe/core/thumbprint.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "probe/core/openssl_ptr.h"

namespace pushprobe {
namespace {

// A fixed self-signed certificate and its thumbprint as
// `openssl x509 -noout -fingerprint -sha1` prints it
// (D9:BC:5F:1F:66:4E:FD:6E:DA:FF:12:1B:48:DF:E4:FE:3B:15:C7:37): a known
// answer, so the probe, the emulator and test_pki, which all take the
// thumbprint from here, cannot agree on a wrong one.
constexpr const char* kCertPem = R"(-----BEGIN CERTIFICATE-----
MIIBrDCCAVOgAwIBAgIUTCKZia8sJh1EFQxYcVKHMq6PzdYwCgYIKoZIzj0EAwIw
LDEqMCgGA1UEAwwhcHVzaHByb2JlIHRodW1icHJpbnQga25vd24gYW5zd2VyMB4X
DTI2MTIwNzA5NTkxMloXDTM2MTIwNDA5NTkxMlowLDEqMCgGA1UEAwwhcHVzaHBy
b2JlIHRodW1icHJpbnQga25vd24gYW5zd2VyMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAE09F8whSYn3K7OLle+b4Yg3TA3KB0vYZL5HcQaDTNYJzeJSoYN75qkoy4
RxGERKQpq3dONpufipBGoLX4udkTkqNTMFEwHQYDVR0OBBYEFLbgkDP1i8eaz7YU
teu41Mw4DfWRMB8GA1UdIwQYMBaAFLbgkDP1i8eaz7YUteu41Mw4DfWRMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgGC4vtThRm6BZNiulUOQkv5N3
79f4ESF/in+kq3UQ59wCIHW/ctC1Vx1aqRe8Ec7T9/fQULZ7gmdFz6ZIrpyqJmIa
-----END CERTIFICATE-----
)";
constexpr const char* kThumbprint = "D9BC5F1F664EFD6EDAFF121B48DFE4FE3B15C737";

X509Ptr Parse(const char* pem) {
  BioPtr bio(BIO_new_mem_buf(pem, -1));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string Der(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

TEST(CertificateThumbprintTest, IsTheUppercaseHexSha1OfTheDer) {
  X509Ptr cert = Parse(kCertPem);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(CertificateThumbprint(cert.get()), kThumbprint);
  EXPECT_EQ(CertificateThumbprint(Der(cert.get())), kThumbprint);
  // What a person pastes from openssl or Windows reads as the same.
  EXPECT_EQ(NormalizeThumbprint("d9:bc:5f:1f:66:4e:fd:6e:da:ff:12:1b:48:df:e4:fe:3b:15:c7:37"),
            kThumbprint);
}

TEST(CertificateThumbprintTest, TheDigestIsTheTwentyRawBytes) {
  X509Ptr cert = Parse(kCertPem);
  ASSERT_NE(cert, nullptr);
  const std::string sha1 = CertificateSha1(cert.get());
  ASSERT_EQ(sha1.size(), 20u);
  EXPECT_EQ(static_cast<unsigned char>(sha1[0]), 0xD9);
  EXPECT_EQ(static_cast<unsigned char>(sha1[19]), 0x37);
  EXPECT_EQ(CertificateSha1(Der(cert.get())), sha1);
}

TEST(CertificateThumbprintTest, NoCertificateHasNoThumbprint) {
  EXPECT_EQ(CertificateThumbprint(static_cast<const X509*>(nullptr)), "");
  EXPECT_EQ(CertificateSha1(static_cast<const X509*>(nullptr)), "");
}

TEST(HexUpperTest, TwoUppercaseDigitsPerByte) {
  EXPECT_EQ(HexUpper(std::string("\x00\x1f\xab\xff", 4)), "001FABFF");
  EXPECT_EQ(HexUpper(""), "");
}

}  // namespace
}  // namespace pushprobe
