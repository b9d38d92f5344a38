#include "exporters/open_file_limit.h"

#include <atomic>
#include <cerrno>
#include <cstring>

namespace pushprobe::exporter {

namespace {

int RealGetRlimit(int resource, rlimit* limit) {
  return ::getrlimit(static_cast<__rlimit_resource_t>(resource), limit);
}
int RealSetRlimit(int resource, const rlimit* limit) {
  return ::setrlimit(static_cast<__rlimit_resource_t>(resource), limit);
}
std::atomic<GetRlimitCall> get_rlimit{&RealGetRlimit};
std::atomic<SetRlimitCall> set_rlimit{&RealSetRlimit};

std::string Text(rlim_t value) {
  return value == RLIM_INFINITY ? "unlimited" : std::to_string(value);
}

}  // namespace

void RlimitCallsForTest(GetRlimitCall get, SetRlimitCall set) {
  get_rlimit.store(get ? get : &RealGetRlimit);
  set_rlimit.store(set ? set : &RealSetRlimit);
}

std::uint64_t DescriptorsNeeded(const ExporterFlags& flags) {
  return 3 * (static_cast<std::uint64_t>(flags.workers) + flags.max_concurrent_probes) +
         flags.max_connections + flags.listen_addresses.size() + kReservedDescriptors;
}

OpenFileLimit RaiseOpenFileLimit(const ExporterFlags& flags, Logger& logger) {
  OpenFileLimit out;
  out.needed = DescriptorsNeeded(flags);
  rlimit limit{};
  if (get_rlimit.load()(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::string("getrlimit: ") + std::strerror(errno);
    logger.Log(LogLevel::kWarn, "cannot read the open file limit",
               {{"error", out.error}, {"needed", std::to_string(out.needed)}});
    return out;
  }
  out.before = limit.rlim_cur;
  out.hard = limit.rlim_max;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (set_rlimit.load()(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    } else {
      out.error = std::string("setrlimit: ") + std::strerror(errno);
    }
  }
  out.limit = limit.rlim_cur;
  if (out.limit != RLIM_INFINITY && out.limit < out.needed) {
    std::vector<Logger::Field> fields = {
        {"limit", Text(limit.rlim_cur)},
        {"hard", Text(limit.rlim_max)},
        {"needed", std::to_string(out.needed)},
        {"needed_by",
         "3 per run in flight (--scheduler.workers=" + std::to_string(flags.workers) +
             ", --web.max-concurrent-probes=" + std::to_string(flags.max_concurrent_probes) +
             "), 1 per connection (--web.max-connections=" + std::to_string(flags.max_connections) +
             "), " + std::to_string(kReservedDescriptors + flags.listen_addresses.size()) +
             " more"},
        {"fix", "raise LimitNOFILE= (systemd) or ulimit -n, or lower those flags"}};
    if (!out.error.empty()) fields.emplace_back("error", out.error);
    logger.Log(LogLevel::kWarn, "open file limit below what the configuration can need", fields);
  }
  return out;
}

}  // namespace pushprobe::exporter
