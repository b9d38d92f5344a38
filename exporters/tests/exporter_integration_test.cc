#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "exporters/exporter_app.h"
#include "exporters/exporter_main.h"
#include "exporters/tests/test_util.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/lab.h"
#include "tests/support/eventually.h"
#include "tests/support/test_pki.h"

namespace pushprobe::exporter {
namespace {

using pushprobe::testing::Eventually;
using namespace std::chrono_literals;

struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string warning;  // X-Pushprobe-Warning
};

// The exporter (real clock, timers, workers and engine) against the
// in-process Office 365 emulator, driven over HTTP as Prometheus would.
class ExporterIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lab_ = emulator::MakeLab(testing::MakeTempDir());
    emulator_ = std::make_unique<emulator::Emulator>(lab_.ToOptions());
    emulator_->Start();

    // The lab's configuration, on a schedule short enough for a test.
    std::ifstream in(lab_.Path(emulator::Lab::kPushprobeConfig));
    std::stringstream yaml;
    yaml << in.rdbuf();
    std::string config = yaml.str();
    for (auto [from, to] : {std::pair<std::string, std::string>{"interval: 30s", interval_},
                            {"timeout: 10s", "timeout: 2s"}}) {
      for (std::size_t at; (at = config.find(from)) != std::string::npos;) {
        config.replace(at, from.size(), to);
      }
    }
    const std::string file = lab_.Path("exporter.yml");
    testing::WriteFile(file, config);

    ExporterFlags flags;
    flags.config_file = file;
    flags.listen_addresses = {"127.0.0.1:0"};
    flags.workers = 2;
    // Each /probe below runs afresh (the spacing is tested on its own).
    flags.probe_min_interval = Duration::zero();
    CustomizeFlags(flags);
    ExporterApp::Dependencies deps;
    deps.log = &log_;
    app_ = std::make_unique<ExporterApp>(flags, deps);
    auto started = app_->Start();
    ASSERT_TRUE(started.ok()) << started.error();
  }

  virtual void CustomizeFlags(ExporterFlags&) {}

  void TearDown() override {
    if (app_) app_->Stop(5s);
    if (emulator_) emulator_->Stop();
  }

  Answer Get(const std::string& uri, const std::string& scrape_timeout = "10") {
    Poco::Net::HTTPClientSession session("127.0.0.1", app_->port());
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request("GET", uri, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("X-Prometheus-Scrape-Timeout-Seconds", scrape_timeout);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer a;
    a.status = response.getStatus();
    a.content_type = response.getContentType();
    a.warning = response.get("X-Pushprobe-Warning", "");
    Poco::StreamCopier::copyToString(in, a.body);
    return a;
  }

  // Scrapes /metrics until every needle shows or \p limit passes (real time:
  // the scheduler runs on the system clock here).
  std::string ScrapeUntil(const std::vector<std::string>& needles, Duration limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::string body;
    while (std::chrono::steady_clock::now() < until) {
      body = Get("/metrics").body;
      bool all = true;
      for (const std::string& n : needles) all = all && body.find(n) != std::string::npos;
      if (all) return body;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "timed out waiting for /metrics to show the expected series:\n" << body;
    return body;
  }

  static void ExpectPromtoolClean(const std::string& exposition) {
    std::optional<std::string> problems = testing::PromtoolCheck(exposition);
    if (!problems) {
      GTEST_SKIP() << "promtool is not installed (Debian package prometheus); "
                      "scripts/test.sh installs it";
    }
    EXPECT_EQ(*problems, "") << exposition;
  }

  std::string interval_ = "interval: 2s";
  emulator::Lab lab_;
  std::unique_ptr<emulator::Emulator> emulator_;
  std::ostringstream log_;
  std::unique_ptr<ExporterApp> app_;
};

TEST_F(ExporterIntegrationTest, ScheduledRunsShowSuccessAndTheRightFailure) {
  const std::string metrics = ScrapeUntil(
      {"probe_success{target=\"fabrikam\"} 1\n",
       "probe_failure_info{target=\"fabrikam-unregistered\",stage=\"token\",reason=\"oauth_error\","
       "category=\"Unknown\"} 1\n"});
  EXPECT_NE(metrics.find("probe_success{target=\"fabrikam-unregistered\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("probe_token_expiry_timestamp_seconds{target=\"fabrikam\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("probe_tls_certificate_expiry_timestamp_seconds{target=\"fabrikam\","
                         "endpoint=\"publish\"}"),
            std::string::npos);
  ExpectPromtoolClean(metrics);
}

TEST_F(ExporterIntegrationTest, ProbeRunsNowAndSeesAnInjectedFault) {
  Answer ok = Get("/probe?target=fabrikam");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(ok.body.find("probe_success{target=\"fabrikam\"} 1\n"), std::string::npos) << ok.body;
  ExpectPromtoolClean(ok.body);

  emulator::Fault fault;
  fault.stage = emulator::Stage::kPublish;
  fault.kind = emulator::FaultKind::kStatus;
  fault.status = 503;
  emulator_->InjectFault(fault);

  Answer failed = Get("/probe?target=fabrikam");
  EXPECT_EQ(failed.status, 200);
  EXPECT_NE(failed.body.find("probe_failure_info{target=\"fabrikam\",stage=\"publish\",reason="
                             "\"http_status\""),
            std::string::npos)
      << failed.body;
  // The scheduled runs see it too, and the exporter keeps serving.
  ScrapeUntil({"probe_failure_info{target=\"fabrikam\",stage=\"publish\",reason=\"http_status\""});
  EXPECT_EQ(Get("/-/healthy").status, 200);

  Answer debug = Get("/probe?target=fabrikam&debug=true");
  EXPECT_EQ(debug.status, 200);
  EXPECT_NE(debug.body.find("publish"), std::string::npos);
  EXPECT_NE(debug.body.find("Metrics that would have been returned:"), std::string::npos);

  Answer unknown = Get("/probe?target=https://evil.example/");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(log_.str().find("msg=\"run failed\" target=fabrikam"), std::string::npos);
}

// A scrape timeout header that is not a number still gets a run (bounded by
// the target's timeout), and the scraper and the log both learn why.
TEST_F(ExporterIntegrationTest, ProbeSaysWhyItIgnoredTheScrapeTimeout) {
  Answer a = Get("/probe?target=fabrikam", "ten");
  EXPECT_EQ(a.status, 200);
  EXPECT_NE(a.body.find("probe_success{target=\"fabrikam\"} 1\n"), std::string::npos) << a.body;
  EXPECT_EQ(a.warning,
            "X-Prometheus-Scrape-Timeout-Seconds \"ten\" is not a non-negative number of seconds "
            "such as 10 or 9.5; the run uses the target's own timeout");
  EXPECT_NE(log_.str().find("level=warn msg=\"scrape timeout header ignored\" target=fabrikam"),
            std::string::npos)
      << log_.str();
}

// The same exporter with the default /probe limits and hardly any scheduled
// runs, so the emulator's token requests are the on-demand runs'.
class ExporterProbeLimitsTest : public ExporterIntegrationTest {
 protected:
  ExporterProbeLimitsTest() { interval_ = "interval: 1h"; }
  void CustomizeFlags(ExporterFlags& flags) override {
    flags.probe_min_interval = std::chrono::seconds(5);
    flags.max_concurrent_probes = 4;
  }
};

// Issue 11: 19,384 /probe calls made 19,386 token requests. Now 200 calls at
// once for one target start at most --web.max-concurrent-probes runs; the
// rest share the run in flight, get its recent result, or a 429.
TEST_F(ExporterProbeLimitsTest, ConcurrentProbesOfOneTargetStartAtMostTheAllowedRuns) {
  // Slow enough that the calls overlap the run in flight.
  emulator::Fault slow;
  slow.stage = emulator::Stage::kToken;
  slow.kind = emulator::FaultKind::kSlow;
  slow.delay = 300ms;
  emulator_->InjectFault(slow);
  // Scheduled runs (a target's first slot may be now) also ask for tokens:
  // none is in flight at the reset, and those started after it are taken off.
  ASSERT_TRUE(Eventually([&] { return app_->scheduler().Stats().in_flight == 0; }))
      << "the scheduled runs never settled";
  const std::uint64_t scheduled_before = app_->scheduler().Stats().runs_started;
  emulator_->ResetStats();
  std::vector<int> clients;
  for (int i = 0; i < 200; ++i) {
    const int fd = testing::Connect(app_->port());
    ASSERT_GE(fd, 0);
    testing::Send(fd, testing::Get("/probe?target=fabrikam"));
    clients.push_back(fd);
  }
  std::map<std::string, int> answers;
  for (int fd : clients) {
    testing::Response r = testing::Read(fd);
    ::close(fd);
    if (r.status_line == "HTTP/1.1 200 OK") {
      EXPECT_NE(r.body.find("probe_success{target=\"fabrikam\"} 1\n"), std::string::npos);
      ++answers[r.headers["x-pushprobe-probe-result"]];
    } else {
      EXPECT_EQ(r.status_line, "HTTP/1.1 429 Too Many Requests");
      EXPECT_EQ(r.headers["retry-after"], "1");
      ++answers["429"];
    }
  }
  // A scheduled run that started during the calls is counted at once but
  // asks for its token only later (300 ms here): wait until it has ended,
  // or its pending token would be taken off an on-demand one.
  ASSERT_TRUE(Eventually([&] { return app_->scheduler().Stats().in_flight == 0; }))
      << "a scheduled run never ended";
  const std::uint64_t scheduled = app_->scheduler().Stats().runs_started - scheduled_before;
  const std::uint64_t tokens = emulator_->stats().token.total() - scheduled;
  EXPECT_GE(tokens, 1u);
  EXPECT_LE(tokens, 4u);
  EXPECT_EQ(static_cast<int>(tokens), answers["run"]);
  EXPECT_EQ(answers["run"] + answers["shared"] + answers["recent"] + answers["429"], 200);

  const std::string metrics = Get("/metrics").body;
  EXPECT_NE(metrics.find("pushprobe_exporter_probe_requests_total{result=\"run\"} " +
                         std::to_string(answers["run"]) + "\n"),
            std::string::npos)
      << metrics;
  ExpectPromtoolClean(metrics);
}

// A FIFO nobody writes to as each file key of a target: every run fails at
// once naming the file instead of hanging, so /probe answers and a stop ends.
TEST(ExporterFifoTest, FifoFilesFailTheRunAndTheExporterStillStops) {
  const std::string dir = testing::MakeTempDir();
  const std::string fifo = dir + "/fifo.pem";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  pushprobe::testing::IssuedCert auth = pushprobe::testing::SelfSigned({});
  testing::WriteFile(dir + "/auth.pem", auth.cert_pem + auth.key_pem);
  testing::WriteFile(dir + "/exporter.yml",
                     "defaults:\n  timeout: 2s\n  interval: 2s\n  certificate: auth.pem\n"
                     "targets:\n"
                     "  - name: certificate\n    organization: a.com\n    certificate: fifo.pem\n"
                     "  - name: private_key\n    organization: a.com\n    private_key: fifo.pem\n"
                     "  - name: private_key_password_file\n    organization: a.com\n"
                     "    private_key_password_file: fifo.pem\n"
                     "  - name: ca_file\n    organization: a.com\n    ca_file: fifo.pem\n");
  ExporterFlags flags;
  flags.config_file = dir + "/exporter.yml";
  flags.listen_addresses = {"127.0.0.1:0"};
  flags.workers = 2;
  std::ostringstream log;
  ExporterApp::Dependencies deps;
  deps.log = &log;
  ExporterApp app(flags, deps);
  ASSERT_TRUE(app.Start().ok());

  const std::string is_fifo = fifo + ": is a FIFO (named pipe), not a regular file";
  const std::pair<std::string, std::string> cases[] = {
      {"certificate", "cannot read certificate file " + is_fifo},
      {"private_key", "cannot read private key file " + is_fifo},
      {"private_key_password_file", "cannot read password file " + is_fifo},
      {"ca_file", "cannot read ca_file " + is_fifo},
  };
  for (const auto& [target, want] : cases) {
    auto probe = std::async(std::launch::async, [&app, target = target] {
      return testing::Request(app.port(), testing::Get("/probe?target=" + target + "&debug=true"));
    });
    ASSERT_EQ(probe.wait_for(15s), std::future_status::ready) << "/probe hangs on a FIFO";
    const testing::Response response = probe.get();
    EXPECT_NE(response.body.find("probe_success{target=\"" + target + "\"} 0"), std::string::npos)
        << target << "\n"
        << response.body;
    EXPECT_NE(response.body.find(want), std::string::npos) << target << "\n" << response.body;
  }

  const auto before = std::chrono::steady_clock::now();
  app.Stop(5s);  // what SIGTERM does
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  EXPECT_EQ(log.str().find("runs still in flight at shutdown"), std::string::npos) << log.str();
}

// The configuration itself as a FIFO: the exporter does not start, and a
// reload to one keeps the running configuration; neither waits for a writer.
TEST(ExporterFifoTest, FifoAsTheConfigurationIsRefusedAtStartAndAtReload) {
  const std::string dir = testing::MakeTempDir();
  const std::string fifo = dir + "/fifo.yml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExporterFlags flags;
  flags.config_file = fifo;
  flags.listen_addresses = {"127.0.0.1:0"};
  std::ostringstream log;
  ExporterApp::Dependencies deps;
  deps.log = &log;
  {
    ExporterApp app(flags, deps);
    auto start = std::async(std::launch::async, [&app] { return app.Start(); });
    ASSERT_EQ(start.wait_for(15s), std::future_status::ready) << "Start waits on the FIFO";
    EXPECT_EQ(start.get().error(), "cannot load " + fifo + ":\n" + fifo +
                                       ": cannot read config file: is a FIFO (named pipe), "
                                       "not a regular file\n");
  }
  const std::string real = dir + "/exporter.yml";
  testing::WriteFile(real,
                     "targets:\n  - name: fabrikam\n    organization: fabrikam.com\n"
                     "    certificate: auth.pem\n");
  flags.config_file = dir + "/current.yml";
  ASSERT_EQ(::symlink(real.c_str(), flags.config_file.c_str()), 0);
  ExporterApp app(flags, deps);
  ASSERT_TRUE(app.Start().ok());
  ASSERT_EQ(::unlink(flags.config_file.c_str()), 0);
  ASSERT_EQ(::symlink(fifo.c_str(), flags.config_file.c_str()), 0);
  auto reload = std::async(std::launch::async, [&app] { return app.Reload(); });
  ASSERT_EQ(reload.wait_for(15s), std::future_status::ready) << "a reload waits on the FIFO";
  const Expected<void> outcome = reload.get();
  EXPECT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error().find("is a FIFO (named pipe), not a regular file"), std::string::npos)
      << outcome.error();
  // The running configuration is kept: /config shows it whether or not its
  // first scheduled run has finished (on /metrics a target appears only then).
  EXPECT_NE(testing::Request(app.port(), testing::Get("/config")).body.find("fabrikam"),
            std::string::npos);
  app.Stop(1s);
}

// Issue 10: a run that never ends kept SIGTERM from ever completing. The
// exporter runs in a child process with a /probe run stuck for good; after
// SIGTERM it exits within the stop's own deadline (the longest timeout, 1 s,
// a second of grace and the slack) and its last line names the run it
// abandoned. The pipes are events: no sleeps.
TEST(ExporterShutdownTest, SigtermWithARunThatNeverEndsExitsWithinTheDeadline) {
  const std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/exporter.yml",
                     "targets:\n  - name: stuck\n    organization: stuck.com\n"
                     "    certificate: auth.pem\n    timeout: 1s\n    interval: 1h\n");
  int log_pipe[2];
  int started_pipe[2];
  ASSERT_EQ(::pipe(log_pipe), 0);
  ASSERT_EQ(::pipe(started_pipe), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(log_pipe[0]);
    ::close(started_pipe[0]);
    ::dup2(log_pipe[1], STDERR_FILENO);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ExporterFlags flags;
    flags.config_file = dir + "/exporter.yml";
    flags.listen_addresses = {"127.0.0.1:0"};
    ExporterApp::Dependencies deps;
    const int started = started_pipe[1];
    deps.probe_factory = [started](const std::shared_ptr<const TargetConfig>&) -> ProbeFunction {
      return [started](std::optional<Duration>) {
        (void)!::write(started, "s", 1);
        std::promise<void>().get_future().wait();  // never
        return ProbeResult{};
      };
    };
    ExporterApp app(flags, deps);
    if (!app.Start()) std::_Exit(3);
    std::thread([port = app.port()] {
      testing::Request(port, testing::Get("/probe?target=stuck"));
    }).detach();
    std::_Exit(ServeUntilStopped(app, signals, 200ms) == 0 ? 4 : 5);  // never returns
  }
  ::close(log_pipe[1]);
  ::close(started_pipe[1]);
  pollfd started{started_pipe[0], POLLIN, 0};
  ASSERT_EQ(::poll(&started, 1, 15000), 1) << "the stuck run never started";
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  std::string log;
  char buffer[4096];
  for (;;) {  // to EOF: every copy of the write end closes when the child exits
    pollfd readable{log_pipe[0], POLLIN, 0};
    if (::poll(&readable, 1, 15000) != 1) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      FAIL() << "the exporter still runs 15 s after SIGTERM:\n" << log;
    }
    const ssize_t n = ::read(log_pipe[0], buffer, sizeof buffer);
    if (n <= 0) break;
    log.append(buffer, static_cast<std::size_t>(n));
  }
  const auto exited_after = std::chrono::steady_clock::now() - signalled;
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::close(log_pipe[0]);
  ::close(started_pipe[0]);
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 0) << log;
  // 2.2 s of deadline; the margin is for a loaded machine.
  EXPECT_GE(exited_after, 2s);
  EXPECT_LT(exited_after, 10s);
  // The scheduled run (its first slot is at start) or the /probe one,
  // whichever the started pipe saw first, or both.
  EXPECT_NE(log.find("msg=\"shutdown deadline passed, exiting and abandoning runs in flight\" "
                     "deadline=2s200ms abandoned=\"stuck ("),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("msg=stopped"), std::string::npos) << log;
}

}  // namespace
}  // namespace pushprobe::exporter
