#pragma once

#include <openssl/ssl.h>

#include <vector>

#include "probe/core/http_facts.h"

namespace pushprobe::net_internal {

/// What \p cert says about itself: RFC 2253 subject and issuer, validity, and
/// the uppercase hex SHA-1 thumbprint. Fields OpenSSL cannot produce stay empty.
CertificateFacts FactsOf(X509* cert);

/// The chain \p ssl's peer presented, leaf first; empty when it sent none.
std::vector<CertificateFacts> PeerChainFacts(SSL* ssl);

}  // namespace pushprobe::net_internal
