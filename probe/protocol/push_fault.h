#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/core/expected.h"

namespace pushprobe {

/// \brief The push proxy's PushNotificationFault body (docs/protocol.md 2.7).
struct PushNotificationFault {
  std::string message;
  std::optional<bool> can_retry;
  std::optional<std::int64_t> backoff_ms;
  std::string originating_server;
  std::string inner_message;  ///< InnerFault.Message, when present
};

/// Parses a fault body; an error when the body is not a JSON object with "Message".
Expected<PushNotificationFault> ParsePushFault(std::string_view json);

/// \brief The x-ms-diagnostics header: `<code>;reason="<text>";error_category="<category>"`.
struct MsDiagnostics {
  std::int64_t code = 0;
  std::string reason;
  std::string error_category;
};

Expected<MsDiagnostics> ParseMsDiagnostics(std::string_view header_value);

}  // namespace pushprobe
