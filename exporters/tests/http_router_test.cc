#include "exporters/http_router.h"

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "exporters/logger.h"
#include "exporters/tests/test_util.h"
#include "exporters/web_access.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;

class FakeBackend final : public ExporterBackend {
 public:
  MetricsBody Metrics() override {
    MetricsBody b;
    b.own = "# HELP x y\n# TYPE x gauge\nx 1\n";
    return b;
  }
  std::optional<ProbeResult> RunProbe(const std::string& name,
                                      std::optional<Duration> budget) override {
    last_budget = budget;
    ++probes;
    if (name != "fabrikam") return std::nullopt;
    return testing::FakeResult(name, WallTime{std::chrono::seconds{1764069656}}, StageId::kPublish,
                               Reason::kHttpStatus);
  }
  std::string Transcript(const ProbeResult& r) override {
    return "transcript of " + r.target + transcript_extra;
  }
  std::string StatusPageHtml(bool auto_refresh) override {
    return auto_refresh ? "<html>refresh</html>" : "<html></html>";
  }
  std::optional<std::string> TargetPageHtml(const std::string& name, bool auto_refresh) override {
    if (name != "fabrikam" && name != "a b/c") return std::nullopt;
    return "<html>" + name + (auto_refresh ? " refresh" : "") + "</html>";
  }
  std::string ConfigYaml() override { return "targets: []\n"; }
  Expected<void> Reload() override {
    ++reloads;
    return reload_ok ? Expected<void>{} : Expected<void>::Error("f.yml:1:1: bad\n");
  }
  bool Ready() override { return ready; }
  void CountRequest(const std::string& handler) override { handlers.push_back(handler); }

  std::string transcript_extra;
  std::optional<Duration> last_budget;
  int probes = 0;
  int reloads = 0;
  bool reload_ok = true;
  bool ready = true;
  std::vector<std::string> handlers;
};

HttpRouterRequest Request(std::string method, std::string uri) {
  HttpRouterRequest r;
  r.method = std::move(method);
  r.uri = std::move(uri);
  return r;
}

HttpRouterRequest Get(std::string uri, std::optional<std::string> timeout = std::nullopt) {
  HttpRouterRequest r = Request("GET", std::move(uri));
  r.scrape_timeout = std::move(timeout);
  return r;
}

TEST(HttpRouterTest, MetricsUseTheExpositionContentType) {
  FakeBackend backend;
  HttpRouter router(backend);
  HttpRouterResponse r = router.Handle(Get("/metrics"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  ASSERT_TRUE(r.metrics.has_value());
  std::ostringstream out;
  r.metrics->Write(out);
  EXPECT_EQ(out.str(), "# HELP x y\n# TYPE x gauge\nx 1\n");
}

TEST(HttpRouterTest, ProbeRunsOnlyConfiguredTargets) {
  FakeBackend backend;
  HttpRouter router(backend);
  EXPECT_EQ(router.Handle(Get("/probe?target=evil.example.com:443")).status, 400);
  EXPECT_EQ(router.Handle(Get("/probe")).status, 400);
  EXPECT_EQ(router.Handle(Get("/probe?target=")).status, 400);
  HttpRouterResponse r = router.Handle(Get("/probe?target=fabrikam"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, kExpositionContentType);
  EXPECT_NE(r.body.find("probe_success{target=\"fabrikam\"} 0\n"), std::string::npos);
  EXPECT_NE(r.body.find("probe_failure_info{target=\"fabrikam\",stage=\"publish\",reason=\"http_"
                        "status\",category=\"Unknown\"} 1\n"),
            std::string::npos);
}

TEST(HttpRouterTest, ProbeDeadlineComesFromTheScrapeTimeoutMinusTheOffset) {
  FakeBackend backend;
  HttpRouter router(backend);
  router.Handle(Get("/probe?target=fabrikam", "10"));
  EXPECT_EQ(backend.last_budget, Duration(9500ms));
  router.Handle(Get("/probe?target=fabrikam", "0.25"));  // nothing left: the target's timeout
  EXPECT_EQ(backend.last_budget, std::nullopt);
  router.Handle(Get("/probe?target=fabrikam"));
  EXPECT_EQ(backend.last_budget, std::nullopt);
}

// Whatever the header says, the run gets a defined budget: the header's
// seconds clamped to an hour, or the target's own timeout when the header is
// not a non-negative number. 1e300 used to overflow the duration conversion
// (undefined behaviour the asan preset's UBSan reports).
TEST(HttpRouterTest, ScrapeTimeoutHeaderIsClampedAndValidated) {
  struct Case {
    std::string header;
    std::optional<Duration> budget;
    bool error;
  };
  const Duration hour_minus_offset = std::chrono::seconds(3600) - 500ms;
  for (const Case& c : std::vector<Case>{
           {"1e300", hour_minus_offset, false},
           {"inf", hour_minus_offset, false},
           {"1e400", hour_minus_offset, false},
           {"-1", std::nullopt, true},
           {"nan", std::nullopt, true},
           {"-nan", std::nullopt, true},
           {"abc", std::nullopt, true},
           {"", std::nullopt, true},
           {"10 ", std::nullopt, true},
           {"1e-400", std::nullopt, false},
           {"0", std::nullopt, false},
           {"10", Duration(9500ms), false},
       }) {
    const Expected<std::optional<Duration>> parsed = HttpRouter::BudgetFromHeader(c.header, 500ms);
    EXPECT_EQ(parsed.ok() ? *parsed : std::nullopt, c.budget) << c.header;
    EXPECT_EQ(!parsed.ok(), c.error) << c.header;

    FakeBackend backend;
    HttpRouter router(backend);
    EXPECT_EQ(router.Handle(Get("/probe?target=fabrikam", c.header)).status, 200) << c.header;
    EXPECT_EQ(backend.last_budget, c.budget) << c.header;
  }
}

const std::string* ResponseHeader(const HttpRouterResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

// A header that is not used is not dropped in silence: the answer says which
// header, what it held and what is accepted, and the log says it too.
TEST(HttpRouterTest, AnIgnoredScrapeTimeoutSaysWhyInTheAnswerAndTheLog) {
  FakeBackend backend;
  ManualClock clock;
  std::ostringstream log;
  Logger logger(log, clock);
  HttpRouter::Options options;
  options.logger = &logger;
  HttpRouter router(backend, options);

  HttpRouterResponse r = router.Handle(Get("/probe?target=fabrikam", "abc"));
  EXPECT_EQ(r.status, 200);
  const std::string why =
      "X-Prometheus-Scrape-Timeout-Seconds \"abc\" is not a non-negative number of seconds such "
      "as 10 or 9.5; the run uses the target's own timeout";
  const std::string* warning = ResponseHeader(r, "X-Pushprobe-Warning");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(*warning, why);
  EXPECT_NE(log.str().find("level=warn msg=\"scrape timeout header ignored\" target=fabrikam "
                           "err=\"X-Prometheus-Scrape-Timeout-Seconds \\\"abc\\\" is not a "
                           "non-negative number of seconds such as 10 or 9.5; the run uses the "
                           "target's own timeout\"\n"),
            std::string::npos)
      << log.str();

  HttpRouterResponse debug = router.Handle(Get("/probe?target=fabrikam&debug=true", "-1"));
  EXPECT_EQ(debug.body.rfind("X-Prometheus-Scrape-Timeout-Seconds \"-1\" is not a non-negative "
                             "number of seconds such as 10 or 9.5; the run uses the target's own "
                             "timeout.\n\nTranscript of the run:\n\n",
                             0),
            0u)
      << debug.body;

  // A header that is used adds nothing.
  log.str("");
  HttpRouterResponse fine = router.Handle(Get("/probe?target=fabrikam", "10"));
  EXPECT_EQ(ResponseHeader(fine, "X-Pushprobe-Warning"), nullptr);
  EXPECT_EQ(log.str(), "");
}

// The value is echoed on one line (control bytes escaped, so no header or
// log line can be split) and bounded (a client may send kilobytes).
TEST(HttpRouterTest, TheEchoedScrapeTimeoutIsEscapedAndBounded) {
  const Expected<std::optional<Duration>> control =
      HttpRouter::BudgetFromHeader(std::string("1\r\nSet-Cookie: a\x01\"\\"), 500ms);
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.error(),
            "X-Prometheus-Scrape-Timeout-Seconds \"1\\r\\nSet-Cookie: a\\x01\\\"\\\\\" is not a "
            "non-negative number of seconds such as 10 or 9.5");

  const Expected<std::optional<Duration>> long_value =
      HttpRouter::BudgetFromHeader(std::string(5000, '9') + "x", 500ms);
  ASSERT_FALSE(long_value.ok());
  EXPECT_EQ(long_value.error(), "X-Prometheus-Scrape-Timeout-Seconds \"" + std::string(32, '9') +
                                    "\"... (5001 bytes) is not a non-negative number of "
                                    "seconds such as 10 or 9.5");
}

TEST(HttpRouterTest, DebugReturnsTheTranscriptAndTheMetrics) {
  FakeBackend backend;
  HttpRouter router(backend);
  HttpRouterResponse r = router.Handle(Get("/probe?target=fabrikam&debug=true"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("transcript of fabrikam"), std::string::npos);
  EXPECT_NE(r.body.find("Metrics that would have been returned:\n# HELP probe_success"),
            std::string::npos);
}

TEST(HttpRouterTest, DebugShowsNoUrlsPassword) {
  FakeBackend backend;
  backend.transcript_extra = "\nproxy must be http://host:port, got \"http://alice:s3cret@p:3128\"";
  HttpRouter router(backend);
  HttpRouterResponse r = router.Handle(Get("/probe?target=fabrikam&debug=true"));
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("http://<redacted>@p:3128"), std::string::npos) << r.body;
}

HttpRouter::Options WithLifecycle() {
  HttpRouter::Options o;
  o.enable_lifecycle = true;
  return o;
}

TEST(HttpRouterTest, ReloadIsPostOnlyAndReportsFailure) {
  FakeBackend backend;
  HttpRouter router(backend, WithLifecycle());
  HttpRouterResponse get = router.Handle(Get("/-/reload"));
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(backend.reloads, 0);
  EXPECT_EQ(router.Handle(Request("POST", "/-/reload")).status, 200);
  backend.reload_ok = false;
  HttpRouterResponse bad = router.Handle(Request("POST", "/-/reload"));
  EXPECT_EQ(bad.status, 500);
  EXPECT_NE(bad.body.find("f.yml:1:1: bad"), std::string::npos);
  EXPECT_EQ(backend.reloads, 2);
}

TEST(HttpRouterTest, HealthReadinessStatusConfigAndNotFound) {
  FakeBackend backend;
  HttpRouter router(backend);
  EXPECT_EQ(router.Handle(Get("/-/healthy")).status, 200);
  EXPECT_EQ(router.Handle(Get("/-/ready")).status, 200);
  backend.ready = false;
  EXPECT_EQ(router.Handle(Get("/-/ready")).status, 503);
  HttpRouterResponse page = router.Handle(Get("/"));
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(router.Handle(Get("/config")).body, "targets: []\n");
  EXPECT_EQ(router.Handle(Get("/nope")).status, 404);
  EXPECT_EQ(router.Handle(Request("POST", "/metrics")).status, 405);
}

TEST(HttpRouterTest, StatusPagesRefreshUnlessTurnedOffAndTargetPagesByName) {
  FakeBackend backend;
  HttpRouter router(backend);
  EXPECT_EQ(router.Handle(Get("/")).body, "<html>refresh</html>");
  EXPECT_EQ(router.Handle(Get("/?refresh=off")).body, "<html></html>");
  HttpRouterResponse target = router.Handle(Get("/target/fabrikam"));
  EXPECT_EQ(target.status, 200);
  EXPECT_EQ(target.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(target.body, "<html>fabrikam refresh</html>");
  EXPECT_EQ(router.Handle(Get("/target/fabrikam?refresh=off")).body, "<html>fabrikam</html>");
  EXPECT_EQ(router.Handle(Get("/target/a%20b%2Fc")).body, "<html>a b/c refresh</html>");
  EXPECT_EQ(router.Handle(Get("/target/absent")).status, 404);
  EXPECT_EQ(router.Handle(Request("POST", "/target/fabrikam")).status, 405);
}

// Every refusal leaves a line saying why, so an operator can tell from the
// log why a scraper got a 400 (and which client it was).
TEST(HttpRouterTest, EveryRefusalIsLoggedWithItsReason) {
  FakeBackend backend;
  ManualClock clock;
  std::ostringstream log;
  Logger logger(log, clock, LogLevel::kDebug);
  class Deny final : public WebAccess {
   public:
    ConnectionSecurity ForNewConnection() override { return {}; }
    std::optional<HttpRouterResponse> Authorize(const HttpRouterRequest& r) override {
      if (r.uri != "/secret") return std::nullopt;
      HttpRouterResponse denied;
      denied.status = 401;
      return denied;
    }
    std::vector<std::pair<std::string, std::string>> ResponseHeaders() override { return {}; }
  } access;
  ProbeLimiter none_in_flight({0, Duration::zero()}, clock);
  HttpRouter::Options options;
  options.logger = &logger;
  options.access = &access;
  HttpRouter router(backend, options);
  HttpRouter::Options limited_options = options;
  limited_options.limiter = &none_in_flight;
  HttpRouter limited(backend, limited_options);

  struct Case {
    HttpRouterRequest request;
    HttpRouter* router;
    int status;
    std::string line;  // after "ts=... "
  };
  HttpRouterRequest unknown = Get("/probe?target=nope");
  unknown.remote_address = "192.0.2.7:5000";
  const std::vector<Case> cases = {
      {unknown, &router, 400,
       "level=warn msg=\"request refused\" status=400 reason=\"unknown target: not in the "
       "configuration\" method=GET uri=\"/probe?target=nope\" remote=192.0.2.7:5000 target=nope"},
      {Get("/probe"), &router, 400,
       "level=warn msg=\"request refused\" status=400 reason=\"target parameter missing or empty\" "
       "method=GET uri=/probe remote=\"\""},
      {Get("/probe?target=%zz"), &router, 400,
       "level=warn msg=\"request refused\" status=400 reason=\"query string does not parse\" "
       "method=GET uri=\"/probe?target=%zz\" remote=\"\""},
      {Get("/secret"), &router, 401,
       "level=warn msg=\"request refused\" status=401 reason=\"not authorized: credentials "
       "missing or wrong\" method=GET uri=/secret remote=\"\""},
      {Request("POST", "/metrics"), &router, 405,
       "level=info msg=\"request refused\" status=405 reason=\"method not allowed: only GET or "
       "HEAD\" method=POST uri=/metrics remote=\"\""},
      {Get("/-/reload"), &router, 405,
       "level=info msg=\"request refused\" status=405 reason=\"method not allowed: only POST or "
       "PUT\" method=GET uri=/-/reload remote=\"\""},
      {Request("POST", "/-/reload"), &router, 403,
       "level=info msg=\"request refused\" status=403 reason=\"lifecycle API not enabled "
       "(--web.enable-lifecycle)\" method=POST uri=/-/reload remote=\"\""},
      {Get("/nope"), &router, 404,
       "level=debug msg=\"request refused\" status=404 reason=\"no such path\" method=GET "
       "uri=/nope remote=\"\""},
      {Get("/target/absent"), &router, 404,
       "level=debug msg=\"request refused\" status=404 reason=\"status page of a target not in "
       "the configuration\" method=GET uri=/target/absent remote=\"\" target=absent"},
      {Get("/probe?target=fabrikam"), &limited, 429,
       "level=warn msg=\"request refused\" status=429 reason=\"too many on-demand runs in flight "
       "(--web.max-concurrent-probes)\" method=GET uri=\"/probe?target=fabrikam\" remote=\"\" "
       "target=fabrikam"},
  };
  for (const Case& c : cases) {
    log.str("");
    EXPECT_EQ(c.router->Handle(c.request).status, c.status) << c.request.uri;
    EXPECT_EQ(log.str(), "ts=2025-11-25T11:20:56.000Z " + c.line + "\n") << c.request.uri;
  }

  // An answer that is not a refusal logs nothing.
  log.str("");
  EXPECT_EQ(router.Handle(Get("/probe?target=fabrikam")).status, 200);
  EXPECT_EQ(router.Handle(Get("/-/healthy")).status, 200);
  EXPECT_EQ(log.str(), "");
}

// A flood of bad requests writes a bounded log: ClientLog::kBurst lines and one
// saying the rest are not logged; the next window's first line counts them.
TEST(HttpRouterTest, AFloodOfRefusalsWritesABoundedLog) {
  FakeBackend backend;
  ManualClock clock;
  std::ostringstream log;
  Logger logger(log, clock);
  HttpRouter::Options options;
  options.logger = &logger;
  HttpRouter router(backend, options);

  constexpr int kFlood = 10000;
  for (int i = 0; i < kFlood; ++i) {
    ASSERT_EQ(router.Handle(Get("/probe?target=nope" + std::to_string(i))).status, 400);
  }
  const auto lines = [&] {
    std::vector<std::string> out;
    std::istringstream in(log.str());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  };
  std::vector<std::string> flood = lines();
  ASSERT_EQ(flood.size(), static_cast<std::size_t>(ClientLog::kBurst) + 1) << log.str();
  EXPECT_NE(flood.back().find("msg=\"client request log limit reached; further refusals are "
                              "counted, not logged\" limit=\"10 lines per 60s\""),
            std::string::npos)
      << flood.back();

  // Still within the window: nothing more.
  clock.Advance(ClientLog::kWindow - 1ms);
  EXPECT_EQ(router.Handle(Get("/probe?target=nope")).status, 400);
  EXPECT_EQ(lines().size(), flood.size());

  // A new window: lines again, the first counting what was dropped.
  clock.Advance(1ms);
  log.str("");
  EXPECT_EQ(router.Handle(Get("/probe?target=late")).status, 400);
  EXPECT_NE(log.str().find(
                " target=late unlogged=" + std::to_string(kFlood - ClientLog::kBurst + 1) + "\n"),
            std::string::npos)
      << log.str();
}

// The bad scrape timeout header's warning is a line caused by a client too:
// it shares the budget.
TEST(HttpRouterTest, IgnoredScrapeTimeoutWarningsAreBounded) {
  FakeBackend backend;
  ManualClock clock;
  std::ostringstream log;
  Logger logger(log, clock);
  HttpRouter::Options options;
  options.logger = &logger;
  HttpRouter router(backend, options);
  for (int i = 0; i < 1000; ++i) router.Handle(Get("/probe?target=fabrikam", "abc"));
  const std::string text = log.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), ClientLog::kBurst + 1) << text;
}

// Client text in a refusal's line is cut and escaped: no forged line, no
// control byte, no unbounded value, in logfmt and in JSON.
TEST(HttpRouterTest, HostileClientTextInTheLogIsEscapedAndCut) {
  FakeBackend backend;
  ManualClock clock;
  const std::string forged = "x\r\nts=2025-11-25T11:20:56.000Z level=error msg=forged\x01\"\\";
  const std::string target_query =
      "x%0D%0Ats=2025-11-25T11:20:56.000Z%20level=error%20msg=forged%01%22%5C";
  HttpRouterRequest hostile = Get("/probe?target=" + target_query + std::string(5000, 'A'));
  hostile.method = "GET";

  std::ostringstream log;
  Logger logger(log, clock);
  HttpRouter::Options options;
  options.logger = &logger;
  HttpRouter router(backend, options);
  EXPECT_EQ(router.Handle(hostile).status, 400);
  const std::string line = log.str();
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  EXPECT_EQ(line.find('\x01'), std::string::npos) << line;
  // The decoded target, escaped by the logger and cut to 64 bytes.
  const std::string kept = (forged + std::string(64, 'A')).substr(0, 64);
  EXPECT_NE(
      line.find(" target=\"x\\r\\nts=2025-11-25T11:20:56.000Z level=error msg=forged\\x01\\\"\\\\" +
                kept.substr(forged.size()) + "... (" + std::to_string(forged.size() + 5000) +
                " bytes)\"\n"),
      std::string::npos)
      << line;
  EXPECT_NE(line.find(" uri=\"" + hostile.uri.substr(0, 64) + "... (" +
                      std::to_string(hostile.uri.size()) + " bytes)\""),
            std::string::npos)
      << line;

  std::ostringstream json_log;
  Logger json_logger(json_log, clock, LogLevel::kInfo, LogFormat::kJson);
  options.logger = &json_logger;
  HttpRouter json_router(backend, options);
  EXPECT_EQ(json_router.Handle(hostile).status, 400);
  const std::string json_line = json_log.str();
  EXPECT_EQ(std::count(json_line.begin(), json_line.end(), '\n'), 1) << json_line;
  const nlohmann::json parsed = nlohmann::json::parse(json_line);
  EXPECT_EQ(parsed.at("target"), kept + "... (" + std::to_string(forged.size() + 5000) + " bytes)");
}

}  // namespace
}  // namespace pushprobe::exporter
