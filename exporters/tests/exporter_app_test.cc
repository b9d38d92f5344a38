#include "exporters/exporter_app.h"

#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <prometheus/text_serializer.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "exporters/exporter_metrics.h"
#include "exporters/manual_timer_queue.h"
#include "exporters/open_file_limit.h"
#include "exporters/shard.h"
#include "exporters/tests/test_util.h"
#include "probe/engine/check_priority.h"
#include "probe/render/tests/sample_results.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;
using testing::FakeResult;
using testing::MakeTempDir;
using testing::ManualExecutor;
using testing::WriteFile;

// The calling thread's name as ps -L and top -H show it.
std::string ThisThreadComm() {
  std::ifstream in("/proc/thread-self/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

std::string ConfigWith(const std::vector<std::string>& names) {
  std::string yaml = "defaults:\n  interval: 10s\n  timeout: 5s\ntargets:\n";
  for (const std::string& n : names) {
    yaml += "  - name: " + n + "\n    organization: " + n + ".example.com\n";
    yaml += "    certificate: /secret/" + n + "-auth.pem\n";
  }
  return yaml;
}

// The exporter with manual time and work, a fake probe, and a real HTTP
// server on 127.0.0.1 port 0.
class ExporterAppTest : public ::testing::Test {
 protected:
  ExporterAppTest() : timers_(clock_), dir_(MakeTempDir()) {
    flags_.config_file = dir_ + "/pushprobe.yml";
    flags_.listen_addresses = {"127.0.0.1:0"};
    flags_.workers = 2;
  }

  void StartWith(const std::string& yaml) {
    WriteFile(flags_.config_file, yaml);
    ExporterApp::Dependencies deps;
    deps.clock = &clock_;
    deps.timers = &timers_;
    if (!own_executor_) deps.executor = &executor_;
    deps.log = &log_;
    deps.web_access = web_access_;
    deps.probe_factory = [this](const std::shared_ptr<const TargetConfig>& t) -> ProbeFunction {
      ++runners_made_;
      return [this, name = t->name](std::optional<Duration>) {
        if (result_for_) return result_for_(name);
        return failing_.count(name)
                   ? FakeResult(name, clock_.Now(), StageId::kToken, Reason::kOauthError)
                   : FakeResult(name, clock_.Now());
      };
    };
    app_ = std::make_unique<ExporterApp>(flags_, std::move(deps));
    auto started = app_->Start();
    ASSERT_TRUE(started.ok()) << started.error();
  }

  void RunFor(Duration total) {
    for (Duration d{}; d < total; d += 1s) {
      timers_.RunDue();
      executor_.RunAll();
      clock_.Advance(1s);
    }
  }

  std::string Get(const std::string& uri, int* status = nullptr, std::string* type = nullptr,
                  const std::string& method = "GET") {
    Poco::Net::HTTPClientSession session("127.0.0.1", app_->port());
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    if (status) *status = response.getStatus();
    if (type) *type = response.getContentType();
    return body;
  }

  ManualClock clock_;
  ManualTimerQueue timers_;
  ManualExecutor executor_;
  std::ostringstream log_;
  std::string dir_;
  ExporterFlags flags_;
  std::set<std::string> failing_;
  /// When set, what every run returns instead of FakeResult.
  std::function<ProbeResult(const std::string&)> result_for_;
  int runners_made_ = 0;
  WebAccess* web_access_ = nullptr;  ///< the default (allow all) when null
  bool own_executor_ = false;        ///< the exporter's own ThreadPool, not executor_
  std::unique_ptr<ExporterApp> app_;
};

TEST_F(ExporterAppTest, ServesScheduledResultsOverHttp) {
  StartWith(ConfigWith({"contoso", "fabrikam"}));
  failing_.insert("contoso");
  RunFor(10s);
  int status = 0;
  std::string type;
  const std::string metrics = Get("/metrics", &status, &type);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.find("probe_success{target=\"fabrikam\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("probe_success{target=\"contoso\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("probe_failure_info{target=\"contoso\",stage=\"token\",reason=\"oauth_"
                         "error\",category=\"Unknown\"} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("pushprobe_exporter_targets 2\n"), std::string::npos);
  EXPECT_NE(metrics.find("pushprobe_exporter_config_last_reload_successful 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("pushprobe_exporter_build_info{compiler=\""), std::string::npos);
  if (auto problems = testing::PromtoolCheck(metrics)) {
    EXPECT_EQ(*problems, "") << metrics;
  }

  // One logfmt line per failed run, none for successes.
  const std::string log = log_.str();
  EXPECT_NE(log.find("level=warn msg=\"run failed\" target=contoso"), std::string::npos) << log;
  EXPECT_EQ(log.find("target=fabrikam"), std::string::npos);

  const std::string probe = Get("/probe?target=fabrikam", &status, &type);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(probe.find("probe_success{target=\"fabrikam\"} 1\n"), std::string::npos);
  Get("/probe?target=unknown", &status);
  EXPECT_EQ(status, 400);

  const std::string config = Get("/config", &status);
  EXPECT_EQ(config.find("/secret/"), std::string::npos) << config;
  EXPECT_NE(config.find("<redacted>"), std::string::npos);
  const std::string page = Get("/", &status, &type);
  EXPECT_EQ(type, "text/html; charset=utf-8");
  EXPECT_NE(page.find("fabrikam"), std::string::npos);
}

TEST_F(ExporterAppTest, RunsThatComeDueWhileAMetricsBodyIsWrittenWaitForIt) {
  StartWith(ConfigWith({"fabrikam"}));
  MetricsBody body = app_->Metrics();  // the HTTP server keeps it until written
  ASSERT_NE(body.hold, nullptr);
  timers_.RunDue();  // fabrikam's first slot
  EXPECT_EQ(executor_.pending(), 0u);
  body = MetricsBody{};  // written
  EXPECT_EQ(executor_.pending(), 1u);
}

TEST_F(ExporterAppTest, AZeroScrapeHoldLetsRunsStartDuringAScrape) {
  flags_.scrape_hold = Duration::zero();
  StartWith(ConfigWith({"fabrikam"}));
  MetricsBody body = app_->Metrics();
  EXPECT_EQ(body.hold, nullptr);
  timers_.RunDue();
  EXPECT_EQ(executor_.pending(), 1u);
}

TEST_F(ExporterAppTest, ALargeMetricsBodyComesThroughWhole) {
  std::vector<std::string> names;
  names.reserve(700);
  for (int i = 0; i < 700; ++i) names.push_back("org-" + std::to_string(i));
  StartWith(ConfigWith(names));
  RunFor(10s);
  std::ostringstream targets;
  MetricsRenderer::WriteExposition(targets, app_->store().Rendered());
  // Several of the metrics writer's blocks and the socket buffer's 256 KB.
  ASSERT_GT(targets.str().size(), 512u * 1024);
  int status = 0;
  const std::string body = Get("/metrics", &status);
  EXPECT_EQ(status, 200);
  ASSERT_GT(body.size(), targets.str().size());
  EXPECT_TRUE(body.compare(0, targets.str().size(), targets.str()) == 0);
  EXPECT_NE(body.find("pushprobe_exporter_targets 700\n", targets.str().size()), std::string::npos);
}

TEST_F(ExporterAppTest, BadReloadKeepsTheRunningConfigurationAndSaysSo) {
  flags_.enable_lifecycle = true;
  StartWith(ConfigWith({"fabrikam"}));
  RunFor(10s);
  WriteFile(flags_.config_file, "targets:\n  - name: [broken\n");
  int status = 0;
  const std::string answer = Get("/-/reload", &status, nullptr, "POST");
  EXPECT_EQ(status, 500);
  EXPECT_NE(answer.find("pushprobe.yml:"), std::string::npos) << answer;

  const std::string metrics = Get("/metrics");
  EXPECT_NE(metrics.find("pushprobe_exporter_config_last_reload_successful 0\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("pushprobe_exporter_config_reloads_total{result=\"failure\"} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("pushprobe_exporter_targets 1\n"), std::string::npos);
  // The running target still runs.
  const auto runs_before = app_->store().Find("fabrikam")->counters.runs;
  RunFor(10s);
  EXPECT_EQ(app_->store().Find("fabrikam")->counters.runs, runs_before + 1);
  EXPECT_NE(Get("/").find("previous configuration is still running"), std::string::npos);
  Get("/-/reload", &status);
  EXPECT_EQ(status, 405);
}

// A key others can read is a warning in the log and on the status page at
// each load, naming the file and the chmod; a key only the service's group
// reads (here the process's own group) is not.
TEST_F(ExporterAppTest, SecretFilesReadableByOthersAreLoggedAndShownWithTheirChmod) {
  const std::string open_key = dir_ + "/open.key";
  const std::string closed_key = dir_ + "/closed.key";
  WriteFile(open_key, "key\n");
  WriteFile(closed_key, "key\n");
  ASSERT_EQ(::chmod(open_key.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(closed_key.c_str(), 0640), 0);
  StartWith(
      "targets:\n  - name: open\n    organization: open.com\n    certificate: a.pem\n"
      "    private_key: open.key\n  - name: closed\n    organization: closed.com\n"
      "    certificate: a.pem\n    private_key: closed.key\n");
  const std::string warning = "private_key " + open_key +
                              " is readable by others (mode 0644); run: chmod o-rwx " + open_key;
  EXPECT_NE(log_.str().find("level=warn msg=\"secret file readable beyond the service\" file=\"" +
                            warning + "\""),
            std::string::npos)
      << log_.str();
  EXPECT_EQ(log_.str().find(closed_key), std::string::npos) << log_.str();
  const std::string page = Get("/");
  EXPECT_NE(page.find("<div class=\"warn secret\">" + warning + "</div>"), std::string::npos)
      << page;
  EXPECT_EQ(page.find(closed_key), std::string::npos);

  // Fixed and reloaded: the warning goes.
  ASSERT_EQ(::chmod(open_key.c_str(), 0600), 0);
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(Get("/").find("warn secret"), std::string::npos);
}

TEST_F(ExporterAppTest, ReloadKeepsHistoryAndRunnersOfTargetsThatStay) {
  StartWith(ConfigWith({"a", "b"}));
  RunFor(30s);
  const auto a_runs = app_->store().Find("a")->counters.runs;
  ASSERT_GE(a_runs, 2u);
  EXPECT_EQ(runners_made_, 2);

  WriteFile(flags_.config_file, ConfigWith({"a", "c"}));
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(runners_made_, 3);  // only the new target gets a new runner
  EXPECT_EQ(app_->store().Find("a")->counters.runs, a_runs);
  EXPECT_EQ(app_->store().Find("a")->history.size(), a_runs);
  EXPECT_FALSE(app_->store().Find("b").has_value());
  RunFor(10s);
  EXPECT_TRUE(app_->store().Find("c")->last.has_value());

  const std::string metrics = Get("/metrics");
  EXPECT_EQ(metrics.find("target=\"b\""), std::string::npos);
  EXPECT_NE(metrics.find("pushprobe_exporter_config_reloads_total{result=\"success\"} 2\n"),
            std::string::npos);
}

TEST_F(ExporterAppTest, ConfigShowsTheRunningTargetsInFileOrderAfterAReload) {
  StartWith(ConfigWith({"b", "a"}));
  std::string yaml = ConfigWith({"c", "b", "a"});
  yaml.replace(yaml.find("a.example.com"), 13, "a-moved.example.com");
  WriteFile(flags_.config_file, yaml);
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(runners_made_, 4);  // c is new, a changed, b stays
  const std::string config = Get("/config");
  const auto c = config.find("name: c");
  const auto b = config.find("name: b");
  const auto a = config.find("name: a");
  ASSERT_NE(c, std::string::npos) << config;
  ASSERT_NE(b, std::string::npos) << config;
  ASSERT_NE(a, std::string::npos) << config;
  EXPECT_LT(c, b);
  EXPECT_LT(b, a);
  EXPECT_NE(config.find("organization: b.example.com"), std::string::npos) << config;
  EXPECT_NE(config.find("organization: a-moved.example.com"), std::string::npos) << config;
  EXPECT_EQ(config.find("organization: a.example.com"), std::string::npos) << config;
}

TEST_F(ExporterAppTest, ReloadGivesATargetThatChangedItsTokenFlowANewRunner) {
  const std::string acs = ConfigWith({"a"});
  StartWith(acs);
  EXPECT_EQ(runners_made_, 1);
  const std::string v2 = acs +
                         "    token_flow: identity-platform\n"
                         "    application_id: 11111111-2222-3333-4444-555555555555\n";
  WriteFile(flags_.config_file, v2);
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(runners_made_, 2);
  std::string other_app = v2;
  other_app.replace(other_app.find("11111111"), 8, "99999999");
  WriteFile(flags_.config_file, other_app);
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(runners_made_, 3);
  WriteFile(flags_.config_file, other_app + "    tenant: contoso.example.com\n");
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(runners_made_, 4);
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(runners_made_, 4);  // the same file again changes nothing
}

// A reload that changes any one setting of a target must give it a new
// runner, or the target keeps checking with the old setting. Every key a
// target accepts is changed here, one at a time; the list is compared with
// the keys of the loader's full example, so a new key cannot be left out.
TEST_F(ExporterAppTest, ReloadGivesATargetThatChangedAnySettingANewRunner) {
  constexpr const char* kV2 =
      "    token_flow: identity-platform\n"
      "    application_id: 11111111-2222-3333-4444-555555555555\n";
  constexpr const char* kProxy =
      "    proxy: http://proxy.example:3128\n"
      "    proxy_user: alice\n"
      "    proxy_password_file: /secret/a-proxy.pass\n";
  struct Change {
    std::string key;
    std::string base;  // lines the target has before, besides ConfigWith's
    std::string from;  // replaced by `to`; when empty, `to` is appended
    std::string to;
  };
  const std::vector<Change> changes = {
      {"name", "", "name: a", "name: b"},
      {"organization", "", "organization: a.example.com", "organization: b.example.com"},
      {"certificate", "", "/secret/a-auth.pem", "/secret/b-auth.pem"},
      {"service_uri", "", "", "    service_uri: https://push.example.com/PushNotifications\n"},
      {"auth_metadata_url", "", "", "    auth_metadata_url: https://metadata.example.com/json\n"},
      {"private_key", "", "", "    private_key: /secret/a.key\n"},
      {"private_key_password_file", "", "", "    private_key_password_file: /secret/a.pass\n"},
      {"thumbprint", "", "", "    thumbprint: 7595DBDEA83DACB5757441D44899BCDB9911253C\n"},
      {"next_certificate", "", "", "    next_certificate: /secret/next.pem\n"},
      {"next_private_key", "    next_certificate: /secret/next.pem\n", "",
       "    next_private_key: /secret/next.key\n"},
      {"next_private_key_password_file", "    next_certificate: /secret/next.pem\n", "",
       "    next_private_key_password_file: /secret/next.pass\n"},
      {"next_effective_date", "    next_certificate: /secret/next.pem\n", "",
       "    next_effective_date: 2027-01-15\n"},
      {"ca_file", "", "", "    ca_file: /etc/ssl/certs/ca-certificates.crt\n"},
      {"connect_to", "", "", "    connect_to: [\"outlook.office365.com:443:127.0.0.1:8443\"]\n"},
      {"proxy", "", "", "    proxy: http://proxy.example:3128\n"},
      {"proxy_user", kProxy, "proxy_user: alice", "proxy_user: bob"},
      {"proxy_password_file", kProxy, "/secret/a-proxy.pass", "/secret/b-proxy.pass"},
      {"tls_max_version", "", "", "    tls_max_version: \"1.3\"\n"},
      {"tls_profile", "", "", "    tls_profile: windows-2012r2\n"},
      {"tls_ciphers", "", "", "    tls_ciphers: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n"},
      {"timeout", "", "", "    timeout: 4s\n"},
      {"interval", "", "", "    interval: 20s\n"},
      {"service_name", "", "", "    service_name: 00000002-0000-0ff1-ce00-00000000000a\n"},
      {"token_issuer", "", "", "    token_issuer: 00000001-0000-0000-c000-00000000000a\n"},
      {"max_response_bytes", "", "", "    max_response_bytes: 2048\n"},
      {"token_flow", "", "", kV2},
      {"application_id", kV2, "11111111", "99999999"},
      {"tenant", kV2, "", "    tenant: contoso.example.com\n"},
      {"token_url", kV2, "", "    token_url: https://login.example.com/a/oauth2/v2.0/token\n"},
      {"scope", kV2, "", "    scope: https://outlook.office.com/.default\n"},
      {"concurrency", "", "", "    concurrency: sequential\n"},
  };
  std::set<std::string> changed_keys;
  for (const Change& c : changes) changed_keys.insert(c.key);
  std::set<std::string> accepted_keys;
  YAML::Node full = YAML::LoadFile(std::string(PUSHPROBE_CONFIG_TESTDATA) + "/valid-full.yml");
  for (const auto& kv : full["targets"][0]) accepted_keys.insert(kv.first.as<std::string>());
  EXPECT_EQ(changed_keys, accepted_keys);

  StartWith(ConfigWith({"a"}));
  for (const Change& c : changes) {
    const std::string before = ConfigWith({"a"}) + c.base;
    std::string after = before;
    if (c.from.empty()) {
      after += c.to;
    } else {
      after.replace(after.find(c.from), c.from.size(), c.to);
    }
    WriteFile(flags_.config_file, before);
    ASSERT_TRUE(app_->Reload().ok()) << c.key;
    const int runners = runners_made_;
    WriteFile(flags_.config_file, after);
    const Expected<void> outcome = app_->Reload();
    ASSERT_TRUE(outcome.ok()) << c.key << ": " << outcome.error();
    EXPECT_EQ(runners_made_, runners + 1) << "changing " << c.key << " kept the old runner";
  }
}

std::vector<std::string> OrgNames(int n) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) names.push_back("org-" + std::to_string(i));
  return names;
}

std::string WithShard(const std::string& shard, const std::string& config) {
  return "exporter:\n  shard: " + shard + "\n" + config;
}

TEST_F(ExporterAppTest, AShardSchedulesItsOwnTargetsAndProbesAnyConfiguredOne) {
  const std::vector<std::string> names = OrgNames(12);
  StartWith(WithShard("1/2", ConfigWith(names)));
  RunFor(20s);
  std::string outside;
  int status = 0;
  const std::string metrics = Get("/metrics");
  for (const std::string& name : names) {
    const bool held = HashMod(name, 2) == 1;
    if (!held) outside = name;
    EXPECT_EQ(app_->store().Find(name).has_value(), held) << name;
    EXPECT_EQ(app_->scheduler().NextRun(name).has_value(), held) << name;
    EXPECT_EQ(metrics.find("probe_success{target=\"" + name + "\"}") != std::string::npos, held)
        << name;
  }
  ASSERT_FALSE(outside.empty());
  EXPECT_NE(metrics.find("pushprobe_exporter_shard_info{shard=\"1\",shards=\"2\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pushprobe_exporter_targets 12\n"), std::string::npos);
  EXPECT_NE(metrics.find("pushprobe_exporter_targets_scheduled " +
                         std::to_string(app_->store().size()) + "\n"),
            std::string::npos);
  if (auto problems = testing::PromtoolCheck(metrics)) {
    EXPECT_EQ(*problems, "") << metrics;
  }
  EXPECT_NE(Get("/").find("shard 1/2"), std::string::npos);

  // Another replica's target still answers /probe, and the run stays out of
  // this replica's scheduled results.
  const std::string probe = Get("/probe?target=" + outside, &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(probe.find("probe_success{target=\"" + outside + "\"} 1\n"), std::string::npos);
  EXPECT_FALSE(app_->store().Find(outside).has_value());
}

TEST_F(ExporterAppTest, TheShardFlagWinsOverTheFile) {
  flags_.shard = Shard{0, 3};
  StartWith(WithShard("1/2", ConfigWith(OrgNames(12))));
  for (const std::string& name : OrgNames(12)) {
    EXPECT_EQ(app_->scheduler().NextRun(name).has_value(), HashMod(name, 3) == 0) << name;
  }
  EXPECT_NE(Get("/metrics").find("pushprobe_exporter_shard_info{shard=\"0\",shards=\"3\"} 1\n"),
            std::string::npos);
  EXPECT_NE(log_.str().find("shard=0/3"), std::string::npos) << log_.str();
}

TEST_F(ExporterAppTest, WithoutAShardEveryTargetIsScheduledAndTheInfoSaysZeroOfOne) {
  StartWith(ConfigWith(OrgNames(5)));
  for (const std::string& name : OrgNames(5)) EXPECT_TRUE(app_->scheduler().NextRun(name)) << name;
  const std::string metrics = Get("/metrics");
  EXPECT_NE(metrics.find("pushprobe_exporter_shard_info{shard=\"0\",shards=\"1\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(Get("/").find("shard "), std::string::npos);
}

// A reload from 0/2 to 0/3: the targets hashmod 3 no longer puts on 0 leave,
// those it newly puts there arrive, and those on 0 both times keep their
// runner, history, counters and next run.
TEST_F(ExporterAppTest, ReloadFromShard0Of2To0Of3MovesOnlyTheTargetsThatChangeShard) {
  const std::vector<std::string> names = OrgNames(24);
  StartWith(WithShard("0/2", ConfigWith(names)));
  RunFor(35s);
  std::map<std::string, std::uint64_t> runs;
  std::map<std::string, std::size_t> history;
  std::map<std::string, std::optional<SteadyTime>> next_run;
  for (const std::string& name : names) {
    if (auto t = app_->store().Find(name)) {
      runs[name] = t->counters.runs;
      history[name] = t->history.size();
      next_run[name] = app_->scheduler().NextRun(name);
      ASSERT_GE(runs[name], 3u) << name;
    }
  }
  const int runners_before = runners_made_;

  WriteFile(flags_.config_file, WithShard("0/3", ConfigWith(names)));
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(runners_made_, runners_before);  // a shard change makes no new runner
  std::set<std::string> stayed, left, arrived;
  for (const std::string& name : names) {
    const bool before = HashMod(name, 2) == 0;
    const bool after = HashMod(name, 3) == 0;
    EXPECT_EQ(app_->store().Find(name).has_value(), after) << name;
    EXPECT_EQ(app_->scheduler().NextRun(name).has_value(), after) << name;
    if (before && after) {
      stayed.insert(name);
      EXPECT_EQ(app_->store().Find(name)->counters.runs, runs[name]) << name;
      EXPECT_EQ(app_->store().Find(name)->history.size(), history[name]) << name;
      EXPECT_EQ(app_->scheduler().NextRun(name), next_run[name]) << name;
    } else if (before) {
      left.insert(name);
    } else if (after) {
      arrived.insert(name);
      EXPECT_EQ(app_->store().Find(name)->counters.runs, 0u) << name;
    }
  }
  // The 24 names give all three kinds of target, so each check above ran.
  ASSERT_FALSE(stayed.empty());
  ASSERT_FALSE(left.empty());
  ASSERT_FALSE(arrived.empty());
  EXPECT_NE(Get("/metrics").find("pushprobe_exporter_shard_info{shard=\"0\",shards=\"3\"} 1\n"),
            std::string::npos);

  RunFor(11s);  // every slot of the next interval, whatever its offset
  const std::string metrics = Get("/metrics");
  for (const std::string& name : left) {
    EXPECT_EQ(metrics.find("target=\"" + name + "\""), std::string::npos) << name;
  }
  for (const std::string& name : arrived) {
    EXPECT_NE(metrics.find("probe_success{target=\"" + name + "\"} 1\n"), std::string::npos)
        << name;
  }
  for (const std::string& name : stayed) {
    EXPECT_GT(app_->store().Find(name)->counters.runs, runs[name]) << name;
  }
}

TEST_F(ExporterAppTest, StartFailsOnABadConfigFile) {
  WriteFile(flags_.config_file, "targets: 3\n");
  ExporterApp::Dependencies deps;
  deps.clock = &clock_;
  deps.timers = &timers_;
  deps.executor = &executor_;
  deps.log = &log_;
  deps.probe_factory = [](const std::shared_ptr<const TargetConfig>&) -> ProbeFunction {
    return nullptr;
  };
  ExporterApp app(flags_, std::move(deps));
  auto started = app.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().find("pushprobe.yml"), std::string::npos);
}

// Issue 11: any web page a monitoring admin opened could POST /-/reload
// cross-site. Without --web.enable-lifecycle it is refused; SIGHUP (which
// calls Reload) still works.
TEST_F(ExporterAppTest, ReloadOverHttpNeedsTheLifecycleFlag) {
  StartWith(ConfigWith({"fabrikam"}));
  WriteFile(flags_.config_file, ConfigWith({"fabrikam", "contoso"}));
  int status = 0;
  const std::string answer = Get("/-/reload", &status, nullptr, "POST");
  EXPECT_EQ(status, 403);
  EXPECT_NE(answer.find("--web.enable-lifecycle"), std::string::npos) << answer;
  EXPECT_NE(Get("/metrics").find("pushprobe_exporter_targets 1\n"), std::string::npos);
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_NE(Get("/metrics").find("pushprobe_exporter_targets 2\n"), std::string::npos);
}

TEST_F(ExporterAppTest, AReloadReadsTheWebConfigurationAgainToo) {
  class Counting final : public WebAccess {
   public:
    ConnectionSecurity ForNewConnection() override { return {}; }
    std::optional<HttpRouterResponse> Authorize(const HttpRouterRequest&) override {
      return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> ResponseHeaders() override { return {}; }
    Expected<void> Reload() override {
      ++reloads;
      return Expected<void>::Error("broken");
    }
    int reloads = 0;
  } counting;
  web_access_ = &counting;
  StartWith(ConfigWith({"fabrikam"}));
  const int at_start = counting.reloads;
  // SIGHUP and POST /-/reload both come here; a bad web config does not fail
  // the targets' reload (the running web configuration is kept).
  EXPECT_TRUE(app_->Reload().ok());
  EXPECT_EQ(counting.reloads, at_start + 1);
  app_->Stop(Duration::zero());
}

TEST_F(ExporterAppTest, RoutePrefixTelemetryPathAndStatusPageLinks) {
  flags_.route_prefix = "/pp";
  flags_.telemetry_path = "/own-metrics";
  flags_.external_url = "https://mon.example.com/pp/";
  StartWith(ConfigWith({"fabrikam"}));
  int status = 0;
  EXPECT_NE(Get("/pp/own-metrics", &status).find("pushprobe_exporter_targets 1\n"),
            std::string::npos);
  EXPECT_EQ(status, 200);
  Get("/metrics", &status);
  EXPECT_EQ(status, 404);
  Get("/pp/metrics", &status);
  EXPECT_EQ(status, 404);
  Get("/ppx/-/healthy", &status);
  EXPECT_EQ(status, 404);
  Get("/pp/-/healthy", &status);
  EXPECT_EQ(status, 200);
  const std::string page = Get("/pp/", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(page.find("href=\"https://mon.example.com/pp/own-metrics\""), std::string::npos)
      << page;
  EXPECT_NE(page.find("href=\"https://mon.example.com/pp/config\""), std::string::npos);
  EXPECT_NE(page.find("href=\"https://mon.example.com/pp/target/fabrikam"), std::string::npos);
  const std::string target = Get("/pp/target/fabrikam", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(target.find("href=\"https://mon.example.com/pp/probe?target=fabrikam"),
            std::string::npos)
      << target;
  EXPECT_NE(target.find("href=\"https://mon.example.com/pp/\">&larr; all targets"),
            std::string::npos);
  Get("/pp", &status);
  EXPECT_EQ(status, 200);
}

TEST_F(ExporterAppTest, MetricsCarryProcessAndWebListenerSeries) {
  StartWith(ConfigWith({"fabrikam"}));
  const std::string metrics = Get("/metrics");
  for (const char* name :
       {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
        "process_virtual_memory_bytes ", "process_open_fds ", "process_max_fds ",
        "process_start_time_seconds ", "pushprobe_exporter_http_connections ",
        "pushprobe_exporter_http_connections_closed_total{reason=\"header_timeout\"} 0\n",
        "pushprobe_exporter_probe_requests_total{result=\"rejected\"} 0\n",
        "pushprobe_exporter_probes_max_concurrent 8\n",
        "pushprobe_exporter_probe_requests_in_flight 0\n",
        "pushprobe_exporter_dns_lookups_in_flight ", "pushprobe_exporter_dns_lookups_waiting ",
        "pushprobe_exporter_dns_lookups_max_in_flight 8\n"}) {
    EXPECT_NE(metrics.find(std::string("\n") + name), std::string::npos) << name;
  }
  if (auto problems = testing::PromtoolCheck(metrics)) {
    EXPECT_EQ(*problems, "") << metrics;
  }
}

// --scheduler.nice: a scheduled run's thread sits the flag's levels below
// the exporter's, the thread that answers /metrics keeps the exporter's.
TEST_F(ExporterAppTest, ScheduledRunsRunTheNiceFlagsLevelsBelowTheWebAnswers) {
  const int base = ThreadNice();
  if (base + 4 > 19) GTEST_SKIP() << "the test runs at nice " << base << ", no room below";
  // Records the nice of the thread that adds the response headers (the one
  // answering the request).
  class Recording final : public WebAccess {
   public:
    ConnectionSecurity ForNewConnection() override { return {}; }
    std::optional<HttpRouterResponse> Authorize(const HttpRouterRequest&) override {
      return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> ResponseHeaders() override {
      comm = ThisThreadComm();
      nice = ThreadNice();
      return {};
    }
    std::atomic<int> nice{-100};
    std::string comm;  // written before nice, read after it
  } access;
  web_access_ = &access;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<int> run_nice;
  std::string run_comm;
  result_for_ = [&](const std::string& name) {
    std::lock_guard<std::mutex> lock(mu);
    run_nice = ThreadNice();
    run_comm = ThisThreadComm();
    cv.notify_all();
    return FakeResult(name, clock_.Now());
  };
  // The exporter's threads stop before the locals they reach go, whatever ends the test.
  struct StopFirst {
    std::unique_ptr<ExporterApp>& app;
    ~StopFirst() { app.reset(); }
  } stop_first{app_};
  flags_.check_nice = 4;
  own_executor_ = true;
  StartWith(ConfigWith({"fabrikam"}));
  for (int i = 0; i < 10; ++i) {  // the run's first start is within its interval
    timers_.RunDue();
    clock_.Advance(1s);
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return run_nice.has_value(); }));
  }
  EXPECT_EQ(*run_nice, base + 4);
  EXPECT_EQ(run_comm, "pp-check");  // named for ps -L and top -H
  Get("/metrics");
  EXPECT_EQ(access.nice.load(), base);
  EXPECT_EQ(access.comm, "pp-web");
  EXPECT_EQ(ThreadNice(), base);
}

// Where the kernel refuses the check level (a seccomp filter, a container),
// the exporter says so once, whatever the number of check threads, and runs on.
// What the fake setrlimit below was asked to set the soft limit to.
std::vector<rlim_t> soft_limits_set;

// Start raises the open file limit once, and says when what results is
// short of what the flags can need.
TEST_F(ExporterAppTest, StartRaisesTheOpenFileLimitAndWarnsWhenItIsShort) {
  struct FakeLimits {
    FakeLimits() {
      soft_limits_set.clear();
      RlimitCallsForTest(
          [](int, rlimit* limit) {
            *limit = {100, 200};
            return 0;
          },
          [](int, const rlimit* limit) {
            soft_limits_set.push_back(limit->rlim_cur);
            return 0;
          });
    }
    ~FakeLimits() { RlimitCallsForTest(nullptr, nullptr); }
  } limits;
  StartWith(ConfigWith({"fabrikam"}));
  EXPECT_EQ(soft_limits_set, std::vector<rlim_t>{200});
  const std::string log = log_.str();
  EXPECT_NE(log.find("level=warn msg=\"open file limit below what the configuration can need\" "
                     "limit=200 hard=200 needed=" +
                     std::to_string(DescriptorsNeeded(flags_)) + " "),
            std::string::npos)
      << log;
}

TEST_F(ExporterAppTest, ARefusedCheckLevelIsLoggedOnceAndTheRunsGoOn) {
  const int base = ThreadNice();
  if (base + 4 > 19) GTEST_SKIP() << "the test runs at nice " << base << ", no room below";
  struct Refused {
    Refused() {
      SetPriorityCallForTest([](int, id_t, int) { return errno = EPERM, -1; });
    }
    ~Refused() { SetPriorityCallForTest(nullptr); }
  } refused;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<int> run_nice;
  result_for_ = [&](const std::string& name) {
    std::lock_guard<std::mutex> lock(mu);
    run_nice = ThreadNice();
    cv.notify_all();
    return FakeResult(name, clock_.Now());
  };
  flags_.check_nice = 4;
  flags_.workers = 3;
  own_executor_ = true;
  StartWith(ConfigWith({"fabrikam"}));
  for (int i = 0; i < 10; ++i) {
    timers_.RunDue();
    clock_.Advance(1s);
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return run_nice.has_value(); }));
  }
  EXPECT_EQ(*run_nice, base);  // refused: the run keeps the exporter's level
  app_.reset();                // every worker has tried its level once it is joined
  const std::string log = log_.str();
  const std::string line = "level=warn msg=\"check thread priority refused\"";
  ASSERT_NE(log.find(line), std::string::npos) << log;
  EXPECT_EQ(log.find(line, log.find(line) + 1), std::string::npos) << log;
  EXPECT_NE(log.find("nice " + std::to_string(base + 4) + ": " + std::strerror(EPERM)),
            std::string::npos)
      << log;
}

// The /probe requests the server holds (answering or queued for a /probe
// worker) are on the exporter's own /metrics, so a pile-up shows before the
// 429s start.
TEST(ExporterMetricsTest, ProbeRequestsInFlightAreTheServersOutstandingProbes) {
  ExporterMetrics metrics("test");
  WebStats web;
  web.server.probe_outstanding = 3;
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(
      out, metrics.Collect(SchedulerStats{}, web, net_internal::ResolverStats{}));
  EXPECT_NE(out.str().find("# TYPE pushprobe_exporter_probe_requests_in_flight gauge\n"
                           "pushprobe_exporter_probe_requests_in_flight 3\n"),
            std::string::npos)
      << out.str();
}

// Series per target on /metrics, counted by the target label: 23 for a
// success by default (docs/metrics.md), at most 25 for a failure, and the
// 20 probe_http_duration_seconds series more with --metrics.http-phases.
std::map<std::string, int> SeriesPerTarget(const std::string& exposition) {
  std::map<std::string, int> count;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find("{target=\"");
    if (line.empty() || line[0] == '#' || at == std::string::npos) continue;
    const auto begin = at + 9;
    ++count[line.substr(begin, line.find('"', begin) - begin)];
  }
  return count;
}

class SeriesPerTargetTest : public ExporterAppTest, public ::testing::WithParamInterface<bool> {};

TEST_P(SeriesPerTargetTest, MetricsCarryTheHttpPhasesOnlyWithTheFlag) {
  const bool http_phases = GetParam();
  flags_.metrics_http_phases = http_phases;
  result_for_ = [this](const std::string& name) {
    ProbeResult r =
        name == "contoso" ? samples::TokenFailureAadsts700027Result() : samples::SucceededResult();
    r.target = name;
    r.started_at = clock_.Now();
    return r;
  };
  StartWith(ConfigWith({"contoso", "fabrikam"}));
  RunFor(10s);
  const std::string metrics = Get("/metrics");
  const std::map<std::string, int> series = SeriesPerTarget(metrics);
  ASSERT_EQ(series.size(), 2u) << metrics;
  EXPECT_EQ(series.at("fabrikam"), http_phases ? 43 : 23) << metrics;
  EXPECT_LE(series.at("contoso"), http_phases ? 45 : 25) << metrics;
  EXPECT_EQ(metrics.find("probe_http_duration_seconds") != std::string::npos, http_phases);
  // What the shipped alerts, the Grafana dashboard and the status page read
  // is there either way.
  for (const char* name :
       {"probe_success{", "probe_duration_seconds{", "probe_stage_success{",
        "probe_stage_duration_seconds{", "probe_failure_info{", "probe_failures_total{",
        "probe_auth_certificate_expiry_timestamp_seconds{",
        "probe_tls_certificate_expiry_timestamp_seconds{", "probe_token_expiry_timestamp_seconds{",
        "probe_clock_skew_seconds{", "probe_last_run_timestamp_seconds{"}) {
    EXPECT_NE(metrics.find(name), std::string::npos) << name;
  }
  // /probe always has the phases.
  const std::string probe = Get("/probe?target=fabrikam");
  EXPECT_NE(probe.find("probe_http_duration_seconds{target=\"fabrikam\",stage=\"publish\""),
            std::string::npos)
      << probe;
  if (auto problems = testing::PromtoolCheck(metrics)) {
    EXPECT_EQ(*problems, "") << metrics;
  }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutFlag, SeriesPerTargetTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "HttpPhases" : "Default";
                         });

}  // namespace
}  // namespace pushprobe::exporter
