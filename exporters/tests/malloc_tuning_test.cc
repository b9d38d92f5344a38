#include "exporters/malloc_tuning.h"

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
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

// glibc's malloc state is the process's: arenas created by earlier tests'
// threads stay, and once a process has had more than eight arenas glibc fixes
// its arena limit for good (8 per core), so a later M_ARENA_MAX is ignored;
// other tests' threads still running also map, unmap and touch memory while
// a check counts. So each check runs in a fresh copy of this binary, started
// with kChildVariable naming it: the static initializer below runs it before
// main(), before any test or thread, as pushprobe-exporter's main() calls
// TuneMalloc, and exits with its verdict.
constexpr const char* kChildVariable = "PUSHPROBE_MALLOC_TUNING_CHECK";

// What failed, or "" when the check passed.
std::string ReleaseFreeMemoryGivesFreedHeapPagesBack() {
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
  std::string failed;
  const std::size_t before = ResidentBytes();
  if (!ReleaseFreeMemory()) failed += "ReleaseFreeMemory() returned false; ";
  const std::size_t after = ResidentBytes();
  if (!(after + 32 * 1024 * 1024 < before)) {
    failed += "resident " + std::to_string(before) + " -> " + std::to_string(after) +
              " bytes, expected 32 MB less; ";
  }
  for (char* b : blocks) std::free(b);
  return failed;
}

std::string TuneMallocCapsTheArenasAndKeepsLargeBlocksMapped() {
  if (!TuneMalloc(2)) return "TuneMalloc(2) returned false";
  std::string failed;

  // A freed mapped block would otherwise raise the mmap threshold to its size,
  // and the next smaller block past 128 KB would come from the heap. The
  // medium block is larger than all the heap's free memory together, so no
  // free chunk can hold it and the threshold alone decides between growing
  // the heap and a mapping. volatile: the compiler may not drop the pairs.
  const std::size_t medium_size = mallinfo2().fordblks + 256 * 1024;
  void* volatile big = std::malloc(medium_size + 4 * 1024 * 1024);
  std::free(big);
  const std::size_t mapped = mallinfo2().hblks;
  void* volatile medium = std::malloc(medium_size);
  if (mallinfo2().hblks != mapped + 1) {
    failed += "a block of " + std::to_string(medium_size) + " bytes was not mapped; ";
  }
  std::free(medium);

  // Eight threads that allocate at the same time share the two arenas.
  std::mutex mu;
  std::condition_variable cv;
  int allocated = 0;
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      void* volatile p = std::malloc(100);
      std::unique_lock<std::mutex> lock(mu);
      ++allocated;
      cv.notify_all();
      cv.wait(lock, [&] { return allocated == 8; });
      std::free(p);
    });
  }
  for (std::thread& t : threads) t.join();
  if (Arenas() > 2) failed += std::to_string(Arenas()) + " arenas for 8 threads, expected 2; ";
  return failed;
}

// In the child: runs the check named by kChildVariable, prints what failed,
// and exits 0 (passed), 1 (failed) or 2 (no such check).
const bool kChildRan = [] {
  const char* name = std::getenv(kChildVariable);
  if (name == nullptr) return false;
  std::string failed = "no check named " + std::string(name);
  int status = 2;
  if (std::string(name) == "release") {
    failed = ReleaseFreeMemoryGivesFreedHeapPagesBack();
    status = failed.empty() ? 0 : 1;
  } else if (std::string(name) == "tune") {
    failed = TuneMallocCapsTheArenasAndKeepsLargeBlocksMapped();
    status = failed.empty() ? 0 : 1;
  }
  std::fputs(failed.c_str(), stdout);
  std::fflush(stdout);
  _exit(status);
}();

struct ChildRun {
  int status = -1;  // the exit status, -1 when it did not exit
  std::string out;
};

// This binary again, with kChildVariable=\p check, its output captured.
ChildRun RunCheckInFreshProcess(const std::string& check) {
  ChildRun run;
  int out[2];
  if (pipe(out) != 0) return run;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> env_text = {std::string(kChildVariable) + "=" + check};
  for (char** e = environ; *e != nullptr; ++e) env_text.emplace_back(*e);
  std::vector<char*> envp;
  envp.reserve(env_text.size() + 1);
  for (std::string& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  char exe[] = "/proc/self/exe";
  char* argv[] = {exe, nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, exe, &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  char buf[512];
  for (ssize_t n; spawned == 0 && (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n > 0) run.out.append(buf, static_cast<std::size_t>(n));
    if (n < 0 && errno != EINTR) break;
  }
  close(out[0]);
  if (spawned != 0) {
    run.out = std::string("posix_spawn: ") + std::strerror(spawned);
    return run;
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(wstatus)) run.status = WEXITSTATUS(wstatus);
  return run;
}

TEST(MallocTuningTest, ReleaseFreeMemoryGivesFreedHeapPagesBack) {
  const ChildRun run = RunCheckInFreshProcess("release");
  EXPECT_EQ(run.status, 0) << run.out;
}

// Runs \p check while twelve threads each hold an arena of this process, as
// earlier tests' threads may: more than eight arenas fix this process's limit
// for good (an in-process check then saw 16 arenas for 8 threads), which the
// check in its fresh process does not see.
ChildRun RunBesideManyArenas(const std::string& check) {
  std::mutex mu;
  std::condition_variable cv;
  int holding = 0;
  bool done = false;
  std::vector<std::thread> threads;
  threads.reserve(12);
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      void* volatile p = std::malloc(100);
      std::unique_lock<std::mutex> lock(mu);
      ++holding;
      cv.notify_all();
      cv.wait(lock, [&] { return done; });
      std::free(p);
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return holding == 12; });
  }
  // Not asserted: an earlier test may have capped this process's arenas
  // already; what counts is that the child's check does not depend on them.
  ChildRun run = RunCheckInFreshProcess(check);
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  for (std::thread& t : threads) t.join();
  return run;
}

TEST(MallocTuningTest, TuneMallocCapsTheArenasAndKeepsLargeBlocksMapped) {
  const ChildRun run = RunBesideManyArenas("tune");
  EXPECT_EQ(run.status, 0) << run.out;
}

#else

TEST(MallocTuningTest, DoesNothingWithoutGlibcMalloc) {
  EXPECT_FALSE(TuneMalloc(2));
  EXPECT_FALSE(ReleaseFreeMemory());
}

#endif

}  // namespace
}  // namespace pushprobe::exporter
