#include "exporters/malloc_tuning.h"

#include <algorithm>

// Sanitizers replace malloc; their mallopt and malloc_trim do nothing useful.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define PUSHPROBE_GLIBC_MALLOC 1
#include <malloc.h>
#endif

namespace pushprobe::exporter {

bool TuneMalloc(std::size_t arenas) {
#ifdef PUSHPROBE_GLIBC_MALLOC
  const int max = static_cast<int>(std::clamp<std::size_t>(arenas, 1, 1024));
  const bool arenas_set = mallopt(M_ARENA_MAX, max) == 1;
  const bool threshold_set = mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
  return arenas_set && threshold_set;
#else
  (void)arenas;
  return false;
#endif
}

bool ReleaseFreeMemory() {
#ifdef PUSHPROBE_GLIBC_MALLOC
  return malloc_trim(0) == 1;
#else
  return false;
#endif
}

}  // namespace pushprobe::exporter
