#pragma once

#include <ostream>

namespace pushprobe::exporter {

/// \brief The whole of pushprobe-exporter's main(): parses the flags, handles
/// --help, --version and --config.check, else runs the exporter until SIGTERM
/// or SIGINT, reloading on SIGHUP. Returns the process exit status (0 ok,
/// 1 configuration or startup error, 2 usage error or a --web.config.file
/// that does not load).
int ExporterMain(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace pushprobe::exporter
