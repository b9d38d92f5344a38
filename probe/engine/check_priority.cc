#include "probe/engine/check_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>

namespace pushprobe {

namespace {

// INT_MIN until SetCheckNice is called.
std::atomic<int> check_nice{INT_MIN};

// PRIO_PROCESS with a thread id addresses that one thread on Linux.
id_t ThisThread() { return static_cast<id_t>(::syscall(SYS_gettid)); }

}  // namespace

int ThreadNice() {
  errno = 0;  // -1 is a valid nice value: only errno tells a failure
  const int nice = ::getpriority(PRIO_PROCESS, ThisThread());
  return errno == 0 ? nice : 0;
}

int SetCheckNice(int steps) {
  const int level = std::min(ThreadNice() + std::max(steps, 0), 19);
  check_nice.store(level);
  return level;
}

bool EnterCheckNice() {
  const int level = check_nice.load();
  if (level == INT_MIN || ThreadNice() >= level) return true;
  return ::setpriority(PRIO_PROCESS, ThisThread(), level) == 0;
}

}  // namespace pushprobe
