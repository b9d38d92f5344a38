#include "exporters/exporter_flags.h"

#include <gtest/gtest.h>

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;

TEST(ExporterFlagsTest, DefaultsArePrometheusStyle) {
  auto f = ExporterFlags::Parse({});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->config_file, "pushprobe.yml");
  EXPECT_EQ(f->listen_address, ":19464");
  EXPECT_EQ(f->log_level, LogLevel::kInfo);
  EXPECT_FALSE(f->config_check);
  EXPECT_EQ(f->scrape_timeout_offset, 500ms);
}

TEST(ExporterFlagsTest, TakesBothValueForms) {
  auto f = ExporterFlags::Parse({"--config.file=/etc/p.yml", "--web.listen-address", "127.0.0.1:0",
                                 "--log.level=debug", "--config.check", "--scheduler.workers=3",
                                 "--web.scrape-timeout-offset=250ms"});
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->config_file, "/etc/p.yml");
  EXPECT_EQ(f->listen_address, "127.0.0.1:0");
  EXPECT_EQ(f->log_level, LogLevel::kDebug);
  EXPECT_TRUE(f->config_check);
  EXPECT_EQ(f->workers, 3u);
  EXPECT_EQ(f->scrape_timeout_offset, 250ms);
}

TEST(ExporterFlagsTest, ErrorsNameTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {{"--nope"}, "unknown flag --nope"},
           {{"--config.file"}, "--config.file needs a value"},
           {{"--log.level=loud"}, "invalid --log.level: loud"},
           {{"--scheduler.workers=0"}, "invalid --scheduler.workers: 0"},
           {{"--config.check=maybe"}, "invalid --config.check: maybe"},
           {{"stray"}, "unexpected argument stray"},
       }) {
    auto f = ExporterFlags::Parse(c.args);
    ASSERT_FALSE(f.ok()) << c.args[0];
    EXPECT_EQ(f.error(), c.error);
  }
}

}  // namespace
}  // namespace pushprobe::exporter
