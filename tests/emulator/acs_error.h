#pragma once

#include <chrono>
#include <string>

#include "tests/emulator/http_exchange.h"

namespace pushprobe::emulator {

/// \brief An OAuth error as ACS / Azure AD sends it.
struct AcsError {
  int status = 400;
  std::string error;        ///< "invalid_request", "invalid_client", ...
  std::string description;  ///< first line, e.g. "ACS50012: Authentication failed."
  int code = 0;             ///< for error_codes, 0 to leave it out
  std::string reason;       ///< the emulator's own explanation (X-Emulator-Reason)

  /// The reply: {"error","error_description" (with the Trace ID / Correlation ID /
  /// Timestamp lines), "error_codes", "timestamp", "trace_id", "correlation_id"}.
  Reply ToReply(std::chrono::system_clock::time_point now) const;

  static AcsError AuthenticationFailed(std::string reason);
};

}  // namespace pushprobe::emulator
