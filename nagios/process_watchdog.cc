#include "nagios/process_watchdog.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace pushprobe::nagios {
namespace {

// Prepared before the alarm so the handler only calls async-signal-safe
// functions (write, _exit).
char g_message[160];
std::size_t g_message_size = 0;
volatile sig_atomic_t g_exit_status = static_cast<int>(State::kCritical);

extern "C" void OnAlarm(int) {
  ssize_t ignored = ::write(STDOUT_FILENO, g_message, g_message_size);
  (void)ignored;
  ::_exit(g_exit_status);
}

}  // namespace

void ArmProcessWatchdog(Duration budget, State state) {
  const double seconds = ToSeconds(budget + kWatchdogGrace);
  const unsigned whole = static_cast<unsigned>(std::ceil(seconds));
  int n = std::snprintf(g_message, sizeof g_message,
                        "EXCHANGE PUSH %s - plugin timed out after %u seconds\n",
                        std::string(StateName(state)).c_str(), whole);
  g_message_size = n > 0 ? std::min(static_cast<std::size_t>(n), sizeof g_message - 1) : 0;
  g_exit_status = static_cast<int>(state);
  struct sigaction action {};
  action.sa_handler = OnAlarm;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGALRM, &action, nullptr);
  ::alarm(whole);
}

}  // namespace pushprobe::nagios
