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

/// The configuration file the packages install, used when --config is not given.
inline constexpr const char* kDefaultConfigPath = "/etc/pushprobe/pushprobe.yml";

/// \brief What the command learns from its surroundings (main fills it in;
/// tests choose it).
struct CliEnvironment {
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  bool no_color = false;  ///< NO_COLOR is set and not empty (no-color.org)
  /// Used when --config is not given and this file exists.
  std::string default_config = kDefaultConfigPath;
};

/// \brief The `pushprobe` diagnostics command, with its streams, clock and
/// environment injected so tests drive it like a user would.
///
/// On a terminal (stdout and stderr both TTYs, format not json) `run` shows
/// each stage on stderr as it starts and ends; colours follow
/// --color=auto|always|never (auto: stdout is a TTY and NO_COLOR is not set).
/// `args` excludes the program name. Never throws; returns the exit status.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Clock& clock, const CliEnvironment& environment = {});

}  // namespace pushprobe
