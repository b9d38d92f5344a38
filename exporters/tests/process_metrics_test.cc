#include "exporters/process_metrics.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <sstream>

#include <prometheus/text_serializer.h>

#include "exporters/tests/test_util.h"

namespace pushprobe::exporter {
namespace {

TEST(ProcessMetricsTest, ReadsThisProcessFromProc) {
  const ProcessMetrics before = ProcessMetrics::Read();
  ASSERT_TRUE(before.open_fds.has_value());
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const ProcessMetrics m = ProcessMetrics::Read();
  ::close(fd);
  EXPECT_EQ(*m.open_fds, *before.open_fds + 1);
  ASSERT_TRUE(m.cpu_seconds && m.resident_bytes && m.virtual_bytes && m.max_fds &&
              m.start_time_seconds);
  EXPECT_GE(*m.cpu_seconds, 0);
  EXPECT_GT(*m.resident_bytes, 1024 * 1024);
  EXPECT_GT(*m.virtual_bytes, *m.resident_bytes);
  EXPECT_GT(*m.max_fds, *m.open_fds);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(*m.start_time_seconds, now + 1);
  EXPECT_GT(*m.start_time_seconds, now - 3600);
}

TEST(ProcessMetricsTest, NamesAndTypesAreClientGolangsAndPromtoolClean) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, ProcessMetrics::Read().Families());
  const std::string text = out.str();
  for (const char* line :
       {"# TYPE process_cpu_seconds_total counter\n",
        "# TYPE process_resident_memory_bytes gauge\n",
        "# TYPE process_virtual_memory_bytes gauge\n", "# TYPE process_open_fds gauge\n",
        "# TYPE process_max_fds gauge\n", "# TYPE process_start_time_seconds gauge\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
  if (auto problems = testing::PromtoolCheck(text)) {
    EXPECT_EQ(*problems, "") << text;
  }
}

TEST(ProcessMetricsTest, WhatCannotBeReadIsLeftOut) {
  const std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/stat", "garbage");
  const ProcessMetrics m = ProcessMetrics::Read(dir, dir + "/missing");
  EXPECT_FALSE(m.cpu_seconds.has_value());
  EXPECT_FALSE(m.open_fds.has_value());
  EXPECT_FALSE(m.max_fds.has_value());
  EXPECT_TRUE(m.Families().empty());
}

}  // namespace
}  // namespace pushprobe::exporter
