#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "nagios/plugin_options.h"
#include "nagios/plugin_state.h"
#include "probe/core/clock.h"
#include "probe/core/deadline.h"
#include "probe/core/expected.h"
#include "probe/core/target_config.h"

namespace pushprobe::nagios {

/// \brief Called once the run's deadline is known, just before the check
/// starts, with that deadline and the --timeout-result state. main() arms a
/// process watchdog with it; tests leave it empty.
using WatchdogArm = std::function<void(Duration budget, State timeout_state)>;

/// \brief The check_exchange_push plugin: parses \p args (without the program
/// name), runs the check once, prints the plugin output to \p out and returns
/// the exit status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
///
/// Bad arguments, an unreadable or invalid configuration, an unknown target and
/// internal errors print "EXCHANGE PUSH UNKNOWN - <what exactly is wrong>" to
/// \p out (usage hints go to \p err) and return 3. -h/--help and -V/--version
/// print to \p out and return 3, as monitoring-plugins' plugins do.
/// Never throws.
int RunPlugin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              const Clock& clock, const WatchdogArm& arm_watchdog = {});

/// \brief The target to check: the one from --config/--target (or the file's
/// only target), or one built from the options alone; then every option that
/// was given replaces the file's value, and -t replaces the timeout.
///
/// The metadata URL follows an overridden organization unless it was set
/// explicitly. Errors say what is wrong, e.g. `no target named "x" in FILE
/// (targets: a, b)` or the loader's "file:line:col: message" lines. The
/// configuration file is read by \p deadline when one is given. Never throws.
Expected<TargetConfig> ResolveTarget(const PluginOptions& options,
                                     const Deadline* deadline = nullptr);

}  // namespace pushprobe::nagios
