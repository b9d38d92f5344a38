#pragma once

#include <chrono>

namespace pushprobe::emulator {

/// \brief How strictly the token endpoint judges an assertion's lifetime.
struct TokenPolicy {
  /// How far in the future an assertion's nbf may lie (the service's clock-skew allowance).
  std::chrono::seconds skew_tolerance{300};
  /// Longest exp - nbf accepted: Exchange uses 600 s; the rest is leeway for rounding.
  std::chrono::seconds max_assertion_lifetime{660};
  /// expires_in of issued tokens.
  std::chrono::seconds token_lifetime{86399};
};

}  // namespace pushprobe::emulator
