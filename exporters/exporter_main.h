#pragma once

#include <csignal>
#include <ostream>

#include "exporters/shutdown_deadline.h"
#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief The whole of pushprobe-exporter's main(): parses the flags, handles
/// --help, --version and --config.check, else runs the exporter until SIGTERM
/// or SIGINT, reloading on SIGHUP. Returns the process exit status (0 ok,
/// 1 configuration or startup error, 2 usage error or a --web.config.file
/// that does not load).
int ExporterMain(int argc, char** argv, std::ostream& out, std::ostream& err);

class ExporterApp;

/// \brief The started \p app until SIGTERM or SIGINT (SIGHUP reloads), taken
/// with sigwait from \p signals, which every thread must have blocked.
///
/// The stop waits for runs in flight up to the longest target timeout plus a
/// second, and the whole stop has a deadline of that plus \p shutdown_slack
/// (ShutdownDeadline): past it, one warning names the runs abandoned and
/// \p exit (default std::_Exit(0)) ends the process. Returns 0.
int ServeUntilStopped(ExporterApp& app, const sigset_t& signals, Duration shutdown_slack,
                      ShutdownDeadline::Exit exit = {});

}  // namespace pushprobe::exporter
