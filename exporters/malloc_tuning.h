#pragma once

#include <cstddef>

namespace pushprobe::exporter {

/// \brief Sets up the C library's allocator (glibc malloc) for a daemon that
/// keeps a little for each of thousands of targets and runs their checks on
/// many threads:
///
/// - at most \p arenas malloc arenas (at least 1). glibc's default is eight
///   per core, so each of 16 workers gets its own arena, and each arena
///   keeps its own free memory, 0.2 to 2 MB after a round of checks;
/// - a fixed mmap threshold of 128 KB. glibc otherwise raises the threshold
///   to the size of the largest mapped block freed so far, and the trim
///   threshold to twice that. The loaded configuration of 10,000 targets is
///   such a block of several MB; afterwards, a scrape's temporary arrays
///   stay in the heap and its freed top is no longer given back.
///
/// Call before any thread starts: once a process has had more than eight
/// arenas, glibc fixes its arena limit for good and ignores the cap. Returns
/// false, changing nothing, where
/// malloc is not glibc's (under a sanitizer, for one).
bool TuneMalloc(std::size_t arenas);

/// \brief Gives the free memory inside every malloc arena back to the system
/// (glibc malloc_trim). A configuration load leaves several MB free in the
/// middle of the heap (the YAML parser's nodes, the loaded file's copies),
/// which is otherwise kept as long as anything above it lives. Returns
/// whether any memory was given back.
bool ReleaseFreeMemory();

}  // namespace pushprobe::exporter
