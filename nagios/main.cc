#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "nagios/plugin_app.h"
#include "nagios/process_watchdog.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const int state =
      pushprobe::nagios::RunPlugin(args, std::cout, std::cerr, pushprobe::SystemClock::Instance(),
                                   pushprobe::nagios::ArmProcessWatchdog);
  // Nothing is left to write but the two streams, so the process ends here
  // instead of running the exit handlers: OpenSSL's cleanup and the static
  // destructors free every table one by one, about 1 ms of a plugin run that
  // Nagios pays on every check. The kernel reclaims the memory either way.
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(state);
}
