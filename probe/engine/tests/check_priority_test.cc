#include "probe/engine/check_priority.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "probe/engine/helper_threads.h"

namespace pushprobe {
namespace {

// The nice value of thread \p tid as the kernel reports it to ps and top:
// field 19 of /proc/self/task/<tid>/stat, counted after the command name
// (which may hold spaces, so the fields start after its last ')').
int ProcNice(long tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19; ++i) fields >> field;  // fields 3 (state) to 19 (nice)
  return std::stoi(field);
}

long ThisTid() { return ::syscall(SYS_gettid); }

// The thread's name as ps -L and top -H show it.
std::string ProcComm(long tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

int RefusedSetPriority(int, id_t, int) {
  errno = EACCES;
  return -1;
}

struct Seen {
  int nice = 0;
  int proc_nice = 0;
};

Seen SeenBy(const std::function<void()>& first = [] {}) {
  Seen seen;
  std::thread([&] {
    first();
    seen.nice = ThreadNice();
    seen.proc_nice = ProcNice(ThisTid());
  }).join();
  return seen;
}

// The level is process-wide: every test leaves it at the test thread's own,
// where EnterCheckNice changes nothing.
class CheckPriorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = ThreadNice();
    if (base_ + 3 > 19) GTEST_SKIP() << "the tests run at nice " << base_ << ", no room below";
  }
  void TearDown() override {
    SetPriorityCallForTest(nullptr);
    OnCheckNiceRefused({});
    SetCheckNice(0);
  }
  int base_ = 0;
};

TEST_F(CheckPriorityTest, ACheckThreadGoesTheStepsBelowTheThreadThatSetThem) {
  EXPECT_EQ(SetCheckNice(3), base_ + 3);
  const Seen seen = SeenBy([] { EXPECT_TRUE(EnterCheckNice()); });
  EXPECT_EQ(seen.nice, base_ + 3);
  EXPECT_EQ(seen.proc_nice, base_ + 3);
  // The thread that chose the level, and any thread that does not enter it, keep theirs.
  EXPECT_EQ(ThreadNice(), base_);
  EXPECT_EQ(ProcNice(ThisTid()), base_);
  EXPECT_EQ(SeenBy().proc_nice, base_);
}

TEST_F(CheckPriorityTest, TheLevelIsAbsoluteSoAThreadStartedByACheckThreadIsNotLoweredTwice) {
  SetCheckNice(2);
  const Seen seen = SeenBy([] {
    EnterCheckNice();
    EnterCheckNice();
    std::thread([] { EnterCheckNice(); }).join();
    // A child inherits its creator's nice and entering again keeps it.
    Seen child = SeenBy([] { EnterCheckNice(); });
    EXPECT_EQ(child.proc_nice, ThreadNice());
  });
  EXPECT_EQ(seen.proc_nice, base_ + 2);
}

TEST_F(CheckPriorityTest, ZeroStepsChangesNothingAndTheLevelStopsAt19) {
  EXPECT_EQ(SetCheckNice(0), base_);
  EXPECT_EQ(SeenBy([] { EnterCheckNice(); }).proc_nice, base_);
  EXPECT_EQ(SetCheckNice(100), 19);
  EXPECT_EQ(SeenBy([] { EXPECT_TRUE(EnterCheckNice()); }).proc_nice, 19);
}

TEST_F(CheckPriorityTest, TheEngineHelperThreadsRunAtTheCheckLevel) {
  SetCheckNice(3);
  HelperThreads threads(1);
  std::mutex mu;
  std::condition_variable cv;
  int nice = -100;
  std::string comm;
  ASSERT_TRUE(threads.TryRun([&] {
    std::lock_guard<std::mutex> lock(mu);
    comm = ProcComm(ThisTid());
    nice = ProcNice(ThisTid());
    cv.notify_all();
  }));
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return nice != -100; }));
  EXPECT_EQ(nice, base_ + 3);
  EXPECT_EQ(comm, "pp-helper");
  EXPECT_EQ(ThreadNice(), base_);  // the thread that handed the task over keeps its own
}

TEST_F(CheckPriorityTest, ARefusedLevelIsToldOncePerProcessNamingTheLevelAndTheError) {
  std::mutex mu;
  std::vector<std::string> told;
  OnCheckNiceRefused([&](const std::string& message) {
    std::lock_guard<std::mutex> lock(mu);
    told.push_back(message);
  });
  SetPriorityCallForTest(&RefusedSetPriority);
  SetCheckNice(3);
  for (int i = 0; i < 3; ++i) {
    // The thread is refused each time and keeps its level; only the first is told.
    EXPECT_EQ(SeenBy([] { EXPECT_FALSE(EnterCheckNice()); }).proc_nice, base_);
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(told[0].find("nice " + std::to_string(base_ + 3)), std::string::npos) << told[0];
  EXPECT_NE(told[0].find(std::strerror(EACCES)), std::string::npos) << told[0];
}

TEST_F(CheckPriorityTest, WithoutARefusalNothingIsTold) {
  int told = 0;
  OnCheckNiceRefused([&](const std::string&) { ++told; });
  SetCheckNice(3);
  EXPECT_TRUE(SeenBy([] { EXPECT_TRUE(EnterCheckNice()); }).proc_nice == base_ + 3);
  EXPECT_EQ(told, 0);
}

}  // namespace
}  // namespace pushprobe
