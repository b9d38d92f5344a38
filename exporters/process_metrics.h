#pragma once

#include <optional>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace pushprobe::exporter {

/// \brief The standard `process_*` series every Prometheus client library
/// exports, read from Linux's /proc (prometheus-cpp 1.0 has no process
/// collector).
struct ProcessMetrics {
  std::optional<double> cpu_seconds;  ///< user + system time
  std::optional<double> resident_bytes;
  std::optional<double> virtual_bytes;
  std::optional<double> open_fds;
  std::optional<double> max_fds;             ///< the soft RLIMIT_NOFILE
  std::optional<double> start_time_seconds;  ///< Unix time the process started

  /// Reads \p proc_self (its stat, fd/ and limits) and the boot time from
  /// \p proc_stat. A value that cannot be read is left out, never guessed.
  static ProcessMetrics Read(const std::string& proc_self = "/proc/self",
                             const std::string& proc_stat = "/proc/stat");

  /// The families, named and typed as client_golang names them; only the
  /// values that were read.
  std::vector<prometheus::MetricFamily> Families() const;
};

}  // namespace pushprobe::exporter
