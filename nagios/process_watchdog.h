#pragma once

#include "nagios/plugin_state.h"
#include "probe/core/clock.h"

namespace pushprobe::nagios {

/// Time the engine gets past its own deadline before the watchdog fires: the
/// engine's deadline is the real bound, the watchdog only a safety net.
inline constexpr Duration kWatchdogGrace = std::chrono::seconds(2);

/// \brief Arms a process-wide SIGALRM watchdog, as monitoring-plugins'
/// timeout_alarm_handler: if the process still runs \p budget + kWatchdogGrace
/// from now, it writes "EXCHANGE PUSH <STATE> - plugin timed out after N
/// seconds" to stdout and exits with \p state, so a hung resolver or a
/// blocking call the engine's deadline does not reach can never hang Nagios.
///
/// For main() only: it replaces any SIGALRM handler and the process's alarm.
void ArmProcessWatchdog(Duration budget, State state);

}  // namespace pushprobe::nagios
