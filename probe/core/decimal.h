#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "probe/core/expected.h"

namespace pushprobe {

/// \brief Why a text is not a decimal number: each caller words the failure
/// in its own terms (a header, a configuration key, a date field).
enum class DecimalError {
  kEmpty,       ///< no digit at all
  kNotDigit,    ///< a byte other than '0'-'9', a sign or a space included
  kTooLarge,    ///< more than 64 bits, or more than the caller allows
  kDigitCount,  ///< not as many digits as the caller's field takes
};

/// \brief The value of \p text when it is only ASCII digits: no sign, no
/// space, no locale. Leading zeros are allowed. The one digit parser of the
/// probe: callers add their own limits (a number of digits, a maximum, a
/// sign) around it.
inline Expected<std::uint64_t, DecimalError> ParseDecimal(std::string_view text) {
  using Result = Expected<std::uint64_t, DecimalError>;
  if (text.empty()) return Result::Error(DecimalError::kEmpty);
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Result::Error(DecimalError::kNotDigit);
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return Result::Error(DecimalError::kTooLarge);
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace pushprobe
