#include "exporters/tls_server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <vector>

#include "probe/core/openssl_ptr.h"

namespace pushprobe::exporter {

namespace {

using Result = Expected<std::shared_ptr<SSL_CTX>>;

// The last OpenSSL error of this thread, cleared; its text never holds key bytes.
std::string OpenSslError() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// Never ask for a key's password: a daemon has no terminal to prompt on.
int NoPassword(char*, int, int, void*) { return -1; }

// Accepts whatever certificate the client sends: RequestClientCert and
// RequireAnyClientCert ask for one without judging it, as Go does.
int AcceptAny(int, X509_STORE_CTX*) { return 1; }

struct Pem {
  std::string text;
  std::string name;  ///< "cert_file /path" or "cert" (inline), for messages
};

Expected<Pem> ReadPem(const std::string& file, const std::string& inline_pem,
                      const std::string& key) {
  if (file.empty()) return Pem{inline_pem, key};
  Expected<std::string> text = ReadSmallFile(file, kMaxWebConfigBytes, key + "_file");
  if (!text) return Expected<Pem>::Error(text.error());
  return Pem{std::move(text).value(), key + "_file " + file};
}

std::vector<X509Ptr> Certificates(const std::string& pem) {
  std::vector<X509Ptr> certs;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return certs;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr)) {
    certs.emplace_back(x);
  }
  ERR_clear_error();  // the end of the input reads as an error
  return certs;
}

int VerifyMode(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::kNoClientCert:
      return SSL_VERIFY_NONE;
    case ClientAuth::kRequestClientCert:
    case ClientAuth::kVerifyClientCertIfGiven:
      return SSL_VERIFY_PEER;
    case ClientAuth::kRequireAnyClientCert:
    case ClientAuth::kRequireAndVerifyClientCert:
      return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  return SSL_VERIFY_NONE;
}

}  // namespace

Expected<std::shared_ptr<SSL_CTX>> BuildTlsServerContext(const WebTlsConfig& tls) {
  ERR_clear_error();
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return Result::Error("cannot create a TLS context: " + OpenSslError());
  SSL_CTX* c = ctx.get();
  if (SSL_CTX_set_min_proto_version(c, tls.min_version) != 1 ||
      SSL_CTX_set_max_proto_version(c, tls.max_version) != 1) {
    return Result::Error("tls_server_config: TLS versions not supported: " + OpenSslError());
  }
  if (!tls.cipher_list.empty() && SSL_CTX_set_cipher_list(c, tls.cipher_list.c_str()) != 1) {
    return Result::Error("tls_server_config.cipher_suites: " + OpenSslError());
  }
  if (!tls.tls13_ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(c, tls.tls13_ciphersuites.c_str()) != 1) {
    return Result::Error("tls_server_config.cipher_suites: " + OpenSslError());
  }
  if (!tls.groups.empty() && SSL_CTX_set1_groups_list(c, tls.groups.c_str()) != 1) {
    return Result::Error("tls_server_config.curve_preferences: " + OpenSslError());
  }
  long options = SSL_OP_NO_RENEGOTIATION;
  if (tls.prefer_server_cipher_suites) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(c, options);
  SSL_CTX_set_default_passwd_cb(c, NoPassword);

  Expected<Pem> cert = ReadPem(tls.cert_file, tls.cert_pem, "cert");
  if (!cert) return Result::Error(cert.error());
  std::vector<X509Ptr> chain = Certificates(cert->text);
  if (chain.empty()) {
    return Result::Error("cannot load " + cert->name + ": no PEM certificate in it");
  }
  if (SSL_CTX_use_certificate(c, chain.front().get()) != 1) {
    return Result::Error("cannot use " + cert->name + ": " + OpenSslError());
  }
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(c, chain[i].get()) != 1) {
      return Result::Error("cannot use the chain in " + cert->name + ": " + OpenSslError());
    }
  }

  Expected<Pem> key = ReadPem(tls.key_file, tls.key_pem, "key");
  if (!key) return Result::Error(key.error());
  {
    BioPtr bio(BIO_new_mem_buf(key->text.data(), static_cast<int>(key->text.size())));
    PkeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
    if (!pkey) {
      ERR_clear_error();
      return Result::Error("cannot load " + key->name +
                           ": not an unencrypted PEM private key (encrypted keys need a "
                           "password, which a web config cannot give)");
    }
    if (SSL_CTX_use_PrivateKey(c, pkey.get()) != 1 || SSL_CTX_check_private_key(c) != 1) {
      ERR_clear_error();
      return Result::Error(key->name + " does not match " + cert->name);
    }
  }

  const bool has_ca = !tls.client_ca_file.empty() || !tls.client_ca_pem.empty();
  if (has_ca) {
    Expected<Pem> ca = ReadPem(tls.client_ca_file, tls.client_ca_pem, "client_ca");
    if (!ca) return Result::Error(ca.error());
    std::vector<X509Ptr> cas = Certificates(ca->text);
    if (cas.empty()) return Result::Error("cannot load " + ca->name + ": no PEM certificate in it");
    X509_STORE* store = SSL_CTX_get_cert_store(c);
    for (const X509Ptr& x : cas) {
      if (X509_STORE_add_cert(store, x.get()) != 1 || SSL_CTX_add_client_CA(c, x.get()) != 1) {
        return Result::Error("cannot use " + ca->name + ": " + OpenSslError());
      }
    }
  }
  const bool verify = tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                      tls.client_auth == ClientAuth::kRequireAndVerifyClientCert;
  SSL_CTX_set_verify(c, VerifyMode(tls.client_auth), verify ? nullptr : AcceptAny);

  // Sessions resumed with a client certificate need an id context, else
  // OpenSSL fails the resumed handshake.
  static const unsigned char kSessionContext[] = "pushprobe-exporter";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

}  // namespace pushprobe::exporter
