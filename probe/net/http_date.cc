#include "probe/net/http_date.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "probe/core/ascii.h"
#include "probe/core/decimal.h"

namespace pushprobe::net_internal {
namespace {

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar
// and free of timegm/TZ, which vary between C libraries.
long long DaysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

int MonthIndex(std::string_view token) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (EqualsIgnoreCaseAscii(token, kMonths[i])) return static_cast<int>(i);
  }
  return -1;
}

// A field of \p min_digits to \p max_digits (at most 9) decimal digits.
Expected<int, DecimalError> ParseNumber(std::string_view s, std::size_t min_digits,
                                        std::size_t max_digits) {
  using Result = Expected<int, DecimalError>;
  if (s.size() < min_digits || s.size() > max_digits) {
    return Result::Error(DecimalError::kDigitCount);
  }
  const Expected<std::uint64_t, DecimalError> value = ParseDecimal(s);
  if (!value) return Result::Error(value.error());
  return static_cast<int>(*value);
}

// "hh:mm:ss", two digits each; WallTimeFromUtc checks their ranges.
struct TimeOfDay {
  int hour = 0;
  int minute = 0;
  int second = 0;
};

Expected<TimeOfDay, DecimalError> ParseClock(std::string_view s) {
  using Result = Expected<TimeOfDay, DecimalError>;
  if (s.size() != 8) return Result::Error(DecimalError::kDigitCount);
  if (s[2] != ':' || s[5] != ':') return Result::Error(DecimalError::kNotDigit);
  const Expected<int, DecimalError> hour = ParseNumber(s.substr(0, 2), 2, 2);
  const Expected<int, DecimalError> minute = ParseNumber(s.substr(3, 2), 2, 2);
  const Expected<int, DecimalError> second = ParseNumber(s.substr(6, 2), 2, 2);
  if (!hour) return Result::Error(hour.error());
  if (!minute) return Result::Error(minute.error());
  if (!second) return Result::Error(second.error());
  return TimeOfDay{*hour, *minute, *second};
}

void SetTimeOfDay(const TimeOfDay& time, std::tm* tm) {
  tm->tm_hour = time.hour;
  tm->tm_min = time.minute;
  tm->tm_sec = time.second;
}

bool IsAlpha(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<WallTime> WallTimeFromUtc(const std::tm& tm) {
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
      tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  const long long days = DaysFromCivil(tm.tm_year + 1900LL, static_cast<unsigned>(tm.tm_mon + 1),
                                       static_cast<unsigned>(tm.tm_mday));
  const long long seconds = days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  return WallTime{std::chrono::seconds{seconds}};
}

std::optional<WallTime> ParseHttpDate(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == ',' || text[i] == '-' || text[i] == '\t')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '-' &&
           text[i] != '\t') {
      ++i;
    }
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  if (tokens.empty() || !IsAlpha(tokens[0]) || MonthIndex(tokens[0]) >= 0) return std::nullopt;
  tokens.erase(tokens.begin());  // the weekday, redundant
  std::tm tm{};
  int year = 0;
  if (tokens.size() == 4 && MonthIndex(tokens[0]) >= 0) {
    // asctime: Nov 6 08:49:37 1994
    tm.tm_mon = MonthIndex(tokens[0]);
    const Expected<int, DecimalError> day = ParseNumber(tokens[1], 1, 2);
    const Expected<TimeOfDay, DecimalError> time = ParseClock(tokens[2]);
    const Expected<int, DecimalError> full_year = ParseNumber(tokens[3], 4, 4);
    if (!day || !time || !full_year) return std::nullopt;
    tm.tm_mday = *day;
    SetTimeOfDay(*time, &tm);
    year = *full_year;
  } else if (tokens.size() == 5) {
    // IMF-fixdate: 06 Nov 1994 08:49:37 GMT; RFC 850: 06-Nov-94 08:49:37 GMT
    tm.tm_mon = MonthIndex(tokens[1]);
    const Expected<int, DecimalError> day = ParseNumber(tokens[0], 1, 2);
    const Expected<int, DecimalError> any_year = ParseNumber(tokens[2], 2, 4);
    const Expected<TimeOfDay, DecimalError> time = ParseClock(tokens[3]);
    if (tm.tm_mon < 0 || !day || !any_year || !time ||
        !(EqualsIgnoreCaseAscii(tokens[4], "GMT") || EqualsIgnoreCaseAscii(tokens[4], "UTC"))) {
      return std::nullopt;
    }
    tm.tm_mday = *day;
    SetTimeOfDay(*time, &tm);
    year = *any_year;
    // RFC 7231 reads two-digit years as the nearest century; 70 is the
    // customary pivot for dates a server sends about "now".
    if (tokens[2].size() == 2) year += year < 70 ? 2000 : 1900;
    if (tokens[2].size() == 3) return std::nullopt;
  } else {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  return WallTimeFromUtc(tm);
}

}  // namespace pushprobe::net_internal
