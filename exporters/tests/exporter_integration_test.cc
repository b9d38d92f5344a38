#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "exporters/exporter_app.h"
#include "exporters/tests/test_util.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/lab.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;

struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
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
    for (auto [from, to] : {std::pair<std::string, std::string>{"interval: 30s", "interval: 2s"},
                            {"timeout: 10s", "timeout: 2s"}}) {
      for (std::size_t at; (at = config.find(from)) != std::string::npos;) {
        config.replace(at, from.size(), to);
      }
    }
    const std::string file = lab_.Path("exporter.yml");
    testing::WriteFile(file, config);

    ExporterFlags flags;
    flags.config_file = file;
    flags.listen_address = "127.0.0.1:0";
    flags.workers = 2;
    ExporterApp::Dependencies deps;
    deps.log = &log_;
    app_ = std::make_unique<ExporterApp>(flags, deps);
    auto error = app_->Start();
    ASSERT_FALSE(error.has_value()) << *error;
  }

  void TearDown() override {
    if (app_) app_->Stop(5s);
    if (emulator_) emulator_->Stop();
  }

  Answer Get(const std::string& uri) {
    Poco::Net::HTTPClientSession session("127.0.0.1", app_->port());
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request("GET", uri, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("X-Prometheus-Scrape-Timeout-Seconds", "10");
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer a;
    a.status = response.getStatus();
    a.content_type = response.getContentType();
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

}  // namespace
}  // namespace pushprobe::exporter
