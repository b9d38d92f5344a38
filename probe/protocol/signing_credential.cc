#include "probe/protocol/signing_credential.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "probe/core/bounded_file.h"
#include "probe/core/openssl_ptr.h"
#include "probe/core/thumbprint.h"
#include "probe/protocol/encoding.h"
#include "probe/protocol/legacy_provider.h"

namespace pushprobe {
namespace {

using LoadError = SigningCredential::LoadError;

// The reason of the latest OpenSSL error, and an empty queue afterwards so a
// stale error never surfaces in an unrelated message.
std::string OpenSslReason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "OpenSSL error " + std::to_string(code);
}

// Through ReadBoundedFile: a FIFO is refused instead of waited on, the size
// is capped before anything is read, and a read the run's deadline cuts short
// is a timeout (the file may be fine; the run had no time left for it).
Expected<std::string, LoadError> ReadFile(const std::string& path, const char* what, Reason reason,
                                          const Deadline* deadline) {
  using Result = Expected<std::string, LoadError>;
  Expected<std::string> read = ReadBoundedFile(path, kMaxCredentialFileBytes, deadline);
  if (read.ok()) return std::move(read.value());
  if (deadline != nullptr && deadline->Expired()) reason = Reason::kTimeout;
  return Result::Error(
      {reason, std::string("cannot read ") + what + " " + path + ": " + read.error()});
}

BioPtr MemBio(const std::string& data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

bool LooksLikePem(const std::string& data) { return data.find("-----BEGIN ") != std::string::npos; }

// Handed to OpenSSL's password callback; records whether the key asked for a
// password, which is how an encrypted key is told from a missing one.
struct PasswordSource {
  const std::string* password = nullptr;  // nullptr: no password file configured
  bool asked = false;
};

int PasswordCallback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* source = static_cast<PasswordSource*>(user);
  source->asked = true;
  if (source->password == nullptr) return -1;
  int n = static_cast<int>(source->password->size());
  if (n > size) return -1;
  std::copy(source->password->begin(), source->password->end(), buf);
  return n;
}

struct Loaded {
  X509Ptr cert;
  PkeyPtr key;
};

struct PemBlock {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  ~PemBlock() {
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_clear_free(data, static_cast<std::size_t>(length));
  }
};

// The two-prime RSAPrivateKey structure (RFC 8017 A.1.2) \p der holds, as a
// provider key made from its numbers; null when it is anything else (another
// version, a negative, missing or not minimally encoded number, an indefinite
// length, bytes left over), and the general reader then judges it. Why not
// OpenSSL's RSA decoder: in OpenSSL 3.0 its set-up searches every decoder of
// every provider, 1.4 million instructions of the plugin's check; this takes
// about 0.16 million.
PkeyPtr DecodeRsaPrivateKey(const unsigned char* der, std::size_t length) {
  // The SEQUENCE's header, then its members one at a time: decoding them all
  // at once (d2i_ASN1_SEQUENCE_ANY) left the members read before a malformed
  // one in freed memory, unwiped. d2i_ASN1_INTEGER checks a member before it
  // copies it, and each copy is wiped as soon as it is a BIGNUM.
  const unsigned char* in = der;
  long body = 0;
  int tag = 0;
  int tag_class = 0;
  // Definite length only (an error sets 0x80, indefinite length 0x01), and
  // nothing after the SEQUENCE.
  if (ASN1_get_object(&in, &body, &tag, &tag_class, static_cast<long>(length)) !=
          V_ASN1_CONSTRUCTED ||
      tag != V_ASN1_SEQUENCE || tag_class != V_ASN1_UNIVERSAL || body != der + length - in) {
    return PkeyPtr();
  }
  const unsigned char* const end = in + body;
  // version, n, e, d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p
  constexpr int kMembers = 9;
  BnClearPtr numbers[kMembers];
  for (int i = 0; i < kMembers; ++i) {
    // A member of the key: one of its secrets, wiped before it is freed.
    Asn1IntegerClearPtr member(in < end ? d2i_ASN1_INTEGER(nullptr, &in, end - in) : nullptr);
    if (!member) return PkeyPtr();
    // n and e are public; the rest is kept where OpenSSL wipes it.
    numbers[i].reset(i <= 2 ? BN_new() : BN_secure_new());
    if (!numbers[i] || ASN1_INTEGER_to_BN(member.get(), numbers[i].get()) == nullptr ||
        BN_is_negative(numbers[i].get())) {
      return PkeyPtr();
    }
  }
  if (in != end) return PkeyPtr();                      // more than nine members
  if (!BN_is_zero(numbers[0].get())) return PkeyPtr();  // version 1: more than two primes
  static constexpr const char* kNames[kMembers] = {nullptr,
                                                   OSSL_PKEY_PARAM_RSA_N,
                                                   OSSL_PKEY_PARAM_RSA_E,
                                                   OSSL_PKEY_PARAM_RSA_D,
                                                   OSSL_PKEY_PARAM_RSA_FACTOR1,
                                                   OSSL_PKEY_PARAM_RSA_FACTOR2,
                                                   OSSL_PKEY_PARAM_RSA_EXPONENT1,
                                                   OSSL_PKEY_PARAM_RSA_EXPONENT2,
                                                   OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  ParamBldPtr build(OSSL_PARAM_BLD_new());
  if (!build) return PkeyPtr();
  for (int i = 1; i < kMembers; ++i) {
    if (OSSL_PARAM_BLD_push_BN(build.get(), kNames[i], numbers[i].get()) != 1) return PkeyPtr();
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(build.get()));
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    EVP_PKEY_free(key);
    return PkeyPtr();
  }
  return PkeyPtr(key);
}

// The key of the first PEM block after any certificates, when that block is
// an unencrypted RSA key ("PRIVATE KEY" for rsaEncryption, or "RSA PRIVATE
// KEY"); null in every other case, and the caller then reads the data with
// PEM_read_bio_PrivateKey, which would have chosen this same block (it skips
// the certificates as data it cannot decode). Why: OpenSSL 3.0 sets up every
// decoder of every key type for PEM_read_bio_PrivateKey, about 4 million
// instructions for one 2048-bit key, which the plugin paid on every check
// (see DecodeRsaPrivateKey).
PkeyPtr ReadPlainRsaKey(const std::string& data) {
  BioPtr bio = MemBio(data);
  for (;;) {
    PemBlock block;
    if (!bio ||
        PEM_read_bio(bio.get(), &block.name, &block.header, &block.data, &block.length) != 1) {
      return PkeyPtr();
    }
    const std::string_view label(block.name);
    if (label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE" || label == "X509 CERTIFICATE") {
      continue;
    }
    // Headers name the cipher of an encrypted traditional key.
    if (block.header[0] != '\0' || block.length <= 0) return PkeyPtr();
    const auto length = static_cast<std::size_t>(block.length);
    if (label == "RSA PRIVATE KEY") return DecodeRsaPrivateKey(block.data, length);
    if (label != "PRIVATE KEY") return PkeyPtr();
    const unsigned char* in = block.data;
    Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &in, block.length));
    const ASN1_OBJECT* algorithm = nullptr;
    const unsigned char* key = nullptr;
    int key_length = 0;
    if (!info || in != block.data + block.length ||
        PKCS8_pkey_get0(&algorithm, &key, &key_length, nullptr, info.get()) != 1 ||
        OBJ_obj2nid(algorithm) != NID_rsaEncryption || key_length <= 0) {
      return PkeyPtr();
    }
    return DecodeRsaPrivateKey(key, static_cast<std::size_t>(key_length));
  }
}

// Reads a private key from PEM (any PKCS#8 or traditional block, encrypted or
// not) or DER; a null key when the data holds no key at all.
// An empty password file is a likely slip (written with `echo > file`, or
// emptied), so the message says so.
std::string BadPassword(const std::string& path, const std::string& password,
                        const SigningCredential::SettingNames& names) {
  return "cannot decrypt private key " + path + ": bad password" +
         (password.empty() ? " (the " + names.password_file + " is empty)" : "");
}

Expected<PkeyPtr, LoadError> ReadKey(const std::string& data, const std::string& path,
                                     const SigningCredential::SettingNames& names,
                                     const std::string* password) {
  using Result = Expected<PkeyPtr, LoadError>;
  PasswordSource source{password, false};
  ERR_clear_error();
  if (LooksLikePem(data)) {
    if (PkeyPtr rsa = ReadPlainRsaKey(data)) {
      ERR_clear_error();
      return rsa;
    }
    ERR_clear_error();
    BioPtr bio = MemBio(data);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, PasswordCallback, &source));
    if (key) {
      ERR_clear_error();
      return key;
    }
    std::string reason = OpenSslReason();
    if (source.asked) {
      if (password == nullptr) {
        return Result::Error({Reason::kConfig, "cannot decrypt private key " + path +
                                                   ": it is encrypted and no " +
                                                   names.password_file + " is " + names.unset});
      }
      return Result::Error({Reason::kConfig, BadPassword(path, *password, names)});
    }
    if (data.find("PRIVATE KEY-----") != std::string::npos) {
      return Result::Error(
          {Reason::kCertMissing, "cannot parse private key in " + path + ": " + reason});
    }
    return PkeyPtr();
  }
  BioPtr bio = MemBio(data);
  PkeyPtr key(d2i_PrivateKey_bio(bio.get(), nullptr));
  ERR_clear_error();
  return key;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : " and ") + name;
  return out;
}

// Password-based encryption schemes whose cipher OpenSSL 3 keeps in its
// legacy provider (RC2, RC4, single DES): PKCS#12 v1.5 and PKCS#5 v1.5.
bool IsLegacyPbe(int nid) {
  switch (nid) {
    case NID_pbe_WithSHA1And40BitRC2_CBC:
    case NID_pbe_WithSHA1And128BitRC2_CBC:
    case NID_pbe_WithSHA1And40BitRC4:
    case NID_pbe_WithSHA1And128BitRC4:
    case NID_pbeWithMD5AndDES_CBC:
    case NID_pbeWithMD5AndRC2_CBC:
    case NID_pbeWithSHA1AndDES_CBC:
    case NID_pbeWithSHA1AndRC2_CBC:
    case NID_pbeWithMD2AndDES_CBC:
    case NID_pbeWithMD2AndRC2_CBC:
      return true;
    default:
      return false;
  }
}

void AddIfLegacy(const X509_ALGOR* alg, std::vector<std::string>* names) {
  if (alg == nullptr) return;
  const int nid = OBJ_obj2nid(alg->algorithm);
  if (!IsLegacyPbe(nid)) return;
  const std::string name = OBJ_nid2ln(nid);
  if (std::find(names->begin(), names->end(), name) == names->end()) names->push_back(name);
}

// The legacy schemes protecting the file's encrypted bags (a Windows export:
// the certificates under RC2-40) and shrouded keys, as OpenSSL names them.
// Reads only the unencrypted structure, so it needs neither the password nor
// the legacy provider.
std::vector<std::string> LegacyAlgorithms(PKCS12* p12) {
  std::vector<std::string> names;
  Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12));
  for (int i = 0; safes && i < sk_PKCS7_num(safes.get()); ++i) {
    PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
    const int type = OBJ_obj2nid(p7->type);
    if (type == NID_pkcs7_encrypted && p7->d.encrypted != nullptr &&
        p7->d.encrypted->enc_data != nullptr) {
      AddIfLegacy(p7->d.encrypted->enc_data->algorithm, &names);
    } else if (type == NID_pkcs7_data) {
      SafeBagStackPtr bags(PKCS12_unpack_p7data(p7));
      for (int j = 0; bags && j < sk_PKCS12_SAFEBAG_num(bags.get()); ++j) {
        const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags.get(), j);
        if (PKCS12_SAFEBAG_get_nid(bag) != NID_pkcs8ShroudedKeyBag) continue;
        const X509_ALGOR* alg = nullptr;
        X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, nullptr);
        AddIfLegacy(alg, &names);
      }
    }
  }
  ERR_clear_error();
  return names;
}

// A PKCS#12 file starts SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data ...
// (RFC 7292 4). Enough to call a file that no longer parses a damaged
// PKCS#12 rather than "not a certificate".
bool LooksLikePkcs12(const std::string& data) {
  static const std::string kVersion("\x02\x01\x03", 3);
  static const std::string kPkcs7Data("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 11);
  const std::string head = data.substr(0, 32);
  return !head.empty() && head[0] == '\x30' && head.find(kVersion) != std::string::npos &&
         head.find(kPkcs7Data) != std::string::npos;
}

// Whether \p pass decrypts any encrypted part of \p p12, the MAC aside. The
// MAC covers the whole content, so when it fails it cannot tell a wrong
// password from damaged bytes; the parts can: with a wrong password none of
// them decrypts, while damage usually spoils only the part it hit.
bool PasswordOpensAPart(PKCS12* p12, const char* pass, int passlen) {
  Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12));
  if (!safes) return false;
  bool opened = false;
  for (int i = 0; i < sk_PKCS7_num(safes.get()) && !opened; ++i) {
    PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
    const int nid = OBJ_obj2nid(p7->type);
    if (nid == NID_pkcs7_encrypted) {
      SafeBagStackPtr bags(PKCS12_unpack_p7encdata(p7, pass, passlen));
      opened = bags != nullptr;
    } else if (nid == NID_pkcs7_data) {
      SafeBagStackPtr bags(PKCS12_unpack_p7data(p7));
      for (int j = 0; bags && j < sk_PKCS12_SAFEBAG_num(bags.get()) && !opened; ++j) {
        const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags.get(), j);
        if (PKCS12_SAFEBAG_get_nid(bag) != NID_pkcs8ShroudedKeyBag) continue;
        opened = Pkcs8Ptr(PKCS12_decrypt_skey(bag, pass, passlen)) != nullptr;
      }
    }
  }
  ERR_clear_error();
  return opened;
}

Expected<Loaded, LoadError> ReadPkcs12(const std::string& data, const std::string& path,
                                       const std::string* password, bool want_key,
                                       const SigningCredential::SettingNames& names) {
  using Result = Expected<Loaded, LoadError>;
  BioPtr bio = MemBio(data);
  Pkcs12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) {
    const std::string reason = OpenSslReason();
    if (LooksLikePkcs12(data)) {
      return Result::Error(
          {Reason::kCertMissing, "PKCS#12 " + path + " is corrupt: it does not parse (" + reason +
                                     "); the file was damaged on disk or in transit: "
                                     "export it again"});
    }
    return Result::Error(
        {Reason::kCertMissing, "no certificate in " + path + ": neither PEM nor PKCS#12 nor DER"});
  }
  const char* pass = password != nullptr ? password->c_str() : nullptr;
  if (PKCS12_mac_present(p12.get()) != 0) {
    bool verified = password != nullptr ? PKCS12_verify_mac(p12.get(), pass, -1) == 1
                                        : PKCS12_verify_mac(p12.get(), nullptr, 0) == 1 ||
                                              PKCS12_verify_mac(p12.get(), "", 0) == 1;
    ERR_clear_error();
    // A Windows export's certificates need the legacy provider to decrypt.
    if (!verified && !LegacyAlgorithms(p12.get()).empty()) LoadLegacyProvider();
    const bool password_opens =
        !verified && (password != nullptr ? PasswordOpensAPart(p12.get(), pass, -1)
                                          : PasswordOpensAPart(p12.get(), nullptr, 0) ||
                                                PasswordOpensAPart(p12.get(), "", 0));
    if (password_opens) {
      return Result::Error(
          {Reason::kCertMissing,
           "PKCS#12 " + path +
               " is corrupt: its integrity check (MAC) fails although the password "
               "decrypts it; the file was damaged on disk or in transit: export it "
               "again"});
    }
    if (!verified) {
      return Result::Error({Reason::kConfig, password == nullptr
                                                 ? "cannot decrypt private key " + path +
                                                       ": it is encrypted and no " +
                                                       names.password_file + " is " + names.unset
                                                 : BadPassword(path, *password, names)});
    }
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  bool parsed = PKCS12_parse(p12.get(), pass, &key, &cert, &chain) == 1;
  const std::vector<std::string> legacy = LegacyAlgorithms(p12.get());
  if (!parsed && !legacy.empty()) {
    // Windows exports: the algorithm is in OpenSSL's legacy provider, loaded
    // only now that a file needs it.
    ERR_clear_error();
    const std::string unavailable = LoadLegacyProvider();
    if (!unavailable.empty()) {
      return Result::Error({Reason::kCertMissing, "cannot read PKCS#12 " + path +
                                                      ": it is encrypted with " + Join(legacy) +
                                                      ", and " + unavailable});
    }
    parsed = PKCS12_parse(p12.get(), pass, &key, &cert, &chain) == 1;
  }
  if (!parsed) {
    return Result::Error(
        {Reason::kCertMissing, "cannot read PKCS#12 " + path + ": " + OpenSslReason() +
                                   " (the file is damaged or not a PKCS#12 file)"});
  }
  // PKCS12_parse gives as the certificate only the one paired with the key
  // (same localKeyID); a file without such a pair (no key, or a key beside
  // another certificate) has its certificate among the others, and the
  // caller then reports the missing or mismatched key.
  if (cert == nullptr && chain != nullptr && sk_X509_num(chain) > 0) cert = sk_X509_shift(chain);
  sk_X509_pop_free(chain, X509_free);
  Loaded loaded{X509Ptr(cert), PkeyPtr(key)};
  if (!want_key) loaded.key.reset();
  if (!loaded.cert) {
    return Result::Error({Reason::kCertMissing, "no certificate in PKCS#12 " + path});
  }
  return loaded;
}

Expected<Loaded, LoadError> ReadCertificateFile(const std::string& path,
                                                const std::string* password, bool want_key,
                                                const SigningCredential::SettingNames& names,
                                                const Deadline* deadline) {
  using Result = Expected<Loaded, LoadError>;
  if (path.empty()) {
    return Result::Error({Reason::kCertMissing, "no certificate configured"});
  }
  auto read = ReadFile(path, "certificate file", Reason::kCertMissing, deadline);
  if (!read) return Result::Error(read.error());
  const std::string& data = read.value();
  if (!LooksLikePem(data)) {
    BioPtr bio = MemBio(data);
    X509Ptr der(d2i_X509_bio(bio.get(), nullptr));
    ERR_clear_error();
    if (der) return Loaded{std::move(der), PkeyPtr()};
    return ReadPkcs12(data, path, password, want_key, names);
  }
  Loaded loaded;
  BioPtr bio = MemBio(data);
  PasswordSource source{password, false};
  loaded.cert.reset(PEM_read_bio_X509(bio.get(), nullptr, PasswordCallback, &source));
  ERR_clear_error();
  if (!loaded.cert) {
    return Result::Error({Reason::kCertMissing, "no certificate in " + path});
  }
  if (want_key) {
    auto key = ReadKey(data, path, names, password);
    if (!key) return Result::Error(key.error());
    loaded.key = std::move(key).value();
  }
  return loaded;
}

Expected<std::string, LoadError> ReadPassword(const std::string& password_file,
                                              const Deadline* deadline) {
  auto read = ReadFile(password_file, "password file", Reason::kConfig, deadline);
  if (!read) return read;
  std::string& password = read.value();
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  return read;
}

std::string FormatUtc(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string DaysPhrase(Duration d) {
  auto days = std::chrono::duration_cast<std::chrono::hours>(d).count() / 24;
  if (days < 1) return "less than a day";
  return std::to_string(days) + (days == 1 ? " day" : " days");
}

WallTime FromAsn1Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return WallTime{};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // RFC 2253 without escaping UTF-8 bytes as \XX, so names read as they are.
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// The digest of the certificate's DER encoding (its thumbprint with SHA-1).
std::string CertificateDigest(const X509* cert, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, md, digest, &n);
  return std::string(reinterpret_cast<const char*>(digest), n);
}

}  // namespace

struct SigningCredential::Impl {
  X509Ptr cert;
  PkeyPtr key;
};

SigningCredential::SigningCredential() : impl_(std::make_unique<Impl>()) {}
SigningCredential::~SigningCredential() = default;
SigningCredential::SigningCredential(SigningCredential&&) noexcept = default;
SigningCredential& SigningCredential::operator=(SigningCredential&&) noexcept = default;

Expected<SigningCredential, SigningCredential::LoadError> SigningCredential::Load(
    const std::string& certificate_path, const std::string& private_key_path,
    const std::string& password_file, const SettingNames& names, const Deadline* deadline) {
  using Result = Expected<SigningCredential, LoadError>;
  std::string password;
  const std::string* pass = nullptr;
  if (!password_file.empty()) {
    auto read = ReadPassword(password_file, deadline);
    if (!read) return Result::Error(read.error());
    password = std::move(read).value();
    pass = &password;
  }
  auto loaded =
      ReadCertificateFile(certificate_path, pass, private_key_path.empty(), names, deadline);
  if (!loaded) return Result::Error(loaded.error());
  Loaded& parts = loaded.value();

  std::string key_origin = certificate_path;
  if (!private_key_path.empty()) {
    auto read = ReadFile(private_key_path, "private key file", Reason::kCertMissing, deadline);
    if (!read) return Result::Error(read.error());
    auto key = ReadKey(read.value(), private_key_path, names, pass);
    if (!key) return Result::Error(key.error());
    if (!key.value()) {
      return Result::Error({Reason::kCertMissing, "no private key in " + private_key_path});
    }
    parts.key = std::move(key).value();
    key_origin = private_key_path;
  }
  if (!parts.key) {
    return Result::Error({Reason::kCertMissing, "no private key in " + certificate_path +
                                                    " and no " + names.private_key + " " +
                                                    names.unset});
  }
  if (EVP_PKEY_eq(X509_get0_pubkey(parts.cert.get()), parts.key.get()) != 1) {
    ERR_clear_error();
    return Result::Error({Reason::kCertKeyMismatch, "the private key in " + key_origin +
                                                        " does not belong to the certificate in " +
                                                        certificate_path});
  }
  SigningCredential credential;
  credential.impl_->cert = std::move(parts.cert);
  credential.impl_->key = std::move(parts.key);
  return credential;
}

Expected<SigningCredential, SigningCredential::LoadError> SigningCredential::LoadCertificateOnly(
    const std::string& certificate_path, const std::string& password_file,
    const SettingNames& names, const Deadline* deadline) {
  using Result = Expected<SigningCredential, LoadError>;
  std::string password;
  const std::string* pass = nullptr;
  if (!password_file.empty()) {
    auto read = ReadPassword(password_file, deadline);
    if (!read) return Result::Error(read.error());
    password = std::move(read).value();
    pass = &password;
  }
  auto loaded = ReadCertificateFile(certificate_path, pass, false, names, deadline);
  if (!loaded) return Result::Error(loaded.error());
  SigningCredential credential;
  credential.impl_->cert = std::move(loaded.value().cert);
  return credential;
}

bool SigningCredential::has_key() const { return impl_->key != nullptr; }

X509* SigningCredential::certificate() const { return impl_->cert.get(); }

EVP_PKEY* SigningCredential::private_key() const { return impl_->key.get(); }

std::string SigningCredential::Thumbprint() const {
  return CertificateThumbprint(impl_->cert.get());
}

std::string SigningCredential::X5t() const {
  return Base64UrlEncode(CertificateSha1(impl_->cert.get()));
}

std::string SigningCredential::X5tS256() const {
  return Base64UrlEncode(CertificateDigest(impl_->cert.get(), EVP_sha256()));
}

std::string SigningCredential::Subject() const {
  return NameToString(X509_get_subject_name(impl_->cert.get()));
}

std::string SigningCredential::Issuer() const {
  return NameToString(X509_get_issuer_name(impl_->cert.get()));
}

WallTime SigningCredential::NotBefore() const {
  return FromAsn1Time(X509_get0_notBefore(impl_->cert.get()));
}

WallTime SigningCredential::NotAfter() const {
  return FromAsn1Time(X509_get0_notAfter(impl_->cert.get()));
}

std::string SigningCredential::KeyType() const {
  EVP_PKEY* pub = X509_get0_pubkey(impl_->cert.get());
  if (pub == nullptr) return "unknown";
  switch (EVP_PKEY_get_base_id(pub)) {
    case EVP_PKEY_RSA:
      return "RSA";
    case EVP_PKEY_RSA_PSS:
      return "RSA-PSS";
    case EVP_PKEY_EC:
      return "EC";
    case EVP_PKEY_DSA:
      return "DSA";
    case EVP_PKEY_ED25519:
      return "Ed25519";
    case EVP_PKEY_ED448:
      return "Ed448";
    default: {
      const char* name = EVP_PKEY_get0_type_name(pub);
      return name != nullptr ? name : "unknown";
    }
  }
}

int SigningCredential::KeyBits() const {
  EVP_PKEY* pub = X509_get0_pubkey(impl_->cert.get());
  return pub != nullptr ? EVP_PKEY_get_bits(pub) : 0;
}

std::string SigningCredential::DerBase64() const {
  unsigned char* der = nullptr;
  int n = i2d_X509(impl_->cert.get(), &der);
  if (n <= 0) return "";
  std::string out = Base64Encode(std::string_view(reinterpret_cast<const char*>(der), n));
  OPENSSL_free(der);
  return out;
}

std::string SigningCredential::SignRs256(std::string_view data) const {
  if (!impl_->key) throw std::logic_error("SignRs256 without a private key");
  if (EVP_PKEY_get_base_id(impl_->key.get()) != EVP_PKEY_RSA) {
    throw std::logic_error("SignRs256 needs an RSA key");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
    throw std::runtime_error("RS256 signing failed: " + OpenSslReason());
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, in,
                     data.size()) != 1) {
    throw std::runtime_error("RS256 signing failed: " + OpenSslReason());
  }
  signature.resize(len);
  return signature;
}

CredentialVerdict EvaluateCredential(const SigningCredential& credential, WallTime now,
                                     std::string_view pinned_thumbprint) {
  CredentialVerdict verdict;
  std::string type = credential.KeyType();
  int bits = credential.KeyBits();
  if (type != "RSA" || bits < 2048) {
    verdict.reason = Reason::kCertWeakKey;
    verdict.message = "the certificate's key is " + type + " " + std::to_string(bits) +
                      " bits; an RSA key of at least 2048 bits is required";
    verdict.exchange_error = std::string(kExchangeWeakKeyError);
    return verdict;
  }
  WallTime not_before = credential.NotBefore();
  if (now < not_before) {
    verdict.reason = Reason::kCertNotYetValid;
    verdict.message = "the certificate is not valid before " + FormatUtc(not_before) + " (in " +
                      DaysPhrase(not_before - now) + ")";
    return verdict;
  }
  WallTime not_after = credential.NotAfter();
  if (now > not_after) {
    verdict.reason = Reason::kCertExpired;
    verdict.message = "the certificate expired on " + FormatUtc(not_after) + " (" +
                      DaysPhrase(now - not_after) + " ago)";
    return verdict;
  }
  std::string pin = NormalizeThumbprint(pinned_thumbprint);
  if (!pin.empty()) {
    std::string actual = credential.Thumbprint();
    if (pin != actual) {
      verdict.reason = Reason::kCertThumbprintMismatch;
      verdict.message = "the certificate's thumbprint " + actual +
                        " differs from the configured thumbprint " + pin;
    }
  }
  return verdict;
}

}  // namespace pushprobe
