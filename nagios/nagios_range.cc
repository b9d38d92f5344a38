#include "nagios/nagios_range.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "nagios/number_format.h"
#include "probe/core/quote_text.h"

namespace pushprobe::nagios {
namespace {

// The guidelines' number grammar: sign, digits, optional fraction. std::from_chars
// alone would also take exponents, "inf" and "nan", which no plugin accepts.
bool IsDecimal(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool digits = false;
  bool dot = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

enum class NumberStatus { kOk, kNotANumber, kTooLarge };

NumberStatus ReadNumber(std::string_view s, double& out) {
  if (!IsDecimal(s)) return NumberStatus::kNotANumber;
  // from_chars refuses a leading '+'.
  if (s[0] == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range || !std::isfinite(out)) return NumberStatus::kTooLarge;
  if (ec != std::errc() || ptr != s.data() + s.size()) return NumberStatus::kNotANumber;
  return NumberStatus::kOk;
}

RangeParseResult Failure(std::string_view text, RangeError error, const std::string& reason) {
  return RangeParseResult::Error({error, "invalid range " + QuoteExcerpt(text) + ": " + reason});
}

}  // namespace

bool NagiosRange::Alerts(double value) const {
  bool above_start = start_infinite || value >= start;
  bool below_end = end_infinite || value <= end;
  bool inside = above_start && below_end;
  return alert_inside ? inside : !inside;
}

std::string NagiosRange::ToString() const {
  std::string text = alert_inside ? "@" : "";
  if (start_infinite) {
    text += "~:";
  } else if (start != 0 || end_infinite) {
    text += FormatShortest(start) + ":";
  }
  if (!end_infinite) text += FormatShortest(end);
  return text;
}

RangeParseResult ParseNagiosRange(std::string_view text) {
  if (text.empty()) return Failure(text, RangeError::kEmpty, "range is empty");
  NagiosRange range;
  std::string_view rest = text;
  if (rest[0] == '@') {
    range.alert_inside = true;
    rest.remove_prefix(1);
  }
  std::string_view start_text;
  std::string_view end_text = rest;
  bool has_colon = false;
  if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    if (rest.find(':', colon + 1) != std::string_view::npos) {
      return Failure(text, RangeError::kTooManyColons, "more than one \":\"");
    }
    has_colon = true;
    start_text = rest.substr(0, colon);
    end_text = rest.substr(colon + 1);
  }
  if (start_text.empty() && end_text.empty()) {
    return Failure(text, RangeError::kNoNumber, "no number in range");
  }
  if (end_text == "~") {
    if (!has_colon) {
      return Failure(text, RangeError::kTildeAlone,
                     "\"~\" must be followed by \":\" and an end, as in \"~:10\"");
    }
    return Failure(text, RangeError::kInfiniteEnd,
                   "\"~\" (negative infinity) is only allowed as the start");
  }

  if (start_text == "~") {
    range.start_infinite = true;
  } else if (!start_text.empty()) {
    switch (ReadNumber(start_text, range.start)) {
      case NumberStatus::kOk:
        break;
      case NumberStatus::kNotANumber:
        return Failure(text, RangeError::kBadStart,
                       "start " + QuoteExcerpt(start_text) + " is not a number");
      case NumberStatus::kTooLarge:
        return Failure(text, RangeError::kOutOfRange, QuoteExcerpt(start_text) + " is too large");
    }
  }
  // An omitted start is 0, as in the guidelines ("10" and ":10" both mean 0..10).
  if (end_text.empty()) {
    range.end_infinite = true;
  } else {
    switch (ReadNumber(end_text, range.end)) {
      case NumberStatus::kOk:
        break;
      case NumberStatus::kNotANumber:
        return Failure(text, RangeError::kBadEnd,
                       (has_colon ? "end " : "") + QuoteExcerpt(end_text) + " is not a number");
      case NumberStatus::kTooLarge:
        return Failure(text, RangeError::kOutOfRange, QuoteExcerpt(end_text) + " is too large");
    }
  }
  if (!range.start_infinite && !range.end_infinite && range.start > range.end) {
    return Failure(text, RangeError::kStartAfterEnd,
                   "start " + FormatShortest(range.start) + " is greater than end " +
                       FormatShortest(range.end));
  }
  return range;
}

}  // namespace pushprobe::nagios
