#pragma once

#include <chrono>
#include <string>

#include "tests/emulator/certificate_registry.h"
#include "tests/emulator/fault.h"
#include "tests/emulator/http_exchange.h"
#include "tests/emulator/service_identity.h"
#include "tests/emulator/token_policy.h"
#include "tests/emulator/token_signer.h"

namespace pushprobe::emulator {

/// \brief POST /<tenant>/tokens/OAuth/2: the strict ACS S2S token endpoint (docs/protocol.md 2.5).
///
/// Checks, in the order the service would: form encoding and exactly the three
/// fields; grant type; the assertion's JOSE header; the key by x5t
/// (AADSTS700027 when unregistered or expired); the signature; exactly the
/// claims iss/aud/nbf/exp and their values and time window; the resource.
class TokenEndpoint {
 public:
  TokenEndpoint(const ServiceIdentity& identity, const CertificateRegistry& registry,
                TokenSigner& signer, TokenPolicy policy);

  /// \p fault, when set, is one of the token faults the endpoint itself acts on
  /// (unregistered, expired-registration, skew); others are ignored here.
  Reply Handle(const Request& request, std::chrono::system_clock::time_point now,
               const Fault* fault);

 private:
  Reply Reject(const std::string& error, int status, const std::string& description, int code,
               const std::string& reason, std::chrono::system_clock::time_point now) const;

  const ServiceIdentity& identity_;
  const CertificateRegistry& registry_;
  TokenSigner& signer_;
  TokenPolicy policy_;
};

}  // namespace pushprobe::emulator
