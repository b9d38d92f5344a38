#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pushprobe {

/// The text up to its first line break (CR or LF); all of it when it has none.
/// Servers append trace ids and timestamps on further lines (ACS does), which
/// one-line reports leave out.
inline std::string_view FirstLine(std::string_view text) {
  return text.substr(0, text.find_first_of("\r\n"));
}

/// FirstLine cut to \p max characters, with "..." when it was cut.
inline std::string FirstLineCapped(std::string_view text, std::size_t max) {
  std::string line(FirstLine(text));
  if (line.size() > max) {
    line.resize(max);
    line += "...";
  }
  return line;
}

}  // namespace pushprobe
