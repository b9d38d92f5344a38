#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace pushprobe {

// The CPU priority of the threads that run checks.
//
// A process that serves answers beside its checks (the exporter: /metrics,
// the status page) keeps them from being starved by its own checks by
// running the checks a few nice levels lower (`--scheduler.nice`). Nice is
// per thread on Linux, and raising it needs no privilege, lowering it again
// does: so a thread that runs checks lowers itself once, when it starts,
// and only threads that do nothing else do so (the exporter's scheduler
// workers and the engine's HelperThreads). Threads inherit their creator's
// nice; the level is absolute, so a thread started by a check thread ends at
// the same level, not lower.
//
// Within one scheduling group (the process's autogroup, or its cgroup under
// systemd) this only matters while the process's other threads want the CPU
// at the same time; a process run with a nice of its own (systemd's Nice=)
// keeps it and its check threads go that many levels below it. Without any
// call of SetCheckNice (the plugin, the CLI) nothing changes.

/// Told once per process when the kernel refuses a check thread its level
/// (a seccomp filter, a container without the syscall): the level wanted and
/// the errno text. The thread goes on at its own level.
using CheckNiceRefused = std::function<void(const std::string& message)>;

/// Where the first refusal goes from now on (empty: nowhere). The exporter
/// passes its logger's, and an empty one before the logger goes away.
void OnCheckNiceRefused(CheckNiceRefused on_refused);

/// From now on EnterCheckNice() puts the calling thread \p steps nice levels
/// below the thread that calls this (at most nice 19). 0: at its level.
/// Returns the nice value the check threads take.
int SetCheckNice(int steps);

/// Puts the calling thread at the level SetCheckNice chose, unless it is
/// already that low or lower (or SetCheckNice was never called). False when
/// the kernel refused; the thread then keeps its priority, and the first
/// refusal in the process is told to OnCheckNiceRefused's function.
bool EnterCheckNice();

/// The calling thread's nice value (-20 to 19).
int ThreadNice();

/// Test seam: the setpriority(2) EnterCheckNice calls (nullptr: the real one),
/// and the once-per-process report armed again.
using SetPriorityCall = int (*)(int which, id_t who, int prio);
void SetPriorityCallForTest(SetPriorityCall call);

}  // namespace pushprobe
