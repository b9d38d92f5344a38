#include "nagios/number_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pushprobe::nagios {
namespace {

// Room for the longest fixed-notation double (about 310 digits for 1e308).
constexpr std::size_t kBufferSize = 400;

std::string NonFinite(double value) {
  if (std::isnan(value)) return "nan";
  return value < 0 ? "-inf" : "inf";
}

std::string NormalizeZero(std::string text) {
  if (text.find_first_not_of("-0.") == std::string::npos) return "0";
  return text;
}

}  // namespace

std::string FormatShortest(double value) {
  if (!std::isfinite(value)) return NonFinite(value);
  char buf[kBufferSize];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc()) return NonFinite(value);
  return NormalizeZero(std::string(buf, end));
}

std::string FormatTrimmed(double value, int max_decimals) {
  if (!std::isfinite(value)) return NonFinite(value);
  max_decimals = std::clamp(max_decimals, 0, 9);
  char buf[kBufferSize];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, max_decimals);
  if (ec != std::errc()) return NonFinite(value);
  std::string text(buf, end);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return NormalizeZero(std::move(text));
}

}  // namespace pushprobe::nagios
