#pragma once

#include <chrono>

#include "tests/emulator/http_exchange.h"
#include "tests/emulator/monitoring_batch_validator.h"
#include "tests/emulator/service_identity.h"
#include "tests/emulator/token_signer.h"

namespace pushprobe::emulator {

/// \brief POST /PushNotifications/service.svc/PublishOnPremNotifications
/// (docs/protocol.md 2.4, 2.7).
///
/// Without a bearer token the answer is the 401 challenge. With one: the
/// token (signature, audience, lifetime; 401 with x-ms-diagnostics), then the
/// headers, then the monitoring batch (400 with a PushNotificationFault naming
/// the problem); a correct call gets 200 with an empty body.
class PublishEndpoint {
 public:
  PublishEndpoint(const ServiceIdentity& identity, const TokenSigner& signer);

  /// True when the request carries no bearer token: the discovery call.
  static bool IsChallengeRequest(const Request& request);
  Reply Challenge() const;
  Reply Handle(const Request& request, std::chrono::system_clock::time_point now) const;

 private:
  Reply BadRequest(const Request& request, const std::string& problem) const;

  const ServiceIdentity& identity_;
  const TokenSigner& signer_;
  MonitoringBatchValidator validator_;
};

}  // namespace pushprobe::emulator
