#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/cli_app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  pushprobe::CliEnvironment environment;
  environment.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1;
  environment.stderr_is_tty = ::isatty(STDERR_FILENO) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  environment.no_color = no_color != nullptr && *no_color != '\0';
  return pushprobe::RunCli(args, std::cout, std::cerr, pushprobe::SystemClock::Instance(),
                           environment);
}
