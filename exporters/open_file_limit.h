#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <string>

#include "exporters/exporter_flags.h"
#include "exporters/logger.h"

namespace pushprobe::exporter {

/// The soft RLIMIT_NOFILE after RaiseOpenFileLimit, and what it came from.
struct OpenFileLimit {
  std::uint64_t before = 0;  ///< the soft limit the process started with
  std::uint64_t limit = 0;   ///< the soft limit now
  std::uint64_t hard = 0;
  std::uint64_t needed = 0;  ///< DescriptorsNeeded of the flags
  std::string error;         ///< why the limit could not be read or raised; "" when it was
};

/// Descriptors the exporter may hold at once with \p flags: three for each
/// run in flight (the token service, the challenge and the publish
/// connection; --scheduler.workers scheduled and --web.max-concurrent-probes
/// on-demand runs), one for each web connection (--web.max-connections) and
/// listening address, and kReservedDescriptors for everything else.
std::uint64_t DescriptorsNeeded(const ExporterFlags& flags);
/// Standard streams, the wake-up pipe, files read on a reload, the engine's
/// helper pipes: a generous bound on what the exporter holds besides sockets.
inline constexpr std::uint64_t kReservedDescriptors = 64;

/// \brief Raises the process's soft RLIMIT_NOFILE to its hard limit, once, at
/// start, as every Go program does before main (and so every Go Prometheus
/// exporter): the soft limit (1024 by default) only protects programs that
/// use select(2), which the exporter does not; the hard limit is what the
/// administrator allows (systemd's LimitNOFILE=, ulimit -Hn).
///
/// When the limit that results is below DescriptorsNeeded(\p flags), logs
/// one warning on \p logger naming the limit, what needs more and how to
/// give it; the exporter runs on (a connection past the limit fails as its
/// run or its accept does, and says so). Never throws.
OpenFileLimit RaiseOpenFileLimit(const ExporterFlags& flags, Logger& logger);

/// Test seam: the getrlimit(2) and setrlimit(2) RaiseOpenFileLimit calls
/// (nullptr: the real ones), so a test does not depend on the machine's limits.
using GetRlimitCall = int (*)(int resource, rlimit* limit);
using SetRlimitCall = int (*)(int resource, const rlimit* limit);
void RlimitCallsForTest(GetRlimitCall get, SetRlimitCall set);

}  // namespace pushprobe::exporter
