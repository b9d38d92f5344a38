#pragma once

#include <string>

namespace pushprobe::nagios {

/// \brief Number formatting for plugin output, always in the C locale whatever
/// the process locale (std::to_chars never reads the locale), so perfdata reads
/// "0.031" even under de_DE.

/// The shortest fixed-notation text that reads back to exactly \p value
/// ("10", "0.5", "-2.25"); "-0" is written "0". Infinities and NaN are written
/// "inf", "-inf", "nan" (callers never pass them to perfdata).
std::string FormatShortest(double value);

/// \p value rounded to \p max_decimals decimals (clamped to 0..9), trailing
/// zeros and a trailing "." dropped: FormatTrimmed(0.0312, 3) is "0.031",
/// FormatTrimmed(2.0, 3) is "2".
std::string FormatTrimmed(double value, int max_decimals);

}  // namespace pushprobe::nagios
