#pragma once

#include <string>
#include <string_view>
#include "probe/core/expected.h"

namespace pushprobe::nagios {

/// \brief A threshold range in the Nagios plugin syntax
/// (https://www.monitoring-plugins.org/doc/guidelines.html#THRESHOLDFORMAT).
///
/// | text      | alerts when the value is          |
/// |-----------|-----------------------------------|
/// | `10`      | < 0 or > 10                       |
/// | `10:`     | < 10                              |
/// | `~:10`    | > 10                              |
/// | `10:20`   | < 10 or > 20                      |
/// | `@10:20`  | >= 10 and <= 20                   |
///
/// Ends are inclusive: the value 10 does not alert for `10` nor for `10:20`,
/// and alerts for `@10:20`.
struct NagiosRange {
  double start = 0;
  bool start_infinite = false;  ///< "~": no lower bound
  double end = 0;
  bool end_infinite = false;  ///< "N:": no upper bound
  bool alert_inside = false;  ///< "@": alert inside the range instead of outside

  /// Whether \p value is in the alert region.
  bool Alerts(double value) const;
  /// The canonical text, which ParseNagiosRange reads back to an equal range;
  /// numbers in the C locale, shortest form ("@~:0.5", "10", "10:").
  std::string ToString() const;

  friend bool operator==(const NagiosRange& a, const NagiosRange& b) {
    return a.start == b.start && a.start_infinite == b.start_infinite && a.end == b.end &&
           a.end_infinite == b.end_infinite && a.alert_inside == b.alert_inside;
  }
};

/// \brief Why a range text was refused; each has one fixed message form.
enum class RangeError {
  kNone,
  kEmpty,          ///< `range is empty`
  kNoNumber,       ///< `no number in range` (":", "@", "@:")
  kTooManyColons,  ///< `more than one ":"`
  kBadStart,       ///< `start "X" is not a number`
  kBadEnd,         ///< `end "X" is not a number`, or `"X" is not a number` without ":"
  kInfiniteEnd,    ///< `"~" (negative infinity) is only allowed as the start`
  kTildeAlone,     ///< `"~" must be followed by ":" and an end, as in "~:10"`
  kOutOfRange,     ///< `"X" is too large`
  kStartAfterEnd,  ///< `start X is greater than end Y`
};

/// \brief Why ParseNagiosRange refused a text: the code, and its message.
struct RangeFailure {
  RangeError code = RangeError::kNone;  ///< kNone only in a successful result's error()
  /// `invalid range "TEXT": REASON`.
  std::string message;
};

/// \brief The typed outcome of ParseNagiosRange: a range, or why not.
using RangeParseResult = Expected<NagiosRange, RangeFailure>;

/// \brief Parses a range. Numbers are decimal with an optional sign and
/// fraction (`-1`, `+2.5`, `.5`, `3.`), read the same in every locale;
/// exponents, "inf" and "nan" are refused. Surrounding spaces are not allowed.
/// Never throws.
RangeParseResult ParseNagiosRange(std::string_view text);

}  // namespace pushprobe::nagios
