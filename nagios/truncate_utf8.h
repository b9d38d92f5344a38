#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pushprobe::nagios {

/// \brief \p text cut to at most \p max_bytes (at least 3), ending in "..." when
/// cut, never inside a UTF-8 sequence, so a truncated line stays valid UTF-8.
std::string TruncateUtf8(std::string_view text, std::size_t max_bytes);

}  // namespace pushprobe::nagios
