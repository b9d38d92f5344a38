// `pushprobe shard`: the split N replicas make of one configuration.
#include "cli/shard_report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/cli_app.h"
#include "probe/config/config_loader.h"
#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

std::string ConfigText() {
  std::string yaml = "targets:\n";
  for (const char* name : {"contoso", "fabrikam", "org-0", "org-1", "org-2", "org-3"}) {
    yaml += std::string("  - name: ") + name + "\n    organization: " + name +
            ".example.com\n    certificate: auth.pem\n";
  }
  return yaml;
}

// The shards are those of the Prometheus-computed table in
// exporters/tests/shard_test.cc (hashmod 2: contoso, org-1, org-2, org-3 on 0).
TEST(ShardReportTest, ListsEachShardsTargetsAndTheBalance) {
  ConfigLoadResult loaded = LoadConfigString(ConfigText(), "pushprobe.yml");
  ASSERT_TRUE(loaded.ok()) << loaded.ErrorText();
  EXPECT_EQ(ShardReport(*loaded.config, 2),
            "pushprobe.yml: 6 targets over 2 shards (Prometheus hashmod of the target name)\n"
            "\n"
            "shard        targets   share   vs even\n"
            "0/2                4   66.7%    +33.3%\n"
            "1/2                2   33.3%    -33.3%\n"
            "\n"
            "largest shard: 4 targets, 1.33x an even split of 3.0\n"
            "\n"
            "shard 0/2 (4 targets)\n"
            "  contoso\n"
            "  org-1\n"
            "  org-2\n"
            "  org-3\n"
            "\n"
            "shard 1/2 (2 targets)\n"
            "  fabrikam\n"
            "  org-0\n");
}

TEST(ShardReportTest, OneShardHoldsEverything) {
  ConfigLoadResult loaded = LoadConfigString(ConfigText(), "pushprobe.yml");
  ASSERT_TRUE(loaded.ok());
  const std::string report = ShardReport(*loaded.config, 1);
  EXPECT_NE(report.find("0/1                6  100.0%     +0.0%\n"), std::string::npos) << report;
  EXPECT_NE(report.find("largest shard: 6 targets, 1.00x an even split of 6.0\n"),
            std::string::npos);
}

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

CliRun Cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int status = RunCli(args, out, err, SystemClock::Instance());
  return {status, out.str(), err.str()};
}

TEST(ShardCommandTest, PrintsTheReportOfTheFile) {
  const std::string path = ::testing::TempDir() + "pushprobe_cli_shard.yml";
  testing::WriteFile(path, ConfigText());
  CliRun run = Cli({"shard", "--config", path, "--of=2"});
  EXPECT_EQ(run.status, 0) << run.err;
  ConfigLoadResult loaded = LoadConfigFile(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(run.out, ShardReport(*loaded.config, 2));
  EXPECT_EQ(run.err, "");
}

TEST(ShardCommandTest, BadUsageExitsTwo) {
  const std::string path = ::testing::TempDir() + "pushprobe_cli_shard_usage.yml";
  testing::WriteFile(path, ConfigText());
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"shard", "--config", path}, "shard needs --config FILE and --of N"},
           {{"shard", "--of", "2"}, "shard needs --config FILE and --of N"},
           {{"shard", "--config", path, "--of", "0"},
            "invalid --of \"0\": the number of replicas, 1 to 10000"},
           {{"shard", "--config", path, "--of", "two"},
            "invalid --of \"two\": the number of replicas, 1 to 10000"},
           {{"shard", "--config", path, "--of", "1/2"},
            "invalid --of \"1/2\": the number of replicas, 1 to 10000"},
       }) {
    CliRun run = Cli(c.args);
    EXPECT_EQ(run.status, 2) << c.message;
    EXPECT_EQ(run.err, "pushprobe: " + c.message + "\nTry 'pushprobe --help'.\n");
  }
  CliRun missing = Cli({"shard", "--config", path + ".absent", "--of", "2"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find(".absent"), std::string::npos);
}

}  // namespace
}  // namespace pushprobe
