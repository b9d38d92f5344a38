#include "probe/engine/check_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <utility>

namespace pushprobe {

namespace {

// INT_MIN until SetCheckNice is called.
std::atomic<int> check_nice{INT_MIN};

int RealSetPriority(int which, id_t who, int prio) {
  return ::setpriority(static_cast<__priority_which_t>(which), who, prio);
}
std::atomic<SetPriorityCall> set_priority{&RealSetPriority};

// Only the first refusal is told: every check thread would meet the same one.
std::atomic<bool> refusal_told{false};
std::mutex refused_mu;
CheckNiceRefused refused;  // guarded by refused_mu

void TellRefusal(int level, int error) {
  if (refusal_told.exchange(true)) return;
  const std::string message = "cannot lower a check thread to nice " + std::to_string(level) +
                              ": " + std::strerror(error) + "; it keeps its priority";
  std::lock_guard<std::mutex> lock(refused_mu);
  if (refused) refused(message);
}

// PRIO_PROCESS with a thread id addresses that one thread on Linux.
id_t ThisThread() { return static_cast<id_t>(::syscall(SYS_gettid)); }

}  // namespace

int ThreadNice() {
  errno = 0;  // -1 is a valid nice value: only errno tells a failure
  const int nice = ::getpriority(PRIO_PROCESS, ThisThread());
  return errno == 0 ? nice : 0;
}

void OnCheckNiceRefused(CheckNiceRefused on_refused) {
  std::lock_guard<std::mutex> lock(refused_mu);
  refused = std::move(on_refused);
}

int SetCheckNice(int steps) {
  const int level = std::min(ThreadNice() + std::max(steps, 0), 19);
  check_nice.store(level);
  return level;
}

void SetPriorityCallForTest(SetPriorityCall call) {
  set_priority.store(call ? call : &RealSetPriority);
  refusal_told.store(false);
}

bool EnterCheckNice() {
  const int level = check_nice.load();
  if (level == INT_MIN || ThreadNice() >= level) return true;
  if (set_priority.load()(PRIO_PROCESS, ThisThread(), level) == 0) return true;
  TellRefusal(level, errno);
  return false;
}

}  // namespace pushprobe
