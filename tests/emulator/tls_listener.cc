#include "tests/emulator/tls_listener.h"

#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <openssl/ssl.h>

#include <sstream>

#include "tests/emulator/crypto_util.h"
#include "tests/emulator/request_handler_factory.h"

namespace pushprobe::emulator {

Poco::Net::Context::Ptr TlsListener::MakeContext(const Settings& settings) {
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = false;
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::SERVER_USE, params);
  context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                            Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);

  bool leaf = true;
  for (const auto& block : PemCertificates(settings.cert_pem)) {
    std::istringstream in(block);
    Poco::Crypto::X509Certificate cert(in);
    if (leaf) {
      context->useCertificate(cert);
      leaf = false;
    } else {
      context->addChainCertificate(cert);
    }
  }
  std::istringstream key(settings.key_pem);
  context->usePrivateKey(Poco::Crypto::EVPPKey(nullptr, &key));
  if (!settings.cipher_suites.empty()) {
    SSL_CTX* ctx = context->sslContext();
    const TlsCipherSuites& suites = settings.cipher_suites;
    if ((!suites.tls12.empty() && SSL_CTX_set_cipher_list(ctx, suites.tls12.c_str()) != 1) ||
        SSL_CTX_set_ciphersuites(ctx, suites.tls13.c_str()) != 1) {
      throw Poco::InvalidArgumentException("cipher suites not known to OpenSSL",
                                           suites.tls12 + " / " + suites.tls13);
    }
    // The service decides, as Office 365 does: the first of its own list
    // that the client offers.
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
  if (settings.session_resumption) {
    context->enableSessionCache(true, "pushprobe-emulator");
    context->setSessionTimeout(3600);
  } else {
    context->enableSessionCache(false);
    context->disableStatelessSessionResumption();       // no TLS 1.2 tickets
    SSL_CTX_set_num_tickets(context->sslContext(), 0);  // and no TLS 1.3 ones
  }
  return context;
}

TlsListener::TlsListener(ServiceCore& core, Poco::ThreadPool& pool, const Settings& settings) {
  Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress(settings.address, settings.port),
                                       128, MakeContext(settings));
  port_ = socket.address().port();

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(settings.max_threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setMaxKeepAliveRequests(1000);
  params->setTimeout(Poco::Timespan(static_cast<long>(settings.receive_timeout.count()), 0));
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RequestHandlerFactory(core), pool, socket,
                                                    params);
}

TlsListener::~TlsListener() { Stop(); }

void TlsListener::Start() { server_->start(); }

void TlsListener::Stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->stopAll(true);
}

}  // namespace pushprobe::emulator
