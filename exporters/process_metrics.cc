#include "exporters/process_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace pushprobe::exporter {

namespace {

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

prometheus::MetricFamily Family(const char* name, prometheus::MetricType type, const char* help,
                                double value) {
  prometheus::MetricFamily f;
  f.name = name;
  f.type = type;
  f.help = help;
  prometheus::ClientMetric m;
  m.gauge.value = value;
  m.counter.value = value;
  f.metric.push_back(m);
  return f;
}

}  // namespace

ProcessMetrics ProcessMetrics::Read(const std::string& proc_self, const std::string& proc_stat) {
  ProcessMetrics m;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));

  // proc(5): the command name (field 2) is in parentheses and may hold
  // spaces, so fields are counted from the last ')'.
  const std::string stat = ReadSmallFile(proc_self + "/stat");
  const std::size_t paren = stat.rfind(')');
  if (paren != std::string::npos && ticks > 0) {
    std::istringstream fields(stat.substr(paren + 1));
    std::vector<std::string> f;
    for (std::string v; fields >> v;) f.push_back(v);
    // f[0] is field 3 (state): utime 14, stime 15, starttime 22, vsize 23, rss 24.
    if (f.size() >= 22) {
      try {
        m.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
        m.virtual_bytes = std::stod(f[20]);
        m.resident_bytes = std::stod(f[21]) * page;
        const double start_after_boot = std::stod(f[19]) / ticks;
        std::istringstream lines(ReadSmallFile(proc_stat));
        for (std::string line; std::getline(lines, line);) {
          if (line.rfind("btime ", 0) == 0) {
            m.start_time_seconds = std::stod(line.substr(6)) + start_after_boot;
          }
        }
      } catch (const std::exception&) {
        // A stat line that does not parse leaves the values out.
      }
    }
  }

  if (DIR* dir = opendir((proc_self + "/fd").c_str())) {
    double count = 0;
    while (const dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++count;
    }
    closedir(dir);
    m.open_fds = count;  // the directory's own descriptor included, as client_golang counts
  }

  std::istringstream limits(ReadSmallFile(proc_self + "/limits"));
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream values(line.substr(14));
    std::string soft;
    values >> soft;
    if (!soft.empty() && soft.find_first_not_of("0123456789") == std::string::npos) {
      m.max_fds = std::stod(soft);  // "unlimited" has no number to give
    }
  }
  return m;
}

std::vector<prometheus::MetricFamily> ProcessMetrics::Families() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  if (cpu_seconds) {
    out.push_back(Family("process_cpu_seconds_total", MetricType::Counter,
                         "Total user and system CPU time spent in seconds.", *cpu_seconds));
  }
  if (max_fds) {
    out.push_back(Family("process_max_fds", MetricType::Gauge,
                         "Maximum number of open file descriptors.", *max_fds));
  }
  if (open_fds) {
    out.push_back(Family("process_open_fds", MetricType::Gauge, "Number of open file descriptors.",
                         *open_fds));
  }
  if (resident_bytes) {
    out.push_back(Family("process_resident_memory_bytes", MetricType::Gauge,
                         "Resident memory size in bytes.", *resident_bytes));
  }
  if (start_time_seconds) {
    out.push_back(Family("process_start_time_seconds", MetricType::Gauge,
                         "Start time of the process since unix epoch in seconds.",
                         *start_time_seconds));
  }
  if (virtual_bytes) {
    out.push_back(Family("process_virtual_memory_bytes", MetricType::Gauge,
                         "Virtual memory size in bytes.", *virtual_bytes));
  }
  return out;
}

}  // namespace pushprobe::exporter
