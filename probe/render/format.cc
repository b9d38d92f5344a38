#include "probe/render/format.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace pushprobe::render {
namespace {

using Days = std::chrono::duration<std::int64_t, std::ratio<86400>>;

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
  unsigned hour;
  unsigned minute;
  unsigned second;
  std::uint32_t nanos;
};

// Howard Hinnant's days_from_civil inverse; exact for the proleptic Gregorian
// calendar and independent of gmtime() and the TZ environment.
Civil ToCivil(WallTime t) {
  const auto since_epoch = t.time_since_epoch();
  const auto secs = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto sub = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - secs);
  const std::int64_t s = secs.count();
  std::int64_t days = s / 86400;
  std::int64_t rem = s % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  Civil c{};
  c.year = yoe + era * 400 + (m <= 2 ? 1 : 0);
  c.month = static_cast<unsigned>(m);
  c.day = static_cast<unsigned>(d);
  c.hour = static_cast<unsigned>(rem / 3600);
  c.minute = static_cast<unsigned>(rem % 3600 / 60);
  c.second = static_cast<unsigned>(rem % 60);
  c.nanos = static_cast<std::uint32_t>(sub.count());
  return c;
}

std::string FormatCivilDate(const Civil& c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month,
                c.day);
  return buf;
}

}  // namespace

std::string FormatRfc3339(WallTime t, int fraction_digits) {
  fraction_digits = std::clamp(fraction_digits, 0, 9);
  const Civil c = ToCivil(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "T%02u:%02u:%02u", c.hour, c.minute, c.second);
  std::string out = FormatCivilDate(c) + buf;
  if (fraction_digits > 0) {
    std::string frac = std::to_string(c.nanos);
    frac.insert(0, 9 - frac.size(), '0');
    out += '.';
    out += frac.substr(0, static_cast<std::size_t>(fraction_digits));
  }
  out += 'Z';
  return out;
}

std::string FormatDate(WallTime t) { return FormatCivilDate(ToCivil(t)); }

std::string FormatUnixSeconds(WallTime t, int decimals) {
  return FormatSeconds(t.time_since_epoch(), decimals);
}

std::int64_t DaysLeft(WallTime t, WallTime now) {
  return std::chrono::floor<Days>(t - now).count();
}

std::string FormatExpiry(WallTime not_after, WallTime now) {
  const std::int64_t days = DaysLeft(not_after, now);
  const std::string date = FormatDate(not_after);
  if (not_after <= now) {
    const std::int64_t ago = -days;
    if (ago <= 1 && now - not_after < Days{1}) return "expired " + date + " (today)";
    return "expired " + date + " (" + std::to_string(ago) + (ago == 1 ? " day ago)" : " days ago)");
  }
  if (days == 0) return "expires " + date + " (today)";
  return "expires " + date + " (" + std::to_string(days) + (days == 1 ? " day)" : " days)");
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string IndentContinuation(std::string_view s, std::size_t indent) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' || s[i] == '\n') {
      lines.push_back(s.substr(start, i - start));
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  lines.push_back(s.substr(start));
  while (lines.size() > 1 && TrimRight(lines.back()).empty()) lines.pop_back();
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = TrimRight(lines[i]);
    if (i > 0) {
      out += '\n';
      if (!line.empty()) out.append(indent, ' ');
    }
    out += line;
  }
  return out;
}

}  // namespace pushprobe::render
