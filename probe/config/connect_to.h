#pragma once

#include <string>
#include <string_view>

#include "probe/core/expected.h"
#include "probe/core/target_config.h"

namespace pushprobe {

/// \brief Parses one curl --connect-to rule, HOST:PORT:CONNECT_HOST:CONNECT_PORT.
///
/// IPv6 addresses go in brackets ("[::1]") and are stored without them. Any
/// field may be empty (an empty HOST or PORT matches any; an empty
/// CONNECT_HOST or CONNECT_PORT keeps the original), but not both connect
/// fields, since such a rule would change nothing. Ports are 1..65535.
/// Never throws; errors read `invalid connect_to "TEXT": REASON`.
Expected<ConnectTo> ParseConnectTo(std::string_view text);

/// \brief The rule in the syntax ParseConnectTo reads, IPv6 hosts in brackets
/// and zero ports as empty fields.
std::string FormatConnectTo(const ConnectTo& rule);

}  // namespace pushprobe
