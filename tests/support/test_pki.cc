#include "tests/support/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "probe/core/openssl_ptr.h"
#include "probe/core/thumbprint.h"

namespace pushprobe::testing {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("test_pki: " + what + " failed");
}

PkeyPtr GenerateKey(const std::string& type, int bits) {
  EVP_PKEY* key = type == "EC" ? EVP_EC_gen("P-256") : EVP_RSA_gen(static_cast<unsigned>(bits));
  if (key == nullptr) Fail("key generation");
  return PkeyPtr(key);
}

// RSA generation dominates test time under sanitizers, so keys are shared per
// (type, bits) unless a test asks for a fresh one.
PkeyPtr KeyFor(const CertSpec& spec) {
  if (spec.fresh_key) return GenerateKey(spec.key_type, spec.key_bits);
  static std::mutex mu;
  static std::map<std::pair<std::string, int>, PkeyPtr> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[{spec.key_type, spec.key_bits}];
  if (!slot) slot = GenerateKey(spec.key_type, spec.key_bits);
  EVP_PKEY_up_ref(slot.get());
  return PkeyPtr(slot.get());
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string CertToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) Fail("PEM_write_bio_X509");
  return BioToString(bio.get());
}

std::string KeyToPem(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr,
                     const std::string& password = {}) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PKCS8PrivateKey(bio.get(), key, cipher,
                                     password.empty() ? nullptr : password.data(),
                                     static_cast<int>(password.size()), nullptr, nullptr)) {
    Fail("PEM_write_bio_PKCS8PrivateKey");
  }
  return BioToString(bio.get());
}

X509Ptr CertFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) Fail("PEM_read_bio_X509");
  return cert;
}

PkeyPtr KeyFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) Fail("PEM_read_bio_PrivateKey");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) Fail("X509V3_EXT_conf_nid " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Builds and signs a certificate; a null issuer makes it self-signed.
IssuedCert Build(const CertSpec& spec, X509* issuer_cert, EVP_PKEY* issuer_key) {
  static std::atomic<long> serial{1000};
  PkeyPtr key = KeyFor(spec);
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()),
                   serial.fetch_add(1) + static_cast<long>(std::time(nullptr) % 100000) * 1000);
  auto now = spec.now.time_since_epoch().count() == 0 ? std::chrono::system_clock::now() : spec.now;
  time_t base = std::chrono::system_clock::to_time_t(now);
  X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, spec.valid_from_offset.count(), &base);
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, spec.valid_to_offset.count(), &base);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509* signer = issuer_cert != nullptr ? issuer_cert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (spec.is_ca) {
    AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
  }
  AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  std::string san;
  for (const auto& dns : spec.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : spec.ip_addresses) san += (san.empty() ? "IP:" : ",IP:") + ip;
  if (!san.empty()) AddExtension(cert.get(), signer, NID_subject_alt_name, san);
  EVP_PKEY* sign_key = issuer_key != nullptr ? issuer_key : key.get();
  if (X509_sign(cert.get(), sign_key, EVP_sha256()) == 0) Fail("X509_sign");
  return IssuedCert{CertToPem(cert.get()), KeyToPem(key.get())};
}

}  // namespace

std::string IssuedCert::CertDer() const {
  X509Ptr cert = CertFromPem(cert_pem);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0) Fail("i2d_X509");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string IssuedCert::Pkcs12(const std::string& password) const {
  X509Ptr cert = CertFromPem(cert_pem);
  PkeyPtr key = KeyFromPem(key_pem);
  PKCS12* p12 = PKCS12_create(password.c_str(), "pushprobe test", key.get(), cert.get(), nullptr, 0,
                              0, 0, 0, 0);
  if (p12 == nullptr) Fail("PKCS12_create");
  BioPtr bio(BIO_new(BIO_s_mem()));
  i2d_PKCS12_bio(bio.get(), p12);
  PKCS12_free(p12);
  return BioToString(bio.get());
}

std::string IssuedCert::LegacyPkcs12(const std::string& password) const {
  OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
  if (ctx == nullptr) Fail("OSSL_LIB_CTX_new");
  OSSL_PROVIDER* base = OSSL_PROVIDER_load(ctx, "default");
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(ctx, "legacy");
  std::string out;
  if (base != nullptr && legacy != nullptr) {
    X509Ptr cert = CertFromPem(cert_pem);
    PkeyPtr key = KeyFromPem(key_pem);
    PKCS12* p12 =
        PKCS12_create_ex(password.c_str(), "pushprobe test", key.get(), cert.get(), nullptr,
                         NID_pbe_WithSHA1And3_Key_TripleDES_CBC, NID_pbe_WithSHA1And40BitRC2_CBC,
                         PKCS12_DEFAULT_ITER, PKCS12_DEFAULT_ITER, 0, ctx, nullptr);
    if (p12 != nullptr) {
      BioPtr bio(BIO_new(BIO_s_mem()));
      i2d_PKCS12_bio(bio.get(), p12);
      PKCS12_free(p12);
      out = BioToString(bio.get());
    }
  }
  if (legacy != nullptr) OSSL_PROVIDER_unload(legacy);
  if (base != nullptr) OSSL_PROVIDER_unload(base);
  OSSL_LIB_CTX_free(ctx);
  if (out.empty()) Fail("PKCS12_create_ex with RC2-40 (is OpenSSL's legacy provider installed?)");
  return out;
}

std::string IssuedCert::EncryptedKeyPem(const std::string& password) const {
  PkeyPtr key = KeyFromPem(key_pem);
  return KeyToPem(key.get(), EVP_aes_256_cbc(), password);
}

std::string IssuedCert::Thumbprint() const {
  return CertificateThumbprint(CertFromPem(cert_pem).get());
}

TestCa TestCa::Create(const std::string& common_name) {
  CertSpec spec;
  spec.common_name = common_name;
  spec.is_ca = true;
  spec.valid_to_offset = std::chrono::hours(24 * 3650);
  spec.fresh_key = true;
  TestCa ca;
  ca.root_ = Build(spec, nullptr, nullptr);
  return ca;
}

IssuedCert TestCa::Issue(const CertSpec& spec) const {
  X509Ptr ca_cert = CertFromPem(root_.cert_pem);
  PkeyPtr ca_key = KeyFromPem(root_.key_pem);
  return Build(spec, ca_cert.get(), ca_key.get());
}

IssuedCert SelfSigned(const CertSpec& spec) { return Build(spec, nullptr, nullptr); }

void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace pushprobe::testing
