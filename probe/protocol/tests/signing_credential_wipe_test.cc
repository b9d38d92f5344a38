// Whether the key reader wipes the key's secrets from every block of memory
// OpenSSL frees while it reads a key file. A binary of its own: OpenSSL takes
// memory functions only before its first allocation, so they are set while
// the program starts, before any test makes a certificate.
#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "probe/protocol/signing_credential.h"
#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

// Bytes of a secret, looked for in each block OpenSSL frees while armed.
std::string g_secret;
bool g_armed = false;
int g_unwiped = 0;

// Every block OpenSSL allocates starts zeroed (its size kept in front of it),
// so a secret found in a block it frees was written there by OpenSSL during
// that block's life, not left over from the block's earlier use.
constexpr std::size_t kHeader = alignof(std::max_align_t);

void* Malloc(std::size_t n, const char*, int) {
  auto* block = static_cast<char*>(std::calloc(1, n + kHeader));
  if (block == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(block) = n;
  return block + kHeader;
}
void Free(void* p, const char*, int) {
  if (p == nullptr) return;
  char* block = static_cast<char*>(p) - kHeader;
  const std::size_t size = *reinterpret_cast<std::size_t*>(block);
  const char* data = static_cast<const char*>(p);
  if (g_armed && !g_secret.empty() &&
      std::search(data, data + size, g_secret.begin(), g_secret.end()) != data + size) {
    ++g_unwiped;
  }
  std::free(block);
}
void* Realloc(void* p, std::size_t n, const char* file, int line) {
  if (p == nullptr) return Malloc(n, file, line);
  void* grown = Malloc(n, file, line);
  if (grown == nullptr) return nullptr;
  const std::size_t size = *reinterpret_cast<std::size_t*>(static_cast<char*>(p) - kHeader);
  std::memcpy(grown, p, std::min(size, n));
  Free(p, file, line);
  return grown;
}
const bool kHooked = CRYPTO_set_mem_functions(Malloc, Realloc, Free) == 1;

// The key's RSAPrivateKey DER: SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }.
std::string RsaPrivateKeyDer(const std::string& key_pem) {
  BIO* in = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  unsigned char* der = nullptr;
  const int n = i2d_PrivateKey(key, &der);
  EVP_PKEY_free(key);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n > 0 ? n : 0));
  OPENSSL_free(der);
  return out;
}

// The TLVs of the SEQUENCE \p der holds.
std::vector<std::string> Members(const std::string& der) {
  const auto* start = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* p = start;
  long length = 0;
  int tag = 0;
  int tag_class = 0;
  ASN1_get_object(&p, &length, &tag, &tag_class, static_cast<long>(der.size()));
  std::vector<std::string> members;
  while (p < start + der.size()) {
    const unsigned char* member = p;
    ASN1_get_object(&p, &length, &tag, &tag_class, static_cast<long>(start + der.size() - p));
    p += length;
    members.emplace_back(reinterpret_cast<const char*>(member),
                         static_cast<std::size_t>(p - member));
  }
  return members;
}

std::string Sequence(const std::string& body) {
  std::string header = "\x30\x82";
  header += static_cast<char>(body.size() >> 8);
  header += static_cast<char>(body.size() & 0xff);
  return header + body;
}

// A key whose last number has a needless leading zero (not DER, so the
// reader that makes the key from its numbers rejects it and OpenSSL's general
// reader reads it): the numbers read before it must not be left in freed
// memory.
TEST(SigningCredentialWipeTest, TheNumbersReadBeforeAMalformedOneAreWiped) {
  if (!kHooked) GTEST_SKIP() << "OpenSSL allocated before the test could set its memory functions";
  const pushprobe::testing::IssuedCert cert =
      pushprobe::testing::SelfSigned(pushprobe::testing::CertSpec{});
  std::vector<std::string> members = Members(RsaPrivateKeyDer(cert.key_pem));
  ASSERT_EQ(members.size(), 9u);
  // The last number, q^-1 mod p, padded: 02 <length> 00 <content>. Its
  // length has the short form (one byte below 0x80) in about one key of 256,
  // where the number's first byte is zero, and the long form 81 LL otherwise.
  const std::string& qinv = members[8];
  const auto form = static_cast<unsigned char>(qinv[1]);
  ASSERT_LE(form, 0x81);
  const std::string content = '\0' + qinv.substr(form == 0x81 ? 3 : 2);
  std::string padded = "\x02";
  if (content.size() >= 0x80) padded += '\x81';
  padded += static_cast<char>(content.size());
  padded += content;
  std::string body;
  for (int i = 0; i < 8; ++i) body += members[static_cast<std::size_t>(i)];
  body += padded;
  const std::string der = Sequence(body);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio(out, "RSA PRIVATE KEY", "", reinterpret_cast<const unsigned char*>(der.data()),
                static_cast<long>(der.size()));
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  const std::string key_pem(data, static_cast<std::size_t>(n));
  BIO_free(out);
  // 16 bytes from the middle of d.
  const std::string& d = members[3];
  g_secret = d.substr(d.size() / 2, 16);

  std::string dir = (std::filesystem::temp_directory_path() / "pushprobe-wipe-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/auth.pem";
  const std::string file = cert.cert_pem + key_pem;
  pushprobe::testing::WriteFile(path, file);
  // OpenSSL's general reader, which reads this key, itself frees a few
  // blocks holding it (its DER among them): the baseline.
  g_unwiped = 0;
  g_armed = true;
  BIO* bio = BIO_new_mem_buf(file.data(), static_cast<int>(file.size()));
  EVP_PKEY_free(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  g_armed = false;
  const int general_reader = g_unwiped;
  g_unwiped = 0;
  g_armed = true;
  auto loaded = SigningCredential::Load(path, "", "");
  g_armed = false;
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;  // the general reader's verdict
  EXPECT_EQ(g_unwiped, general_reader)
      << "blocks freed with bytes of the private exponent in them, besides the general reader's";
}

}  // namespace
}  // namespace pushprobe
