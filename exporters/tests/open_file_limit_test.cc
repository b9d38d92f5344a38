#include "exporters/open_file_limit.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <sstream>

#include "probe/core/clock.h"

namespace pushprobe::exporter {
namespace {

// The limits the fake getrlimit reports and what the fake setrlimit was
// asked; the seam takes plain functions, so the state is the test's globals.
rlimit fake_limit{};
int set_calls = 0;
bool set_fails = false;

int FakeGet(int resource, rlimit* limit) {
  if (resource != RLIMIT_NOFILE) return -1;
  *limit = fake_limit;
  return 0;
}
int FakeSet(int resource, const rlimit* limit) {
  ++set_calls;
  if (resource != RLIMIT_NOFILE || set_fails || limit->rlim_cur > fake_limit.rlim_max) {
    errno = EPERM;
    return -1;
  }
  fake_limit = *limit;
  return 0;
}
int FailingGet(int, rlimit*) {
  errno = ENOSYS;
  return -1;
}

class OpenFileLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_limit = {1024, 524288};
    set_calls = 0;
    set_fails = false;
    RlimitCallsForTest(&FakeGet, &FakeSet);
  }
  void TearDown() override { RlimitCallsForTest(nullptr, nullptr); }

  ManualClock clock_;
  std::ostringstream log_;
  Logger logger_{log_, clock_};
  ExporterFlags flags_;
};

// 3 x (16 + 8) runs' sockets, 512 connections, one listener, 64 reserved.
TEST_F(OpenFileLimitTest, NeededCountsRunsConnectionsListenersAndAReserve) {
  EXPECT_EQ(DescriptorsNeeded(flags_), 3u * (16 + 8) + 512 + 1 + kReservedDescriptors);
  flags_.workers = 100;
  flags_.max_concurrent_probes = 20;
  flags_.max_connections = 1000;
  flags_.listen_addresses = {":1", ":2"};
  EXPECT_EQ(DescriptorsNeeded(flags_), 3u * 120 + 1000 + 2 + kReservedDescriptors);
}

// As Go programs do at start: the soft limit goes to the hard one, and
// nothing is logged when that is enough.
TEST_F(OpenFileLimitTest, TheSoftLimitIsRaisedToTheHardOne) {
  const OpenFileLimit result = RaiseOpenFileLimit(flags_, logger_);
  EXPECT_EQ(set_calls, 1);
  EXPECT_EQ(fake_limit.rlim_cur, 524288u);
  EXPECT_EQ(result.before, 1024u);
  EXPECT_EQ(result.limit, 524288u);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(log_.str(), "");
}

TEST_F(OpenFileLimitTest, ALimitAlreadyAtTheHardOneIsLeftAlone) {
  fake_limit = {4096, 4096};
  EXPECT_EQ(RaiseOpenFileLimit(flags_, logger_).limit, 4096u);
  EXPECT_EQ(set_calls, 0);
  EXPECT_EQ(log_.str(), "");
}

// A hard limit below what the flags can need: one warning naming the limit,
// what needs it and how to give it.
TEST_F(OpenFileLimitTest, ALimitBelowTheNeedIsWarnedAboutOnceNamingTheFlags) {
  fake_limit = {256, 512};
  const OpenFileLimit result = RaiseOpenFileLimit(flags_, logger_);
  EXPECT_EQ(result.limit, 512u);
  EXPECT_EQ(log_.str(),
            "ts=2025-11-25T11:20:56.000Z level=warn msg=\"open file limit below what the "
            "configuration can need\" limit=512 hard=512 needed=649 needed_by=\"3 per run in "
            "flight (--scheduler.workers=16, --web.max-concurrent-probes=8), 1 per connection "
            "(--web.max-connections=512), 65 more\" fix=\"raise LimitNOFILE= (systemd) or ulimit "
            "-n, or lower those flags\"\n");
}

// A kernel (or a seccomp filter) that refuses the raise: the warning, when
// the old limit is short, also says why it was not raised.
TEST_F(OpenFileLimitTest, ARefusedRaiseKeepsTheLimitAndSaysWhy) {
  set_fails = true;
  flags_.max_connections = 2000;
  const OpenFileLimit result = RaiseOpenFileLimit(flags_, logger_);
  EXPECT_EQ(result.limit, 1024u);
  EXPECT_EQ(result.error, "setrlimit: Operation not permitted");
  const std::string text = log_.str();
  EXPECT_NE(text.find("level=warn msg=\"open file limit below what the configuration can need\" "
                      "limit=1024 hard=524288 needed=2137 "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" error=\"setrlimit: Operation not permitted\"\n"), std::string::npos)
      << text;
  // Enough as it is: a refused raise alone is not worth a line.
  log_.str("");
  flags_.max_connections = 16;
  EXPECT_EQ(RaiseOpenFileLimit(flags_, logger_).limit, 1024u);
  EXPECT_EQ(log_.str(), "");
}

TEST_F(OpenFileLimitTest, AnUnreadableLimitIsWarnedAbout) {
  RlimitCallsForTest(&FailingGet, &FakeSet);
  const OpenFileLimit result = RaiseOpenFileLimit(flags_, logger_);
  EXPECT_EQ(result.error, "getrlimit: Function not implemented");
  EXPECT_EQ(set_calls, 0);
  EXPECT_NE(log_.str().find("level=warn msg=\"cannot read the open file limit\" error=\"getrlimit: "
                            "Function not implemented\" needed=649\n"),
            std::string::npos)
      << log_.str();
}

}  // namespace
}  // namespace pushprobe::exporter
