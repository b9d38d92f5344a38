#include "exporters/malloc_tuning.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define PUSHPROBE_GLIBC_MALLOC 1
#include <malloc.h>
#endif

namespace pushprobe::exporter {
namespace {

#ifdef PUSHPROBE_GLIBC_MALLOC

std::size_t ResidentBytes() {
  long pages = 0;
  long resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// The number of malloc arenas, from malloc_info's <heap nr="..."> elements.
std::size_t Arenas() {
  char* text = nullptr;
  std::size_t size = 0;
  FILE* f = open_memstream(&text, &size);
  malloc_info(0, f);
  std::fclose(f);
  std::size_t arenas = 0;
  for (const char* p = text; (p = std::strstr(p, "<heap nr=")) != nullptr; ++p) ++arenas;
  std::free(text);
  return arenas;
}

TEST(MallocTuningTest, ReleaseFreeMemoryGivesFreedHeapPagesBack) {
  // 48 MB in 1 KB blocks, every one touched; then all freed but one block in
  // 64, so no free stretch reaches the top of the heap, where free() itself
  // would give it back.
  constexpr std::size_t kBlocks = 48 * 1024;
  std::vector<char*> blocks(kBlocks);
  for (char*& b : blocks) {
    b = static_cast<char*>(std::malloc(1024));
    std::memset(b, 1, 1024);
  }
  for (std::size_t i = 0; i < kBlocks; ++i) {
    if (i % 64 != 63) {
      std::free(blocks[i]);
      blocks[i] = nullptr;
    }
  }
  const std::size_t before = ResidentBytes();
  EXPECT_TRUE(ReleaseFreeMemory());
  const std::size_t after = ResidentBytes();
  EXPECT_LT(after + 32 * 1024 * 1024, before) << before << " -> " << after;
  for (char* b : blocks) std::free(b);
}

TEST(MallocTuningTest, TuneMallocCapsTheArenasAndKeepsLargeBlocksMapped) {
  ASSERT_TRUE(TuneMalloc(2));

  // A freed mapped block would otherwise raise the mmap threshold to its size,
  // and the next smaller block past 128 KB would come from the heap. The
  // medium block is larger than all the heap's free memory together (which
  // earlier tests in this process leave behind: 47 MB after
  // ReleaseFreeMemoryGivesFreedHeapPagesBack), so no free chunk can hold it
  // and the threshold alone decides between growing the heap and a mapping.
  const std::size_t medium_size = mallinfo2().fordblks + 256 * 1024;
  void* big = std::malloc(medium_size + 4 * 1024 * 1024);
  std::free(big);
  const std::size_t mapped = mallinfo2().hblks;
  void* medium = std::malloc(medium_size);
  EXPECT_EQ(mallinfo2().hblks, mapped + 1) << "a block of " << medium_size << " bytes";
  std::free(medium);

  // Eight threads that allocate at the same time share the capped arenas.
  const std::size_t arenas_before = Arenas();
  std::mutex mu;
  std::condition_variable cv;
  int allocated = 0;
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      void* p = std::malloc(100);
      std::unique_lock<std::mutex> lock(mu);
      ++allocated;
      cv.notify_all();
      cv.wait(lock, [&] { return allocated == 8; });
      std::free(p);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(Arenas(), std::max<std::size_t>(arenas_before, 2));
}

#else

TEST(MallocTuningTest, DoesNothingWithoutGlibcMalloc) {
  EXPECT_FALSE(TuneMalloc(2));
  EXPECT_FALSE(ReleaseFreeMemory());
}

#endif

}  // namespace
}  // namespace pushprobe::exporter
