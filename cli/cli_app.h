#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "probe/core/clock.h"

namespace pushprobe {

/// Exit statuses of the diagnostics command.
inline constexpr int kExitSucceeded = 0;  ///< every run Succeeded
inline constexpr int kExitFailed = 1;     ///< a run Failed or TimedOut
inline constexpr int kExitUsage = 2;      ///< bad usage or configuration

/// \brief The `pushprobe` diagnostics command, with its streams and clock
/// injected so tests drive it like a user would.
///
/// `args` excludes the program name. Never throws; returns the exit status.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Clock& clock);

}  // namespace pushprobe
