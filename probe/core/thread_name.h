#pragma once

#include <pthread.h>

#include <string>

namespace pushprobe {

/// Names the calling thread for ps -L, top -H and /proc/<pid>/task/<tid>/comm,
/// so a process's check threads can be told from its web threads ("pp-check",
/// "pp-helper", "pp-http", "pp-timer"). The kernel keeps 15 bytes; a longer
/// name is cut there rather than refused.
inline void NameThisThread(const std::string& name) {
  ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace pushprobe
