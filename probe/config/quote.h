#pragma once

#include <string>
#include <string_view>

namespace pushprobe::config_internal {

/// \brief \p text in double quotes, with '"', '\\' and control characters
/// escaped, so a message shows exactly what the file held (even a stray
/// tab or an empty string).
std::string Quote(std::string_view text);

}  // namespace pushprobe::config_internal
