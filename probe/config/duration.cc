#include "probe/config/duration.h"

#include <array>
#include <cstdint>
#include <limits>

#include "probe/core/quote_text.h"

namespace pushprobe {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t nanos;
};

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSecond = 1000 * kMs;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kWeek = 7 * kDay;
constexpr std::int64_t kYear = 365 * kDay;

// Largest first: the order ParseDuration demands and FormatDuration writes.
constexpr std::array<Unit, 7> kUnits = {{{"y", kYear},
                                         {"w", kWeek},
                                         {"d", kDay},
                                         {"h", kHour},
                                         {"m", kMinute},
                                         {"s", kSecond},
                                         {"ms", kMs}}};

constexpr std::string_view kUnitList = "ms, s, m, h, d, w or y";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

Expected<Duration> ParseDuration(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return Expected<Duration>::Error("invalid duration " + QuoteExcerpt(text) + ": " + why);
  };
  if (text.empty()) return fail("empty");
  if (text == "0") return Duration::zero();

  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index into kUnits of the largest unit still allowed
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t digits_begin = i;
    std::int64_t number = 0;
    bool too_long = false;
    while (i < text.size() && IsDigit(text[i])) {
      int digit = text[i] - '0';
      if (number > (kMax - digit) / 10) too_long = true;
      if (!too_long) number = number * 10 + digit;
      ++i;
    }
    if (i == digits_begin) return fail("expected a number, got " + QuoteExcerpt(text.substr(i)));
    std::string_view digits = text.substr(digits_begin, i - digits_begin);
    std::size_t unit_begin = i;
    while (i < text.size() && IsLetter(text[i])) ++i;
    std::string_view unit = text.substr(unit_begin, i - unit_begin);
    if (unit.empty()) {
      if (i < text.size() && text[i] == '.') {
        return fail("fractions are not supported; combine units instead, like \"1m30s\"");
      }
      return fail("missing unit after " + QuoteExcerpt(digits) + " (use " + std::string(kUnitList) +
                  ")");
    }
    std::size_t index = 0;
    while (index < kUnits.size() && kUnits[index].name != unit) ++index;
    if (index == kUnits.size()) {
      return fail("unknown unit " + QuoteExcerpt(unit) + " (use " + std::string(kUnitList) + ")");
    }
    if (index < next_unit) return fail("units must go from largest to smallest, each at most once");
    next_unit = index + 1;
    std::int64_t scale = kUnits[index].nanos;
    if (too_long || number > (kMax - total) / scale) return fail("too long");
    total += number * scale;
  }
  return Duration(total);
}

std::string FormatDuration(Duration d) {
  std::int64_t ns = d.count();
  std::string out;
  // Work on the magnitude as unsigned so the most negative value has a
  // representable absolute value.
  std::uint64_t left = static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out = "-";
    left = 0 - left;
  }
  for (const Unit& unit : kUnits) {
    std::uint64_t scale = static_cast<std::uint64_t>(unit.nanos);
    if (left >= scale) {
      out += std::to_string(left / scale);
      out += unit.name;
      left %= scale;
    }
  }
  if (out.empty() || out == "-") return "0s";
  return out;
}

}  // namespace pushprobe
