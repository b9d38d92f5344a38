#pragma once

#include <cstdint>
#include <string>

#include "tests/emulator/fault.h"

namespace pushprobe::emulator {

/// \brief Requests an endpoint has seen, by outcome.
///
/// accepted: answered as the real service answers a correct request (for the
/// challenge stage that is the 401 challenge itself); rejected: the request
/// broke the protocol and got the service's error; faulted: an injected fault
/// decided the answer.
struct EndpointStats {
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t faulted = 0;
  std::uint64_t total() const { return accepted + rejected + faulted; }
};

/// \brief A snapshot of the emulator's counters.
struct Stats {
  EndpointStats metadata;
  EndpointStats challenge;
  EndpointStats token;
  EndpointStats publish;
  std::uint64_t unknown = 0;  ///< requests for paths no service serves (404)
  std::uint64_t waiting = 0;  ///< requests a slow fault is holding right now

  const EndpointStats& of(Stage stage) const;
  /// {"metadata":{"accepted":..,"rejected":..,"faulted":..},...,"unknown":..}
  std::string ToJson() const;
};

}  // namespace pushprobe::emulator
