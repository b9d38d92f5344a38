#include "probe/net/certificate_facts.h"

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <atomic>
#include <ctime>
#include <memory>

#include "probe/core/openssl_ptr.h"
#include "probe/core/thumbprint.h"
#include "probe/net/http_date.h"

namespace pushprobe::net_internal {
namespace {

std::atomic<std::uint64_t> described{0};

std::string NameToString(const X509_NAME* name) {
  if (name == nullptr) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

WallTime ToWallTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return WallTime{};
  return WallTimeFromUtc(tm).value_or(WallTime{});
}

}  // namespace

CertificateFacts FactsOf(X509* cert) {
  CertificateFacts facts;
  if (cert == nullptr) return facts;
  described.fetch_add(1, std::memory_order_relaxed);
  facts.subject = NameToString(X509_get_subject_name(cert));
  facts.issuer = NameToString(X509_get_issuer_name(cert));
  facts.not_before = ToWallTime(X509_get0_notBefore(cert));
  facts.not_after = ToWallTime(X509_get0_notAfter(cert));
  facts.thumbprint = CertificateThumbprint(cert);
  return facts;
}

std::vector<CertificateFacts> PeerChainFacts(SSL* ssl) {
  std::vector<CertificateFacts> chain;
  // On the client side the peer chain includes the leaf (SSL_get_peer_cert_chain(3)).
  STACK_OF(X509)* certs = SSL_get_peer_cert_chain(ssl);
  if (certs != nullptr) {
    for (int i = 0; i < sk_X509_num(certs); ++i) chain.push_back(FactsOf(sk_X509_value(certs, i)));
  }
  return chain;
}

std::uint64_t CertificatesDescribed() { return described.load(std::memory_order_relaxed); }

}  // namespace pushprobe::net_internal
