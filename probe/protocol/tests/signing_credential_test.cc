#include "probe/protocol/signing_credential.h"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "probe/core/bounded_file.h"
#include "probe/protocol/encoding.h"
#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

using pushprobe::testing::CertSpec;
using pushprobe::testing::IssuedCert;
using pushprobe::testing::SelfSigned;

// 2025-11-25 11:20:56 UTC, ManualClock's default.
const WallTime kNow{std::chrono::seconds{1764069656}};

CertSpec AuthSpec() {
  CertSpec spec;
  spec.common_name = "pushprobe auth";
  spec.now = kNow;
  spec.valid_from_offset = -std::chrono::hours(24);
  spec.valid_to_offset = std::chrono::hours(24 * 365);
  return spec;
}

const IssuedCert& AuthCert() {
  static const IssuedCert kCert = SelfSigned(AuthSpec());
  return kCert;
}

// Another certificate with a key of its own: what a wrong key belongs to.
const IssuedCert& AnotherCert() {
  static const IssuedCert kCert = [] {
    CertSpec spec = AuthSpec();
    spec.common_name = "another";
    spec.fresh_key = true;
    return SelfSigned(spec);
  }();
  return kCert;
}

std::string Digest(const std::string& data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

// The key PEM re-encoded with OpenSSL's traditional ("RSA PRIVATE KEY") or DER form.
std::string ReencodeKey(const std::string& key_pem, bool der) {
  BIO* in = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  BIO* out = BIO_new(BIO_s_mem());
  if (der) {
    i2d_PrivateKey_bio(out, key);
  } else {
    PEM_write_bio_PrivateKey_traditional(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  std::string result(data, static_cast<std::size_t>(n));
  BIO_free(out);
  EVP_PKEY_free(key);
  return result;
}

class SigningCredentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pushprobe-cred-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    pushprobe::testing::WriteFile(path, content);
    return path;
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  static SigningCredential Ok(Expected<SigningCredential, SigningCredential::LoadError> r) {
    if (!r) {
      ADD_FAILURE() << "load failed: " << r.error().message;
      throw std::runtime_error(r.error().message);
    }
    return std::move(r).value();
  }
  static SigningCredential::LoadError Err(
      Expected<SigningCredential, SigningCredential::LoadError> r) {
    if (r) {
      ADD_FAILURE() << "load succeeded unexpectedly";
      return {Reason::kNone, ""};
    }
    return r.error();
  }

  std::string dir_;
};

TEST_F(SigningCredentialTest, LoadsEveryFormat) {
  const IssuedCert& c = AuthCert();
  struct Case {
    const char* name;
    std::string cert_file;
    std::string key_file;
    std::string password_file;
  };
  const Case cases[] = {
      {"cert then key", Write("a.pem", c.cert_pem + c.key_pem), "", ""},
      {"key then cert", Write("b.pem", c.key_pem + c.cert_pem), "", ""},
      {"separate key", Write("c.crt", c.cert_pem), Write("c.key", c.key_pem), ""},
      {"traditional key", Write("d.crt", c.cert_pem), Write("d.key", ReencodeKey(c.key_pem, false)),
       ""},
      {"DER key", Write("e.crt", c.cert_pem), Write("e.der", ReencodeKey(c.key_pem, true)), ""},
      {"DER certificate", Write("f.cer", c.CertDer()), Write("f.key", c.key_pem), ""},
      {"encrypted key file", Write("g.crt", c.cert_pem),
       Write("g.key", c.EncryptedKeyPem("s3cret pass")), Write("g.pass", "s3cret pass\n")},
      {"encrypted key in the certificate file",
       Write("h.pem", c.cert_pem + c.EncryptedKeyPem("pw")), "", Write("h.pass", "pw\r\n")},
      {"PKCS#12 named .pem", Write("i.pem", c.Pkcs12("p12 pass")), "", Write("i.pass", "p12 pass")},
      {"PKCS#12 without password", Write("j.pfx", c.Pkcs12("")), "", ""},
      {"PKCS#12 with a key file", Write("k.pfx", c.Pkcs12("x")), Write("k.key", c.key_pem),
       Write("k.pass", "x")},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    auto r = SigningCredential::Load(k.cert_file, k.key_file, k.password_file);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& cred = r.value();
    EXPECT_TRUE(cred.has_key());
    EXPECT_NE(cred.private_key(), nullptr);
    EXPECT_EQ(cred.Thumbprint(), c.Thumbprint());
  }
}

// Plain RSA keys are read by the RSA decoder alone (the fast path); the key
// chosen, or the failure, is the one OpenSSL's general reader gives for the
// same bytes: the first key block, whatever follows it.
TEST_F(SigningCredentialTest, ReadsTheKeyBlockOpensslsGeneralReaderReads) {
  const IssuedCert& a = AuthCert();
  CertSpec other_spec = AuthSpec();
  other_spec.common_name = "other";
  other_spec.fresh_key = true;
  static const IssuedCert kOther = SelfSigned(other_spec);
  CertSpec ec_spec = AuthSpec();
  ec_spec.key_type = "EC";
  static const IssuedCert kEc = SelfSigned(ec_spec);
  const std::string a_traditional = ReencodeKey(a.key_pem, false);
  ASSERT_NE(a_traditional.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  struct Case {
    const char* name;
    std::string file;
    bool loads;
  };
  const Case cases[] = {
      {"PKCS#8, then another key", a.cert_pem + a.key_pem + kOther.key_pem, true},
      {"traditional, then another key", a.cert_pem + a_traditional + kOther.key_pem, true},
      {"another key first", a.cert_pem + kOther.key_pem + a.key_pem, false},
      {"an EC key first", a.cert_pem + kEc.key_pem + a.key_pem, false},
      {"key, then the certificate", a_traditional + a.cert_pem, true},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    BIO* bio = BIO_new_mem_buf(k.file.data(), static_cast<int>(k.file.size()));
    EVP_PKEY* general = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ASSERT_NE(general, nullptr);
    auto r = SigningCredential::Load(Write("k.pem", k.file), "", "");
    if (k.loads) {
      SigningCredential cred = Ok(std::move(r));
      EXPECT_EQ(EVP_PKEY_eq(cred.private_key(), general), 1);
      EXPECT_EQ(cred.SignRs256("x").size(), 256u);
    } else {
      // The general reader also takes the key that does not belong.
      EXPECT_EQ(Err(std::move(r)).reason, Reason::kCertKeyMismatch);
      BIO* own = BIO_new_mem_buf(a.key_pem.data(), static_cast<int>(a.key_pem.size()));
      EVP_PKEY* a_key = PEM_read_bio_PrivateKey(own, nullptr, nullptr, nullptr);
      BIO_free(own);
      EXPECT_NE(EVP_PKEY_eq(a_key, general), 1);
      EVP_PKEY_free(a_key);
    }
    EVP_PKEY_free(general);
  }
}

// An RSAPrivateKey (traditional form) holding \p der, as PEM.
std::string RsaKeyPem(const std::string& der) {
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio(out, "RSA PRIVATE KEY", "", reinterpret_cast<const unsigned char*>(der.data()),
                static_cast<long>(der.size()));
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(out);
  return pem;
}

// The key's RSAPrivateKey DER with \p edit applied to its nine integers.
template <typename Edit>
std::string EditedRsaKeyDer(const std::string& key_pem, Edit edit) {
  const std::string der = ReencodeKey(key_pem, true);
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  ASN1_SEQUENCE_ANY* members = d2i_ASN1_SEQUENCE_ANY(nullptr, &in, static_cast<long>(der.size()));
  edit(members);
  unsigned char* out = nullptr;
  int n = i2d_ASN1_SEQUENCE_ANY(members, &out);
  std::string edited(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  OPENSSL_free(out);
  sk_ASN1_TYPE_pop_free(members, ASN1_TYPE_free);
  return edited;
}

// The RS256 signature of "x" by \p key (PKCS#1 v1.5 signatures are
// deterministic: equal signatures mean equal private keys).
std::string SignX(EVP_PKEY* key) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(key)), '\0');
  std::size_t n = signature.size();
  const unsigned char x = 'x';
  EXPECT_EQ(EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(md, reinterpret_cast<unsigned char*>(signature.data()), &n, &x, 1), 1);
  EVP_MD_CTX_free(md);
  signature.resize(n);
  return signature;
}

// A plain two-prime RSA key is made from its numbers, not by OpenSSL's
// decoders; it signs exactly as the key OpenSSL's general reader reads. An
// RSAPrivateKey that is not plainly one (another version, a number missing
// or negative, bytes after it) is left to the general reader, whose verdict
// stands.
TEST_F(SigningCredentialTest, APlainRsaKeySignsAsTheGeneralReadersKeyAndTheRestIsItsToJudge) {
  const IssuedCert& a = AuthCert();
  auto set = [](int index, long value) {
    return [index, value](ASN1_SEQUENCE_ANY* m) {
      ASN1_INTEGER_set(sk_ASN1_TYPE_value(m, index)->value.integer, value);
    };
  };
  const std::string traditional_der = ReencodeKey(a.key_pem, true);
  BIO* own_bio = BIO_new_mem_buf(a.key_pem.data(), static_cast<int>(a.key_pem.size()));
  EVP_PKEY* own = PEM_read_bio_PrivateKey(own_bio, nullptr, nullptr, nullptr);
  BIO_free(own_bio);
  ASSERT_NE(own, nullptr);
  struct Case {
    const char* name;
    std::string key_pem;
  };
  const Case cases[] = {
      {"PKCS#8", a.key_pem},
      {"traditional", ReencodeKey(a.key_pem, false)},
      {"version 1", RsaKeyPem(EditedRsaKeyDer(a.key_pem, set(0, 1)))},
      {"negative exponent", RsaKeyPem(EditedRsaKeyDer(a.key_pem, set(2, -65537)))},
      {"a number missing",
       RsaKeyPem(EditedRsaKeyDer(
           a.key_pem, [](ASN1_SEQUENCE_ANY* m) { ASN1_TYPE_free(sk_ASN1_TYPE_pop(m)); }))},
      {"a byte after it", RsaKeyPem(traditional_der + std::string(1, '\0'))},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    const std::string file = a.cert_pem + k.key_pem;
    BIO* bio = BIO_new_mem_buf(file.data(), static_cast<int>(file.size()));
    EVP_PKEY* general = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    auto r = SigningCredential::Load(Write("k.pem", file), "", "");
    if (general == nullptr) {
      EXPECT_EQ(Err(std::move(r)).reason, Reason::kCertMissing);
      continue;
    }
    if (EVP_PKEY_eq(general, own) != 1) {
      EXPECT_EQ(Err(std::move(r)).reason, Reason::kCertKeyMismatch);
    } else {
      EXPECT_EQ(SignX(Ok(std::move(r)).private_key()), SignX(general));
    }
    EVP_PKEY_free(general);
  }
  EVP_PKEY_free(own);
}

TEST_F(SigningCredentialTest, DescribesTheCertificate) {
  const IssuedCert& c = AuthCert();
  SigningCredential cred =
      Ok(SigningCredential::Load(Write("a.pem", c.cert_pem + c.key_pem), "", ""));
  // Computed independently of the credential: digests of the DER from test_pki.
  const std::string der = c.CertDer();
  EXPECT_EQ(cred.Thumbprint(), HexUpper(Digest(der, EVP_sha1())));
  EXPECT_EQ(cred.Thumbprint(), c.Thumbprint());
  EXPECT_EQ(cred.Thumbprint().size(), 40u);
  EXPECT_EQ(cred.X5t(), Base64UrlEncode(Digest(der, EVP_sha1())));
  EXPECT_EQ(cred.X5t().size(), 27u);
  EXPECT_EQ(cred.X5t().find('='), std::string::npos);
  EXPECT_EQ(cred.X5tS256(), Base64UrlEncode(Digest(der, EVP_sha256())));
  EXPECT_EQ(cred.DerBase64(), Base64Encode(der));
  EXPECT_EQ(cred.Subject(), "CN=pushprobe auth");
  EXPECT_EQ(cred.Issuer(), "CN=pushprobe auth");
  EXPECT_EQ(cred.NotBefore(), kNow - std::chrono::hours(24));
  EXPECT_EQ(cred.NotAfter(), kNow + std::chrono::hours(24 * 365));
  EXPECT_EQ(cred.KeyType(), "RSA");
  EXPECT_EQ(cred.KeyBits(), 2048);
  EXPECT_NE(cred.certificate(), nullptr);
}

TEST_F(SigningCredentialTest, DescribesAKnownCertificate) {
  // Made with
  //   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
  //     -subj "/CN=known cert/O=pushprobe" -days 3650 (one line)
  // and the expected values computed with
  //   openssl x509 -noout -fingerprint -sha1
  //   openssl x509 -outform DER | openssl dgst -sha1 -binary | basenc --base64url
  //   openssl x509 -outform DER | openssl dgst -sha256 -binary | basenc --base64url
  //   openssl x509 -noout -subject -nameopt RFC2253 -dates
  const std::string known = R"(-----BEGIN CERTIFICATE-----
MIIBpTCCAU2gAwIBAgIUdqL7SOs6eTbVSy0zy0JWXEWaaDUwCgYIKoZIzj0EAwIw
KTETMBEGA1UEAwwKa25vd24gY2VydDESMBAGA1UECgwJcHVzaHByb2JlMB4XDTI2
MTEyNTEyMTAzN1oXDTM2MTEyMjEyMTAzN1owKTETMBEGA1UEAwwKa25vd24gY2Vy
dDESMBAGA1UECgwJcHVzaHByb2JlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
h2FtRCy3KFm8QaSnLqFRrFaGhdvTrQUhEM0pt8rmu99w+KSPe7eXgMaxocCNOxWX
WpQeKqNow6XQrUS/42HtEaNTMFEwHQYDVR0OBBYEFM/sPvORP17DKIBAdU77QRzq
xL94MB8GA1UdIwQYMBaAFM/sPvORP17DKIBAdU77QRzqxL94MA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDRgAwQwIgNQZSDEKJ/fhQRX8jnrNhVLNMOQhKRBBp
4ryUrocgZKUCH1vE9oXuaMu7hgWpRIxPJPSeaDJR/f19bG5nKl5+JYY=
-----END CERTIFICATE-----
)";
  SigningCredential cred =
      Ok(SigningCredential::LoadCertificateOnly(Write("known.pem", known), ""));
  EXPECT_EQ(cred.Thumbprint(), "46305834DC704AEB51675058D9D488E848D3FA79");
  EXPECT_EQ(cred.X5t(), "RjBYNNxwSutRZ1BY2dSI6EjT-nk");
  EXPECT_EQ(cred.X5tS256(), "cD6TmkNA4smfkp2ar0wk7sLwBjC7Bmrm4jiCfTUaAAQ");
  EXPECT_EQ(cred.Subject(), "O=pushprobe,CN=known cert");
  EXPECT_EQ(cred.Issuer(), "O=pushprobe,CN=known cert");
  EXPECT_EQ(cred.NotBefore(), WallTime{std::chrono::seconds{1795608637}});  // 2026-11-25 12:10:37
  EXPECT_EQ(cred.NotAfter(), WallTime{std::chrono::seconds{2110968637}});   // 2036-11-22 12:10:37
  EXPECT_EQ(cred.KeyType(), "EC");
  EXPECT_EQ(cred.KeyBits(), 256);
}

TEST_F(SigningCredentialTest, LoadCertificateOnly) {
  const IssuedCert& c = AuthCert();
  SigningCredential pem =
      Ok(SigningCredential::LoadCertificateOnly(Write("a.crt", c.cert_pem), ""));
  EXPECT_FALSE(pem.has_key());
  EXPECT_EQ(pem.private_key(), nullptr);
  EXPECT_EQ(pem.Thumbprint(), c.Thumbprint());
  EXPECT_THROW(pem.SignRs256("x"), std::logic_error);

  SigningCredential p12 = Ok(SigningCredential::LoadCertificateOnly(Write("b.pfx", c.Pkcs12("pw")),
                                                                    Write("b.pass", "pw\n")));
  EXPECT_FALSE(p12.has_key());
  EXPECT_EQ(p12.Thumbprint(), c.Thumbprint());

  auto missing = Err(SigningCredential::LoadCertificateOnly(Path("none.crt"), ""));
  EXPECT_EQ(missing.reason, Reason::kCertMissing);
  EXPECT_EQ(missing.message,
            "cannot read certificate file " + Path("none.crt") + ": No such file or directory");
}

// A PKCS#12 holding \p key_pem's key (none when empty) and \p cert_pem's
// certificate, as a certificate bag without the key's localKeyID: what
// `openssl pkcs12 -export -nokeys` writes, or a key exported beside someone
// else's certificate.
std::string Pkcs12WithoutAPair(const std::string& password, const std::string& key_pem,
                               const std::string& cert_pem) {
  BIO* in = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  EVP_PKEY* key = nullptr;
  if (!key_pem.empty()) {
    in = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
    BIO_free(in);
  }
  STACK_OF(X509)* others = sk_X509_new_null();
  sk_X509_push(others, cert);
  PKCS12* p12 =
      PKCS12_create(password.c_str(), "pushprobe test", key, nullptr, others, 0, 0, 0, 0, 0);
  BIO* out = BIO_new(BIO_s_mem());
  if (p12 != nullptr) i2d_PKCS12_bio(out, p12);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  std::string result(data, static_cast<std::size_t>(n));
  BIO_free(out);
  PKCS12_free(p12);
  sk_X509_pop_free(others, X509_free);
  EVP_PKEY_free(key);
  return result;
}

// PKCS12_parse hands back as the certificate only the one paired with the
// key; a PKCS#12 without such a pair was "no certificate in PKCS#12" although
// it held one.
TEST_F(SigningCredentialTest, Pkcs12WithoutAKeyAndCertificatePairSaysWhatIsMissing) {
  const IssuedCert& c = AuthCert();
  const IssuedCert& other = AnotherCert();
  const std::string pass = Write("p.pass", "pw\n");
  const std::string cert_only = Write("cert-only.pfx", Pkcs12WithoutAPair("pw", "", c.cert_pem));
  ASSERT_GT(std::filesystem::file_size(cert_only), 100u);

  auto e = Err(SigningCredential::Load(cert_only, "", pass));
  EXPECT_EQ(e.reason, Reason::kCertMissing);
  EXPECT_EQ(e.message, "no private key in " + cert_only + " and no private_key configured");
  // With the key in a file of its own, it is a usable credential.
  SigningCredential split = Ok(SigningCredential::Load(cert_only, Write("c.key", c.key_pem), pass));
  EXPECT_EQ(split.Thumbprint(), c.Thumbprint());
  EXPECT_EQ(Ok(SigningCredential::LoadCertificateOnly(cert_only, pass)).Thumbprint(),
            c.Thumbprint());

  const std::string strangers =
      Write("strangers.pfx", Pkcs12WithoutAPair("pw", other.key_pem, c.cert_pem));
  e = Err(SigningCredential::Load(strangers, "", pass));
  EXPECT_EQ(e.reason, Reason::kCertKeyMismatch);
  EXPECT_EQ(e.message, "the private key in " + strangers +
                           " does not belong to the certificate in " + strangers);
}

// An empty password file only said "bad password".
TEST_F(SigningCredentialTest, AnEmptyPasswordFileIsNamedWhenThePasswordIsWrong) {
  const IssuedCert& c = AuthCert();
  const std::string empty = Write("empty.pass", "\r\n");
  const std::string enc_key = Write("enc.key", c.EncryptedKeyPem("right"));
  auto e = Err(SigningCredential::Load(Write("c.crt", c.cert_pem), enc_key, empty));
  EXPECT_EQ(e.reason, Reason::kConfig);
  EXPECT_EQ(e.message, "cannot decrypt private key " + enc_key +
                           ": bad password (the private_key_password_file is empty)");
  const std::string p12 = Write("c.pfx", c.Pkcs12("right"));
  e = Err(SigningCredential::Load(p12, "", empty));
  EXPECT_EQ(e.message, "cannot decrypt private key " + p12 +
                           ": bad password (the private_key_password_file is empty)");
  // An empty password is a PKCS#12 password like any other.
  Ok(SigningCredential::Load(Write("e.pfx", c.Pkcs12("")), "", empty));
}

TEST_F(SigningCredentialTest, EveryFailureIsSpecific) {
  const IssuedCert& c = AuthCert();
  const IssuedCert& other = AnotherCert();

  const std::string cert = Write("cert.crt", c.cert_pem);
  const std::string both = Write("both.pem", c.cert_pem + c.key_pem);
  const std::string key = Write("cert.key", c.key_pem);
  const std::string other_key = Write("other.key", other.key_pem);
  const std::string enc_key = Write("enc.key", c.EncryptedKeyPem("right"));
  const std::string p12 = Write("cert.pfx", c.Pkcs12("right"));
  const std::string right = Write("right.pass", "right\n");
  const std::string wrong = Write("wrong.pass", "wrong\n");
  const std::string garbage = Write("garbage.crt", "this is not a certificate");
  const std::string key_only = Write("key-only.pem", c.key_pem);
  const std::string broken_key =
      Write("broken.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

  struct Case {
    const char* name;
    std::string cert_file;
    std::string key_file;
    std::string password_file;
    Reason reason;
    std::string message;
  };
  const Case cases[] = {
      {"missing certificate", Path("missing.crt"), "", "", Reason::kCertMissing,
       "cannot read certificate file " + Path("missing.crt") + ": No such file or directory"},
      {"certificate is a directory", dir_, "", "", Reason::kCertMissing,
       "cannot read certificate file " + dir_ + ": is a directory, not a regular file"},
      {"no certificate configured", "", "", "", Reason::kCertMissing, "no certificate configured"},
      {"missing key file", cert, Path("missing.key"), "", Reason::kCertMissing,
       "cannot read private key file " + Path("missing.key") + ": No such file or directory"},
      {"no key anywhere", cert, "", "", Reason::kCertMissing,
       "no private key in " + cert + " and no private_key configured"},
      {"key file without a key", cert, cert, "", Reason::kCertMissing, "no private key in " + cert},
      {"garbage certificate", garbage, "", "", Reason::kCertMissing,
       "no certificate in " + garbage + ": neither PEM nor PKCS#12 nor DER"},
      {"PEM without a certificate", key_only, "", "", Reason::kCertMissing,
       "no certificate in " + key_only},
      {"wrong PEM password", cert, enc_key, wrong, Reason::kConfig,
       "cannot decrypt private key " + enc_key + ": bad password"},
      {"encrypted PEM without password", cert, enc_key, "", Reason::kConfig,
       "cannot decrypt private key " + enc_key +
           ": it is encrypted and no private_key_password_file is configured"},
      {"wrong PKCS#12 password", p12, "", wrong, Reason::kConfig,
       "cannot decrypt private key " + p12 + ": bad password"},
      {"PKCS#12 without password", p12, "", "", Reason::kConfig,
       "cannot decrypt private key " + p12 +
           ": it is encrypted and no private_key_password_file is configured"},
      {"missing password file", cert, enc_key, Path("missing.pass"), Reason::kConfig,
       "cannot read password file " + Path("missing.pass") + ": No such file or directory"},
      {"key of another certificate", cert, other_key, "", Reason::kCertKeyMismatch,
       "the private key in " + other_key + " does not belong to the certificate in " + cert},
      {"PKCS#12 with another key", p12, other_key, right, Reason::kCertKeyMismatch,
       "the private key in " + other_key + " does not belong to the certificate in " + p12},
      {"key file overrides the bundled key", both, other_key, "", Reason::kCertKeyMismatch,
       "the private key in " + other_key + " does not belong to the certificate in " + both},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    auto e = Err(SigningCredential::Load(k.cert_file, k.key_file, k.password_file));
    EXPECT_EQ(e.reason, k.reason);
    EXPECT_EQ(e.message, k.message);
  }

  auto broken = Err(SigningCredential::Load(cert, broken_key, ""));
  EXPECT_EQ(broken.reason, Reason::kCertMissing);
  EXPECT_EQ(broken.message.rfind("cannot parse private key in " + broken_key + ": ", 0), 0u)
      << broken.message;
}

// Each file is capped before it is read, and the message names the file and
// the cap, so a wrong path (a log, a disk image) is not read whole.
TEST_F(SigningCredentialTest, EveryFileIsSizeCappedNamingTheCap) {
  const IssuedCert& c = AuthCert();
  const std::string cert = Write("cert.pem", c.cert_pem);
  const std::string key = Write("key.pem", c.key_pem);
  const std::string huge = Write("huge", "");
  ASSERT_EQ(::truncate(huge.c_str(), kMaxCredentialFileBytes + 1), 0);
  const std::string over =
      ": is larger than 4 MiB (" + std::to_string(kMaxCredentialFileBytes + 1) + " bytes)";
  auto certificate = Err(SigningCredential::Load(huge, key, ""));
  EXPECT_EQ(certificate.reason, Reason::kCertMissing);
  EXPECT_EQ(certificate.message, "cannot read certificate file " + huge + over);
  auto private_key = Err(SigningCredential::Load(cert, huge, ""));
  EXPECT_EQ(private_key.reason, Reason::kCertMissing);
  EXPECT_EQ(private_key.message, "cannot read private key file " + huge + over);
  auto password = Err(SigningCredential::Load(cert, key, huge));
  EXPECT_EQ(password.reason, Reason::kConfig);
  EXPECT_EQ(password.message, "cannot read password file " + huge + over);
  auto only = Err(SigningCredential::LoadCertificateOnly(huge, ""));
  EXPECT_EQ(only.message, "cannot read certificate file " + huge + over);
}

// A read the run's deadline ends is a timeout naming the file, not a missing
// certificate or a bad password file.
TEST_F(SigningCredentialTest, AReadPastTheDeadlineIsATimeoutNamingTheFile) {
  const IssuedCert& c = AuthCert();
  const std::string cert = Write("a.pem", c.cert_pem + c.key_pem);
  const std::string pass = Write("a.pass", "pw\n");
  ManualClock clock;
  const Deadline expired = Deadline::After(clock, Duration::zero());
  auto certificate = Err(SigningCredential::Load(cert, "", "", {}, &expired));
  EXPECT_EQ(certificate.reason, Reason::kTimeout);
  EXPECT_EQ(certificate.message,
            "cannot read certificate file " + cert + ": not read before the deadline");
  auto password = Err(SigningCredential::Load(cert, "", pass, {}, &expired));
  EXPECT_EQ(password.reason, Reason::kTimeout);
  EXPECT_EQ(password.message,
            "cannot read password file " + pass + ": not read before the deadline");
  const Deadline later = Deadline::After(clock, std::chrono::seconds(5));
  Ok(SigningCredential::Load(cert, "", "", {}, &later));
}

// Issue 10, finding 7: a damaged PKCS#12 was reported as a bad password,
// sending the administrator after a password that is right.
TEST_F(SigningCredentialTest, DamagedPkcs12IsCorruptNotABadPassword) {
  const std::string good = AuthCert().Pkcs12("right");
  ASSERT_GT(good.size(), 900u);
  const std::string right = Write("right.pass", "right\n");
  const std::string wrong = Write("wrong.pass", "wrong\n");

  std::string flipped = good;  // the content: its MAC fails, the structure holds
  for (std::size_t i = 800; i < 900; ++i) flipped[i] = static_cast<char>(~flipped[i]);
  const std::string damaged = Write("damaged.pfx", flipped);
  auto e = Err(SigningCredential::Load(damaged, "", right));
  EXPECT_EQ(e.reason, Reason::kCertMissing);
  EXPECT_EQ(e.message, "PKCS#12 " + damaged +
                           " is corrupt: its integrity check (MAC) fails although the password "
                           "decrypts it; the file was damaged on disk or in transit: export it "
                           "again");
  // The same file with a wrong password is still a bad password.
  e = Err(SigningCredential::Load(damaged, "", wrong));
  EXPECT_EQ(e.reason, Reason::kConfig);
  EXPECT_EQ(e.message, "cannot decrypt private key " + damaged + ": bad password");

  std::string cut = good.substr(0, good.size() / 2);  // the structure itself is broken
  const std::string truncated = Write("truncated.pfx", cut);
  e = Err(SigningCredential::Load(truncated, "", right));
  EXPECT_EQ(e.reason, Reason::kCertMissing);
  EXPECT_EQ(e.message.rfind("PKCS#12 " + truncated + " is corrupt: it does not parse (", 0), 0u)
      << e.message;
  EXPECT_NE(e.message.find("export it again"), std::string::npos) << e.message;
}

TEST_F(SigningCredentialTest, SignsRs256VerifiablyAndRefusesOtherKeys) {
  const IssuedCert& c = AuthCert();
  SigningCredential cred =
      Ok(SigningCredential::Load(Write("a.pem", c.cert_pem + c.key_pem), "", ""));
  const std::string data = "header.claims";
  std::string sig = cred.SignRs256(data);
  EXPECT_EQ(sig.size(), 256u);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY* pub = X509_get0_pubkey(cred.certificate());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pub), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  EVP_MD_CTX_free(ctx);

  CertSpec ec_spec = AuthSpec();
  ec_spec.key_type = "EC";
  IssuedCert ec = SelfSigned(ec_spec);
  SigningCredential ec_cred =
      Ok(SigningCredential::Load(Write("ec.pem", ec.cert_pem + ec.key_pem), "", ""));
  EXPECT_EQ(ec_cred.KeyType(), "EC");
  EXPECT_EQ(ec_cred.KeyBits(), 256);
  EXPECT_THROW(ec_cred.SignRs256(data), std::logic_error);
}

class EvaluateCredentialTest : public SigningCredentialTest {
 protected:
  SigningCredential Load(const CertSpec& spec) {
    IssuedCert c = SelfSigned(spec);
    return Ok(SigningCredential::Load(Write("c.pem", c.cert_pem + c.key_pem), "", ""));
  }
};

TEST_F(EvaluateCredentialTest, AcceptsAGoodCertificate) {
  SigningCredential cred = Load(AuthSpec());
  CredentialVerdict v = EvaluateCredential(cred, kNow, "");
  EXPECT_EQ(v.reason, Reason::kNone);
  EXPECT_EQ(v.message, "");
  EXPECT_EQ(v.exchange_error, "");
  // The pin is normalised: case, spaces, colons and the invisible mark
  // Windows' certificate dialog copies along.
  std::string pin = ToLowerAscii(cred.Thumbprint());
  std::string spaced = "\xE2\x80\x8E";
  for (std::size_t i = 0; i < pin.size(); i += 2) {
    spaced += pin.substr(i, 2) + (i % 4 == 0 ? ":" : " ");
  }
  EXPECT_EQ(EvaluateCredential(cred, kNow, spaced).reason, Reason::kNone) << spaced;
}

TEST_F(EvaluateCredentialTest, WeakKeys) {
  CertSpec ec = AuthSpec();
  ec.key_type = "EC";
  CredentialVerdict v = EvaluateCredential(Load(ec), kNow, "");
  EXPECT_EQ(v.reason, Reason::kCertWeakKey);
  EXPECT_EQ(v.message,
            "the certificate's key is EC 256 bits; an RSA key of at least 2048 bits is required");
  EXPECT_EQ(v.exchange_error,
            "The signing certificate should have a private key with at least 2048 bits.");

  CertSpec small = AuthSpec();
  small.key_bits = 1024;
  v = EvaluateCredential(Load(small), kNow, "");
  EXPECT_EQ(v.reason, Reason::kCertWeakKey);
  EXPECT_EQ(v.message,
            "the certificate's key is RSA 1024 bits; an RSA key of at least 2048 bits is "
            "required");
  EXPECT_EQ(v.exchange_error, kExchangeWeakKeyError);
}

TEST_F(EvaluateCredentialTest, Validity) {
  CertSpec future = AuthSpec();
  future.valid_from_offset = std::chrono::hours(24 * 3 + 1);
  future.valid_to_offset = std::chrono::hours(24 * 30);
  CredentialVerdict v = EvaluateCredential(Load(future), kNow, "");
  EXPECT_EQ(v.reason, Reason::kCertNotYetValid);
  EXPECT_EQ(v.message, "the certificate is not valid before 2025-11-28 12:20:56 UTC (in 3 days)");
  EXPECT_EQ(v.exchange_error, "");

  CertSpec expired = AuthSpec();
  expired.valid_from_offset = -std::chrono::hours(24 * 400);
  expired.valid_to_offset = -std::chrono::hours(24 * 12 + 1);
  v = EvaluateCredential(Load(expired), kNow, "");
  EXPECT_EQ(v.reason, Reason::kCertExpired);
  EXPECT_EQ(v.message, "the certificate expired on 2025-11-13 10:20:56 UTC (12 days ago)");

  v = EvaluateCredential(Load(expired), kNow - std::chrono::hours(20), "");
  EXPECT_EQ(v.message, "the certificate expired on 2025-11-13 10:20:56 UTC (11 days ago)");

  CertSpec just = AuthSpec();
  just.valid_to_offset = -std::chrono::hours(2);
  v = EvaluateCredential(Load(just), kNow, "");
  EXPECT_EQ(v.message, "the certificate expired on 2025-11-25 09:20:56 UTC (less than a day ago)");

  CertSpec one = AuthSpec();
  one.valid_to_offset = -std::chrono::hours(25);
  v = EvaluateCredential(Load(one), kNow, "");
  EXPECT_EQ(v.message, "the certificate expired on 2025-11-24 10:20:56 UTC (1 day ago)");
}

TEST_F(EvaluateCredentialTest, PinMismatchShowsBoth) {
  SigningCredential cred = Load(AuthSpec());
  CredentialVerdict v =
      EvaluateCredential(cred, kNow, "75 95 db de a8 3d ac b5 75 74 41 d4 48 99 bc db 99 11 25 3c");
  EXPECT_EQ(v.reason, Reason::kCertThumbprintMismatch);
  EXPECT_EQ(v.message, "the certificate's thumbprint " + cred.Thumbprint() +
                           " differs from the configured thumbprint "
                           "7595DBDEA83DACB5757441D44899BCDB9911253C");
}

}  // namespace
}  // namespace pushprobe

namespace pushprobe {
namespace {

// PKCS#12 files as Windows exports them (RC2-40 certificate bag, 3DES key),
// which OpenSSL 3 reads only with its legacy provider.
class LegacyPkcs12Test : public SigningCredentialTest {
 protected:
  // Whether the file really is the legacy kind, read from its structure, so
  // a generator that quietly fell back to AES could not make the tests pass.
  static bool CertificateBagIsRc2(const std::string& der) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(der.size()));
    if (p12 == nullptr) return false;
    bool rc2 = false;
    STACK_OF(PKCS7)* safes = PKCS12_unpack_authsafes(p12);
    for (int i = 0; safes != nullptr && i < sk_PKCS7_num(safes); ++i) {
      PKCS7* p7 = sk_PKCS7_value(safes, i);
      if (OBJ_obj2nid(p7->type) == NID_pkcs7_encrypted &&
          OBJ_obj2nid(p7->d.encrypted->enc_data->algorithm->algorithm) ==
              NID_pbe_WithSHA1And40BitRC2_CBC) {
        rc2 = true;
      }
    }
    sk_PKCS7_pop_free(safes, PKCS7_free);
    PKCS12_free(p12);
    return rc2;
  }
};

TEST_F(LegacyPkcs12Test, LoadsWithAPasswordFile) {
  const IssuedCert& c = AuthCert();
  const std::string pfx = c.LegacyPkcs12("Windows export 1");
  ASSERT_TRUE(CertificateBagIsRc2(pfx));
  SigningCredential cred = Ok(SigningCredential::Load(
      Write("exchange.pfx", pfx), "", Write("exchange.pass", "Windows export 1\r\n")));
  EXPECT_TRUE(cred.has_key());
  EXPECT_EQ(cred.Thumbprint(), c.Thumbprint());
  EXPECT_FALSE(cred.SignRs256("payload").empty());
}

TEST_F(LegacyPkcs12Test, LoadsWithoutAPasswordFile) {
  const IssuedCert& c = AuthCert();
  const std::string pfx = c.LegacyPkcs12("");
  ASSERT_TRUE(CertificateBagIsRc2(pfx));
  SigningCredential cred = Ok(SigningCredential::Load(Write("nopass.pfx", pfx), "", ""));
  EXPECT_TRUE(cred.has_key());
  EXPECT_EQ(cred.Thumbprint(), c.Thumbprint());
}

TEST_F(LegacyPkcs12Test, LoadsWhatTheOpensslCommandExports) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no openssl command to export with (Debian package openssl)";
  }
  const IssuedCert& c = AuthCert();
  const std::string cert = Write("cli.crt", c.cert_pem);
  const std::string key = Write("cli.key", c.key_pem);
  const std::string pfx = Path("cli.pfx");
  const std::string command = "openssl pkcs12 -export -legacy -in '" + cert + "' -inkey '" + key +
                              "' -out '" + pfx + "' -passout pass:cli-secret 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::string der;
  {
    std::ifstream in(pfx, std::ios::binary);
    der.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_TRUE(CertificateBagIsRc2(der));
  SigningCredential cred = Ok(SigningCredential::Load(pfx, "", Write("cli.pass", "cli-secret\n")));
  EXPECT_EQ(cred.Thumbprint(), c.Thumbprint());
}

TEST_F(LegacyPkcs12Test, CorruptFileFailsClearly) {
  const IssuedCert& c = AuthCert();
  const std::string pfx = c.LegacyPkcs12("pw");
  const std::string pass = Write("c.pass", "pw\n");

  const std::string truncated = Write("truncated.pfx", pfx.substr(0, pfx.size() / 2));
  auto e = Err(SigningCredential::Load(truncated, "", pass));
  EXPECT_EQ(e.reason, Reason::kCertMissing);
  EXPECT_EQ(e.message.rfind("PKCS#12 " + truncated + " is corrupt: it does not parse (", 0), 0u)
      << e.message;

  // A byte changed inside the encrypted content: the structure still parses,
  // the integrity check (MAC) does not match, the password opens the rest.
  std::string flipped = pfx;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  const std::string damaged = Write("flipped.pfx", flipped);
  e = Err(SigningCredential::Load(damaged, "", pass));
  EXPECT_EQ(e.reason, Reason::kCertMissing);
  EXPECT_EQ(e.message, "PKCS#12 " + damaged +
                           " is corrupt: its integrity check (MAC) fails although the password "
                           "decrypts it; the file was damaged on disk or in transit: export it "
                           "again");
}

// The legacy provider missing (OPENSSL_MODULES pointing at an empty
// directory): the message names the algorithm and what could not be loaded.
// Run in a fresh process ("threadsafe" death test style re-executes the
// test), because a provider loaded once stays loaded for the process.
TEST_F(LegacyPkcs12Test, SaysWhenTheLegacyProviderIsUnavailable) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const IssuedCert& c = AuthCert();
  const std::string pfx = Write("w.pfx", c.LegacyPkcs12("pw"));
  const std::string pass = Write("w.pass", "pw\n");
  const std::string empty = Path("no-modules");
  std::filesystem::create_directory(empty);
  EXPECT_EXIT(
      {
        setenv("OPENSSL_MODULES", empty.c_str(), 1);
        auto r = SigningCredential::Load(pfx, "", pass);
        std::fprintf(stderr, "%s\n", !r ? r.error().message.c_str() : "loaded");
        std::filesystem::remove_all(dir_);  // the child's own directory: TearDown does not run
        std::exit(!r && r.error().reason == Reason::kCertMissing ? 0 : 1);
      },
      ::testing::ExitedWithCode(0),
      "cannot read PKCS#12 .*w.pfx: it is encrypted with pbeWithSHA1And40BitRC2-CBC, and "
      "OpenSSL's legacy provider cannot be loaded.*; it is the module legacy.so in "
      ".*no-modules \\(OPENSSL_MODULES\\)");
}

}  // namespace
}  // namespace pushprobe
