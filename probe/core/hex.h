#pragma once

#include <string>
#include <string_view>

namespace pushprobe {

/// Uppercase hex of raw bytes, as Exchange and Windows print thumbprints.
inline std::string HexUpper(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace pushprobe
