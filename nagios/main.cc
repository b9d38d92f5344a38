#include <iostream>
#include <string>
#include <vector>

#include "nagios/plugin_app.h"
#include "nagios/process_watchdog.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return pushprobe::nagios::RunPlugin(args, std::cout, std::cerr,
                                      pushprobe::SystemClock::Instance(),
                                      pushprobe::nagios::ArmProcessWatchdog);
}
