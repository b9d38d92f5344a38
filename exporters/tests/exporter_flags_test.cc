#include "exporters/exporter_flags.h"

#include <gtest/gtest.h>

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;

TEST(ExporterFlagsTest, DefaultsArePrometheusStyle) {
  auto f = ExporterFlags::Parse({});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->config_file, "pushprobe.yml");
  EXPECT_EQ(f->listen_addresses, std::vector<std::string>{":19464"});
  EXPECT_EQ(f->log_level, LogLevel::kInfo);
  EXPECT_FALSE(f->config_check);
  EXPECT_EQ(f->scrape_timeout_offset, 500ms);
  EXPECT_EQ(f->web_config_file, "");
  EXPECT_FALSE(f->shard.has_value());  // the file's exporter section decides
  EXPECT_FALSE(f->metrics_http_phases);
  EXPECT_EQ(f->check_nice, 5);
}

TEST(ExporterFlagsTest, SchedulerNiceIsALevelFrom0To19) {
  auto f = ExporterFlags::Parse({"--scheduler.nice=0"});
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->check_nice, 0);
  f = ExporterFlags::Parse({"--scheduler.nice", "19"});
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->check_nice, 19);
  for (const char* bad : {"20", "-1", "", "five"}) {
    auto refused = ExporterFlags::Parse({std::string("--scheduler.nice=") + bad});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error(), std::string("invalid --scheduler.nice: ") + bad);
  }
  EXPECT_NE(ExporterFlags::Usage().find("--scheduler.nice=5"), std::string::npos);
}

TEST(ExporterFlagsTest, ScrapeHoldIsADurationUpToTenSecondsAndZeroTurnsItOff) {
  EXPECT_EQ(ExporterFlags::Parse({}).value().scrape_hold, std::chrono::milliseconds(100));
  EXPECT_EQ(ExporterFlags::Parse({"--scheduler.scrape-hold=250ms"}).value().scrape_hold,
            std::chrono::milliseconds(250));
  EXPECT_EQ(ExporterFlags::Parse({"--scheduler.scrape-hold=0"}).value().scrape_hold,
            Duration::zero());
  for (const char* bad : {"-1", "11s", "soon", ""}) {
    auto refused = ExporterFlags::Parse({std::string("--scheduler.scrape-hold=") + bad});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error(), std::string("invalid --scheduler.scrape-hold: ") + bad);
  }
  EXPECT_NE(ExporterFlags::Usage().find("--scheduler.scrape-hold=100ms"), std::string::npos);
}

TEST(ExporterFlagsTest, HttpPhasesOnMetricsIsABooleanFlag) {
  auto on = ExporterFlags::Parse({"--metrics.http-phases"});
  ASSERT_TRUE(on.ok()) << on.error();
  EXPECT_TRUE(on->metrics_http_phases);
  auto off = ExporterFlags::Parse({"--metrics.http-phases=false"});
  ASSERT_TRUE(off.ok()) << off.error();
  EXPECT_FALSE(off->metrics_http_phases);
  auto bad = ExporterFlags::Parse({"--metrics.http-phases=maybe"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "invalid --metrics.http-phases: maybe");
  EXPECT_NE(ExporterFlags::Usage().find("--metrics.http-phases"), std::string::npos);
}

TEST(ExporterFlagsTest, TakesBothValueForms) {
  auto f = ExporterFlags::Parse({"--config.file=/etc/p.yml", "--web.listen-address", "127.0.0.1:0",
                                 "--log.level=debug", "--config.check", "--scheduler.workers=3",
                                 "--web.scrape-timeout-offset=250ms",
                                 "--web.config.file=/etc/web.yml", "--scheduler.shard", "1/2"});
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->config_file, "/etc/p.yml");
  EXPECT_EQ(f->web_config_file, "/etc/web.yml");
  EXPECT_EQ(f->listen_addresses, std::vector<std::string>{"127.0.0.1:0"});
  EXPECT_EQ(f->log_level, LogLevel::kDebug);
  EXPECT_TRUE(f->config_check);
  EXPECT_EQ(f->workers, 3u);
  EXPECT_EQ(f->scrape_timeout_offset, 250ms);
  ASSERT_TRUE(f->shard.has_value());
  EXPECT_EQ(ShardName(*f->shard), "1/2");
}

// Each run flag alone allows 1024; together they start workers + 2 x
// max-concurrent-probes threads, refused past kMaxRunThreads with both values
// and the limit named.
TEST(ExporterFlagsTest, RunThreadsPastTheLimitAreRefusedNamingBothFlags) {
  auto at_limit =
      ExporterFlags::Parse({"--scheduler.workers=1000", "--web.max-concurrent-probes=12"});
  ASSERT_TRUE(at_limit.ok()) << at_limit.error();
  EXPECT_EQ(at_limit->RunThreads(), ExporterFlags::kMaxRunThreads);
  EXPECT_EQ(at_limit->ProbeThreads(), 24u);

  auto past = ExporterFlags::Parse({"--scheduler.workers=1000", "--web.max-concurrent-probes=13"});
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error(),
            "--scheduler.workers=1000 and --web.max-concurrent-probes=13 would start 1026 run "
            "threads (workers + 2 x max-concurrent-probes), more than the limit of 1024 (each "
            "holds a check's connections and a stack): lower one of them");

  auto each_at_its_maximum =
      ExporterFlags::Parse({"--scheduler.workers=1024", "--web.max-concurrent-probes=1024"});
  ASSERT_FALSE(each_at_its_maximum.ok());
  EXPECT_NE(each_at_its_maximum.error().find("would start 3072 run threads"), std::string::npos)
      << each_at_its_maximum.error();

  auto defaults = ExporterFlags::Parse({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->RunThreads(), 32u);
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
           {{"--scheduler.shard=2/2"},
            "invalid --scheduler.shard: 2/2 (must be I/N, this replica's number I of N replicas "
            "with 0 <= I < N <= 10000, such as 0/2 and 1/2)"},
           {{"stray"}, "unexpected argument stray"},
           {{"--log.format=text"}, "invalid --log.format: text"},
           {{"--web.telemetry-path=metrics"}, "invalid --web.telemetry-path: metrics"},
           {{"--web.external-url=ftp://x/"}, "invalid --web.external-url: ftp://x/"},
           {{"--web.max-concurrent-probes=0"}, "invalid --web.max-concurrent-probes: 0"},
           {{"--web.read-header-timeout=0"}, "invalid --web.read-header-timeout: 0"},
           {{"--web.enable-lifecycle=maybe"}, "invalid --web.enable-lifecycle: maybe"},
           {{"--web.config.file="}, "invalid --web.config.file: "},
       }) {
    auto f = ExporterFlags::Parse(c.args);
    ASSERT_FALSE(f.ok()) << c.args[0];
    EXPECT_EQ(f.error(), c.error);
  }
}

TEST(ExporterFlagsTest, ListenAddressIsRepeatableAndReplacesTheDefault) {
  auto f =
      ExporterFlags::Parse({"--web.listen-address=127.0.0.1:1", "--web.listen-address", "[::1]:2"});
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->listen_addresses, (std::vector<std::string>{"127.0.0.1:1", "[::1]:2"}));
}

TEST(ExporterFlagsTest, WebConventionsAndLimits) {
  auto f = ExporterFlags::Parse(
      {"--web.telemetry-path=/m", "--web.external-url=https://h/x/y/", "--log.format=json",
       "--web.enable-lifecycle", "--web.max-connections=64", "--web.read-header-timeout=2s",
       "--web.idle-timeout=30s", "--web.max-concurrent-probes=3", "--web.probe-min-interval=0"});
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->telemetry_path, "/m");
  EXPECT_EQ(f->route_prefix, "/x/y");  // from the external URL, as Prometheus does
  EXPECT_EQ(f->LinkBase(), "https://h/x/y/");
  EXPECT_EQ(f->log_format, LogFormat::kJson);
  EXPECT_TRUE(f->enable_lifecycle);
  EXPECT_EQ(f->max_connections, 64u);
  EXPECT_EQ(f->read_header_timeout, 2s);
  EXPECT_EQ(f->idle_timeout, 30s);
  EXPECT_EQ(f->max_concurrent_probes, 3u);
  EXPECT_EQ(f->probe_min_interval, Duration::zero());

  auto prefix = ExporterFlags::Parse({"--web.route-prefix=/p/", "--web.external-url=http://h/x"});
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(prefix->route_prefix, "/p");  // an explicit prefix wins
  auto defaults = ExporterFlags::Parse({});
  EXPECT_EQ(defaults->route_prefix, "");
  EXPECT_EQ(defaults->LinkBase(), "/");
  EXPECT_FALSE(defaults->enable_lifecycle);
  EXPECT_EQ(defaults->max_concurrent_probes, 8u);
  EXPECT_EQ(defaults->log_format, LogFormat::kLogfmt);
}

}  // namespace
}  // namespace pushprobe::exporter
