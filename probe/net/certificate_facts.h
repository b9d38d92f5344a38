#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <vector>

#include "probe/core/http_facts.h"

namespace pushprobe::net_internal {

/// What \p cert says about itself: RFC 2253 subject and issuer, validity, and
/// the uppercase hex SHA-1 thumbprint. Fields OpenSSL cannot produce stay empty.
CertificateFacts FactsOf(X509* cert);

/// The chain \p ssl's peer presented, leaf first; empty when it sent none.
std::vector<CertificateFacts> PeerChainFacts(SSL* ssl);

/// Certificates FactsOf has described in this process so far (for tests: a
/// resumed session's chain is not described again).
std::uint64_t CertificatesDescribed();

}  // namespace pushprobe::net_internal
