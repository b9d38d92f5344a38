// What each tls_profile puts in the ClientHello, read off the wire: a
// loopback listener takes the client's first TLS record and parses the
// cipher suites, supported groups and signature algorithms in order. The
// expected lists are docs/tls-profiles.md's, written out here again so that
// a change to either the table or the docs is caught.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "probe/net/http_client.h"

namespace pushprobe {
namespace {

struct ClientHello {
  std::vector<std::string> ciphers;  // IANA names; the renegotiation SCSV left out
  bool renegotiation_scsv = false;
  std::vector<std::string> groups;
  std::vector<std::string> signature_algorithms;
};

std::uint16_t U16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(b.at(at)) << 8) |
                                    static_cast<unsigned char>(b.at(at + 1)));
}

std::string CipherName(std::uint16_t id) {
  static SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  static SSL* ssl = SSL_new(ctx);
  const unsigned char bytes[2] = {static_cast<unsigned char>(id >> 8),
                                  static_cast<unsigned char>(id & 0xff)};
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, bytes);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04x", id);
  return cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : hex;
}

std::string CodeName(const std::map<std::uint16_t, std::string>& names, std::uint16_t id) {
  auto it = names.find(id);
  if (it != names.end()) return it->second;
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04x", id);
  return hex;
}

// RFC 8446 4.1.2 / RFC 5246 7.4.1.2, after the 4-byte handshake header.
ClientHello Parse(const std::string& hello) {
  static const std::map<std::uint16_t, std::string> kGroups = {{0x0017, "P-256"},
                                                               {0x0018, "P-384"},
                                                               {0x0019, "P-521"},
                                                               {0x001d, "X25519"},
                                                               {0x001e, "X448"}};
  static const std::map<std::uint16_t, std::string> kSigalgs = {{0x0401, "RSA+SHA256"},
                                                                {0x0501, "RSA+SHA384"},
                                                                {0x0601, "RSA+SHA512"},
                                                                {0x0201, "RSA+SHA1"},
                                                                {0x0403, "ECDSA+SHA256"},
                                                                {0x0503, "ECDSA+SHA384"},
                                                                {0x0603, "ECDSA+SHA512"},
                                                                {0x0203, "ECDSA+SHA1"},
                                                                {0x0402, "DSA+SHA256"},
                                                                {0x0202, "DSA+SHA1"},
                                                                {0x0804, "rsa_pss_rsae_sha256"},
                                                                {0x0805, "rsa_pss_rsae_sha384"},
                                                                {0x0806, "rsa_pss_rsae_sha512"},
                                                                {0x0809, "rsa_pss_pss_sha256"},
                                                                {0x080a, "rsa_pss_pss_sha384"},
                                                                {0x080b, "rsa_pss_pss_sha512"},
                                                                {0x0807, "ed25519"},
                                                                {0x0808, "ed448"}};
  ClientHello out;
  std::size_t at = 4 + 2 + 32;                         // header, legacy_version, random
  at += 1 + static_cast<unsigned char>(hello.at(at));  // session id
  const std::size_t suites_end = at + 2 + U16(hello, at);
  for (at += 2; at < suites_end; at += 2) {
    const std::uint16_t id = U16(hello, at);
    if (id == 0x00ff) {
      out.renegotiation_scsv = true;
    } else {
      out.ciphers.push_back(CipherName(id));
    }
  }
  at += 1 + static_cast<unsigned char>(hello.at(at));  // compression methods
  const std::size_t extensions_end = at + 2 + U16(hello, at);
  for (at += 2; at < extensions_end;) {
    const std::uint16_t type = U16(hello, at);
    const std::size_t length = U16(hello, at + 2);
    const std::size_t body = at + 4;
    if (type == 0x000a || type == 0x000d) {
      const std::size_t list_end = body + 2 + U16(hello, body);
      for (std::size_t i = body + 2; i < list_end; i += 2) {
        if (type == 0x000a) {
          out.groups.push_back(CodeName(kGroups, U16(hello, i)));
        } else {
          out.signature_algorithms.push_back(CodeName(kSigalgs, U16(hello, i)));
        }
      }
    }
    at = body + length;
  }
  return out;
}

bool ReadExactly(int fd, std::string& into, std::size_t n) {
  while (into.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return false;
    char buf[4096];
    const ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - into.size()), 0);
    if (got <= 0) return false;
    into.append(buf, static_cast<std::size_t>(got));
  }
  return true;
}

// Sends one request with \p options to a loopback listener that reads the
// ClientHello and hangs up.
ClientHello Capture(const HttpClientOptions& options) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "cannot listen on loopback";
    return {};
  }
  std::string hello;
  std::thread server([&] {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) return;
    std::string record;
    // One handshake record: type 22, version, length; then the message.
    if (ReadExactly(fd, record, 5) && record[0] == 22) {
      const std::size_t length = U16(record, 3);
      std::string message;
      if (ReadExactly(fd, message, length)) hello = message;
    }
    ::close(fd);
  });
  HttpClient client(options, SystemClock::Instance());
  HttpRequest request;
  request.url = "https://outlook.office365.com:" + std::to_string(ntohs(addr.sin_port)) + "/";
  const HttpOutcome outcome =
      client.Send(request, Deadline::After(SystemClock::Instance(), std::chrono::seconds(10)));
  server.join();
  ::close(listener);
  EXPECT_EQ(outcome.error, Reason::kTlsHandshake) << outcome.error_message;
  if (hello.size() < 4 || hello[0] != 1) {
    ADD_FAILURE() << "no ClientHello read";
    return {};
  }
  ClientHello parsed = Parse(hello);
  // The facts say what the wire says.
  if (outcome.facts.tls_offer == nullptr) {
    ADD_FAILURE() << "no offer in the facts";
    return {};
  }
  EXPECT_EQ(outcome.facts.tls_offer->ciphers, parsed.ciphers);
  EXPECT_EQ(outcome.facts.tls_offer->profile, std::string(TlsProfileName(options.tls_profile)));
  return parsed;
}

HttpClientOptions Options(TlsProfile profile, TlsVersion max = TlsVersion::k1_2) {
  HttpClientOptions options;
  options.tls_profile = profile;
  options.tls_max_version = max;
  options.connect_to = {{"outlook.office365.com", 0, "127.0.0.1", 0}};
  return options;
}

const std::vector<std::string> kWindows10Sigalgs = {
    "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
    "RSA+SHA256",          "RSA+SHA384",          "ECDSA+SHA256",
    "ECDSA+SHA384",        "RSA+SHA512",          "ECDSA+SHA512"};

TEST(ClientHelloTest, Windows2012R2) {
  const ClientHello hello = Capture(Options(TlsProfile::kWindows2012R2));
  EXPECT_EQ(hello.ciphers, (std::vector<std::string>{
                               "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                               "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                               "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                               "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                               "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                               "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                               "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
                               "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
                               "TLS_RSA_WITH_AES_256_GCM_SHA384",
                               "TLS_RSA_WITH_AES_128_GCM_SHA256",
                               "TLS_RSA_WITH_AES_256_CBC_SHA256",
                               "TLS_RSA_WITH_AES_128_CBC_SHA256",
                               "TLS_RSA_WITH_AES_256_CBC_SHA",
                               "TLS_RSA_WITH_AES_128_CBC_SHA",
                               "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                               "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                               "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                               "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                               "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                               "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                           }));
  EXPECT_EQ(hello.groups, (std::vector<std::string>{"P-256", "P-384"}));
  EXPECT_EQ(hello.signature_algorithms,
            (std::vector<std::string>{"RSA+SHA256", "RSA+SHA384", "ECDSA+SHA256", "ECDSA+SHA384",
                                      "RSA+SHA512", "ECDSA+SHA512"}));
}

const std::vector<std::string> kWindows2019Ciphers = {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                                                      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                                                      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                                                      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                                      "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                                                      "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                                                      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                                                      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                                                      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                                                      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                                                      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                                                      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                                                      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                                                      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                                                      "TLS_RSA_WITH_AES_256_GCM_SHA384",
                                                      "TLS_RSA_WITH_AES_128_GCM_SHA256",
                                                      "TLS_RSA_WITH_AES_256_CBC_SHA256",
                                                      "TLS_RSA_WITH_AES_128_CBC_SHA256",
                                                      "TLS_RSA_WITH_AES_256_CBC_SHA",
                                                      "TLS_RSA_WITH_AES_128_CBC_SHA"};

TEST(ClientHelloTest, Windows2016) {
  const ClientHello hello = Capture(Options(TlsProfile::kWindows2016));
  // 2019's list with TLS_DHE_RSA_WITH_AES_{256,128}_CBC_SHA after the ECDHE CBC suites.
  std::vector<std::string> want = kWindows2019Ciphers;
  want.insert(want.begin() + 14,
              {"TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"});
  EXPECT_EQ(hello.ciphers, want);
  EXPECT_EQ(hello.groups, (std::vector<std::string>{"X25519", "P-256", "P-384"}));
  EXPECT_EQ(hello.signature_algorithms, kWindows10Sigalgs);
}

TEST(ClientHelloTest, Windows2019) {
  const ClientHello hello = Capture(Options(TlsProfile::kWindows2019));
  EXPECT_EQ(hello.ciphers, kWindows2019Ciphers);
  EXPECT_EQ(hello.groups, (std::vector<std::string>{"X25519", "P-256", "P-384"}));
  EXPECT_EQ(hello.signature_algorithms, kWindows10Sigalgs);
}

TEST(ClientHelloTest, Windows2022WithAndWithoutTls13) {
  // 2019's list without TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 (Microsoft's
  // table marks it as filtered by SCH_USE_STRONG_CRYPTO on 2022).
  std::vector<std::string> tls12 = kWindows2019Ciphers;
  tls12.erase(tls12.begin() + 4);
  const ClientHello hello12 = Capture(Options(TlsProfile::kWindows2022));
  EXPECT_EQ(hello12.ciphers, tls12);
  EXPECT_EQ(hello12.groups, (std::vector<std::string>{"X25519", "P-256", "P-384"}));
  EXPECT_EQ(hello12.signature_algorithms, kWindows10Sigalgs);

  const ClientHello hello13 = Capture(Options(TlsProfile::kWindows2022, TlsVersion::k1_3));
  std::vector<std::string> both = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"};
  both.insert(both.end(), tls12.begin(), tls12.end());
  EXPECT_EQ(hello13.ciphers, both);
  EXPECT_EQ(hello13.groups, (std::vector<std::string>{"X25519", "P-256", "P-384"}));
  EXPECT_EQ(hello13.signature_algorithms, kWindows10Sigalgs);
}

TEST(ClientHelloTest, OpensslKeepsOpensslsDefaults) {
  const ClientHello hello = Capture(Options(TlsProfile::kOpenssl));
  // OpenSSL's defaults: ChaCha20 and more groups, which no Windows profile offers.
  EXPECT_NE(std::find(hello.ciphers.begin(), hello.ciphers.end(),
                      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            hello.ciphers.end());
  EXPECT_GT(hello.groups.size(), 3u);
}

TEST(ClientHelloTest, TlsCiphersReplaceTheProfilesSuitesInTheirOrder) {
  HttpClientOptions options = Options(TlsProfile::kWindows2016);
  options.tls_ciphers = {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
                         "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
                         "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
  const ClientHello hello = Capture(options);
  // 3DES is skipped (OpenSSL has none); the curve suffix of Windows 8.1 is read.
  EXPECT_EQ(hello.ciphers, (std::vector<std::string>{"TLS_RSA_WITH_AES_128_CBC_SHA",
                                                     "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                                                     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}));
  // The profile's groups and signature algorithms stay.
  EXPECT_EQ(hello.groups, (std::vector<std::string>{"X25519", "P-256", "P-384"}));
  EXPECT_EQ(hello.signature_algorithms, kWindows10Sigalgs);
}

}  // namespace
}  // namespace pushprobe

namespace pushprobe {
namespace {

// Each OpenSSL name of the table is the suite its IANA name says, by
// OpenSSL's own account.
TEST(CipherSuiteTableTest, OpensslNamesAreTheIanaSuites) {
  for (const CipherSuiteName& suite : kSchannelCipherSuites) {
    if (suite.openssl.empty()) continue;
    SCOPED_TRACE(std::string(suite.iana));
    SSL_CTX* ctx = SSL_CTX_new(TLS_method());
    const std::string name(suite.openssl);
    ASSERT_EQ(suite.tls13 ? SSL_CTX_set_ciphersuites(ctx, name.c_str())
                          : SSL_CTX_set_cipher_list(ctx, name.c_str()),
              1);
    bool found = false;
    STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(ctx);
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
      if (SSL_CIPHER_standard_name(sk_SSL_CIPHER_value(ciphers, i)) == suite.iana) found = true;
    }
    EXPECT_TRUE(found);
    SSL_CTX_free(ctx);
  }
  EXPECT_EQ(FindSchannelCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521"),
            FindSchannelCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"));
  EXPECT_EQ(FindSchannelCipherSuite("ECDHE-RSA-AES128-GCM-SHA256"), nullptr);
}

}  // namespace
}  // namespace pushprobe
