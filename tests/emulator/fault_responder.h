#pragma once

#include <chrono>
#include <optional>

#include "tests/emulator/fault.h"
#include "tests/emulator/http_exchange.h"
#include "tests/emulator/service_identity.h"

namespace pushprobe::emulator {

/// \brief Builds the answer of a fault that replaces the service's answer
/// (status, redirect, malformed, oversized, challenge variants, diagnostics,
/// oauth-error).
class FaultResponder {
 public:
  explicit FaultResponder(const ServiceIdentity& identity) : identity_(identity) {}

  /// std::nullopt for faults that act on the transport (slow, reset, truncated)
  /// or inside the token endpoint (unregistered, expired-registration, skew).
  std::optional<Reply> Respond(const Fault& fault, std::chrono::system_clock::time_point now) const;

 private:
  Reply DefaultStatusReply(const Fault& fault, std::chrono::system_clock::time_point now) const;

  const ServiceIdentity& identity_;
};

}  // namespace pushprobe::emulator
