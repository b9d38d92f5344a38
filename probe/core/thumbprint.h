#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pushprobe {

/// A thumbprint as people paste it, normalised for comparison: separators
/// (spaces, tabs, colons) dropped, upper case, and without the invisible
/// LEFT-TO-RIGHT MARK (U+200E) that Windows' certificate dialog puts in front
/// of a copied thumbprint. Validation (40 hex digits) is the caller's.
inline std::string NormalizeThumbprint(std::string_view text) {
  constexpr std::string_view kLeftToRightMark = "\xE2\x80\x8E";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, kLeftToRightMark.size()) == kLeftToRightMark) {
      i += kLeftToRightMark.size() - 1;
      continue;
    }
    const char c = text[i];
    if (c == ' ' || c == ':' || c == '\t') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

}  // namespace pushprobe
