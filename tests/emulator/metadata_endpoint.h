#pragma once

#include <chrono>
#include <string>

#include "tests/emulator/http_exchange.h"
#include "tests/emulator/service_identity.h"
#include "tests/emulator/token_signer.h"

namespace pushprobe::emulator {

/// \brief GET /metadata/json/1/?realm=<org>: the OAuthS2SV1Metadata document.
///
/// An unknown realm gets 400 with an AADSTS90002 "tenant not found" error, as
/// the real service answers for a domain no tenant owns (a 404 would look like
/// a wrong URL, which is a different mistake).
class MetadataEndpoint {
 public:
  MetadataEndpoint(const ServiceIdentity& identity, const TokenSigner& signer);

  /// The cached document (docs/protocol.md 2.3).
  const std::string& document() const { return document_; }
  Reply Handle(const Request& request, std::chrono::system_clock::time_point now) const;

 private:
  const ServiceIdentity& identity_;
  std::string document_;
};

}  // namespace pushprobe::emulator
