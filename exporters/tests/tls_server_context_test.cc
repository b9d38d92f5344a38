#include "exporters/tls_server_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "probe/core/openssl_ptr.h"
#include "tests/support/test_pki.h"

namespace pushprobe::exporter {
namespace {

using pushprobe::testing::CertSpec;
using pushprobe::testing::IssuedCert;
using pushprobe::testing::TestCa;

struct Handshake {
  bool ok = false;
  std::string cipher;
  std::string peer_subject;  ///< the client certificate the server saw, if any
};

// Runs a TLS handshake between a client and a server SSL joined by memory
// BIOs, in this thread: no sockets, no timing.
Handshake Shake(SSL_CTX* server_ctx, const IssuedCert* client_cert = nullptr,
                const char* client_ciphers = nullptr, int client_max = 0) {
  SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (client_ciphers) SSL_CTX_set_cipher_list(client_ctx.get(), client_ciphers);
  if (client_max) SSL_CTX_set_max_proto_version(client_ctx.get(), client_max);
  if (client_cert) {
    BIO* c = BIO_new_mem_buf(client_cert->cert_pem.data(), -1);
    X509* x = PEM_read_bio_X509(c, nullptr, nullptr, nullptr);
    BIO_free(c);
    BIO* k = BIO_new_mem_buf(client_cert->key_pem.data(), -1);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(k, nullptr, nullptr, nullptr);
    BIO_free(k);
    SSL_CTX_use_certificate(client_ctx.get(), x);
    SSL_CTX_use_PrivateKey(client_ctx.get(), key);
    X509_free(x);
    EVP_PKEY_free(key);
  }
  SslPtr client(SSL_new(client_ctx.get()));
  SslPtr server(SSL_new(server_ctx));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  Handshake h;
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 20 && !(client_done && server_done); ++round) {
    if (!client_done) {
      int r = SSL_do_handshake(client.get());
      if (r == 1)
        client_done = true;
      else if (SSL_get_error(client.get(), r) != SSL_ERROR_WANT_READ)
        break;
    }
    if (!server_done) {
      int r = SSL_do_handshake(server.get());
      if (r == 1)
        server_done = true;
      else if (SSL_get_error(server.get(), r) != SSL_ERROR_WANT_READ)
        break;
    }
  }
  // TLS 1.3 clients finish before the server has judged their certificate:
  // the server's own verdict is the one that counts.
  h.ok = server_done;
  if (server_done) {
    h.cipher = SSL_CIPHER_standard_name(SSL_get_current_cipher(server.get()));
    if (X509* peer = SSL_get1_peer_certificate(server.get())) {
      char name[256];
      X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name);
      h.peer_subject = name;
      X509_free(peer);
    }
  }
  ERR_clear_error();
  return h;
}

class TlsServerContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ca_ = new TestCa(TestCa::Create("server CA"));
    client_ca_ = new TestCa(TestCa::Create("client CA"));
    CertSpec spec;
    spec.ip_addresses = {"127.0.0.1"};
    server_ = new IssuedCert(server_ca_->Issue(spec));
    CertSpec client;
    client.common_name = "prometheus";
    client_ = new IssuedCert(client_ca_->Issue(client));
    stranger_ = new IssuedCert(server_ca_->Issue(client));  // right name, wrong CA
  }
  static void TearDownTestSuite() {
    delete server_ca_;
    delete client_ca_;
    delete server_;
    delete client_;
    delete stranger_;
  }

  WebTlsConfig Base() const {
    WebTlsConfig tls;
    tls.cert_pem = server_->cert_pem + server_ca_->root().cert_pem;
    tls.key_pem = server_->key_pem;
    tls.min_version = TLS1_2_VERSION;
    tls.max_version = TLS1_3_VERSION;
    return tls;
  }

  static TestCa* server_ca_;
  static TestCa* client_ca_;
  static IssuedCert* server_;
  static IssuedCert* client_;
  static IssuedCert* stranger_;
};
TestCa* TlsServerContextTest::server_ca_ = nullptr;
TestCa* TlsServerContextTest::client_ca_ = nullptr;
IssuedCert* TlsServerContextTest::server_ = nullptr;
IssuedCert* TlsServerContextTest::client_ = nullptr;
IssuedCert* TlsServerContextTest::stranger_ = nullptr;

TEST_F(TlsServerContextTest, ServesItsCertificate) {
  auto ctx = BuildTlsServerContext(Base());
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  Handshake h = Shake(ctx.value().get());
  EXPECT_TRUE(h.ok);
  EXPECT_TRUE(h.peer_subject.empty());
}

TEST_F(TlsServerContextTest, RequireAndVerifyClientCertRefusesNoneAndStrangersAcceptsTheCasOwn) {
  WebTlsConfig tls = Base();
  tls.client_auth = ClientAuth::kRequireAndVerifyClientCert;
  tls.client_ca_pem = client_ca_->root().cert_pem;
  auto ctx = BuildTlsServerContext(tls);
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    EXPECT_FALSE(Shake(ctx.value().get(), nullptr, nullptr, version).ok) << version;
    EXPECT_FALSE(Shake(ctx.value().get(), stranger_, nullptr, version).ok) << version;
    Handshake h = Shake(ctx.value().get(), client_, nullptr, version);
    EXPECT_TRUE(h.ok) << version;
    EXPECT_NE(h.peer_subject.find("CN=prometheus"), std::string::npos) << h.peer_subject;
  }
}

TEST_F(TlsServerContextTest, OtherClientAuthTypesBehaveAsGosDo) {
  WebTlsConfig tls = Base();
  tls.client_ca_pem = client_ca_->root().cert_pem;
  tls.client_auth = ClientAuth::kVerifyClientCertIfGiven;
  auto verify_if_given = BuildTlsServerContext(tls);
  ASSERT_TRUE(verify_if_given.ok()) << verify_if_given.error();
  EXPECT_TRUE(Shake(verify_if_given.value().get()).ok);
  EXPECT_TRUE(Shake(verify_if_given.value().get(), client_).ok);
  EXPECT_FALSE(Shake(verify_if_given.value().get(), stranger_).ok);

  tls.client_auth = ClientAuth::kRequireAnyClientCert;
  auto require_any = BuildTlsServerContext(tls);
  ASSERT_TRUE(require_any.ok());
  EXPECT_FALSE(Shake(require_any.value().get()).ok);
  EXPECT_TRUE(Shake(require_any.value().get(), stranger_).ok);

  tls.client_auth = ClientAuth::kRequestClientCert;
  auto request = BuildTlsServerContext(tls);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(Shake(request.value().get()).ok);
  Handshake h = Shake(request.value().get(), stranger_);
  EXPECT_TRUE(h.ok);
  EXPECT_FALSE(h.peer_subject.empty());
}

TEST_F(TlsServerContextTest, VersionsAndCipherSuitesAreHonoured) {
  WebTlsConfig tls = Base();
  tls.max_version = TLS1_2_VERSION;
  tls.cipher_list = "ECDHE-RSA-AES256-GCM-SHA384";
  auto ctx = BuildTlsServerContext(tls);
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  Handshake h = Shake(ctx.value().get());
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(h.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  EXPECT_FALSE(Shake(ctx.value().get(), nullptr, "ECDHE-RSA-AES128-GCM-SHA256").ok);

  tls = Base();
  tls.min_version = TLS1_3_VERSION;
  tls.tls13_ciphersuites = "TLS_CHACHA20_POLY1305_SHA256";
  auto only13 = BuildTlsServerContext(tls);
  ASSERT_TRUE(only13.ok()) << only13.error();
  EXPECT_FALSE(Shake(only13.value().get(), nullptr, nullptr, TLS1_2_VERSION).ok);
  Handshake h13 = Shake(only13.value().get());
  ASSERT_TRUE(h13.ok);
  EXPECT_EQ(h13.cipher, "TLS_CHACHA20_POLY1305_SHA256");
}

TEST_F(TlsServerContextTest, BadFilesGiveClearErrorsWithoutKeyMaterial) {
  WebTlsConfig tls = Base();
  tls.key_pem = TestCa::Create("other").root().key_pem;
  auto mismatch = BuildTlsServerContext(tls);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error(), "key does not match cert");

  tls = Base();
  tls.key_pem = server_->EncryptedKeyPem("pw");
  auto encrypted = BuildTlsServerContext(tls);  // must not prompt on a terminal
  ASSERT_FALSE(encrypted.ok());
  EXPECT_EQ(encrypted.error(),
            "cannot load key: not an unencrypted PEM private key (encrypted keys need a "
            "password, which a web config cannot give)");

  tls = Base();
  tls.cert_pem = "not a certificate";
  auto garbage = BuildTlsServerContext(tls);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error(), "cannot load cert: no PEM certificate in it");

  tls = Base();
  tls.cert_pem.clear();
  tls.cert_file = "/nonexistent/server.crt";
  auto missing = BuildTlsServerContext(tls);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(),
            "cannot read cert_file /nonexistent/server.crt: No such file or directory");

  tls = Base();
  tls.client_auth = ClientAuth::kRequireAndVerifyClientCert;
  tls.client_ca_pem = "empty";
  auto no_ca = BuildTlsServerContext(tls);
  ASSERT_FALSE(no_ca.ok());
  EXPECT_EQ(no_ca.error(), "cannot load client_ca: no PEM certificate in it");

  for (const auto* r : {&mismatch, &encrypted, &garbage, &missing, &no_ca}) {
    EXPECT_EQ(r->error().find("PRIVATE KEY"), std::string::npos) << r->error();
  }
}

}  // namespace
}  // namespace pushprobe::exporter
