#include "exporters/status_page.h"

#include <gtest/gtest.h>

#include "exporters/tests/test_util.h"
#include "probe/render/tests/sample_results.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;
using testing::FakeResult;

TEST(StatusPageTest, EscapesEverythingFromResultsAndConfig) {
  EXPECT_EQ(StatusPage::Escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  ResultStore store({5, 20});
  TargetConfig t;
  t.name = "evil<script>";
  t.organization = "o&o";
  store.SetTargets({std::make_shared<const TargetConfig>(t)});
  ProbeResult r = FakeResult(t.name, WallTime{std::chrono::seconds{1764069656}}, StageId::kPublish,
                             Reason::kHttpStatus);
  r.error = "<img src=x onerror=alert(1)>";
  r.Stage(StageId::kPublish).message = "<img src=x onerror=alert(1)>";
  store.Record(r);
  StatusPageInfo info;
  info.version = "0.1.0";
  info.config_file = "/etc/<x>.yml";
  info.now = WallTime{std::chrono::seconds{1764069700}};
  info.secret_file_warnings = {"private_key /k<b> is readable by others"};
  const std::string html = StatusPage::Render(store.Snapshot(), info);
  EXPECT_NE(html.find("<div class=\"warn secret\">private_key /k&lt;b&gt; is readable by "
                      "others</div>"),
            std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("evil&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("/etc/&lt;x&gt;.yml"), std::string::npos);
  // The target page, which also shows the transcript, escapes the same way.
  const std::string page = StatusPage::RenderTarget(*store.Find(t.name), info);
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("evil&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(StatusPage::PathSegment("evil<script> a/b"), "evil%3Cscript%3E%20a%2Fb");
}

TEST(StatusPageTest, NoPageShowsAUrlsPassword) {
  ResultStore store({5, 20});
  TargetConfig t;
  t.name = "fabrikam";
  t.organization = "fabrikam.com";
  store.SetTargets({std::make_shared<const TargetConfig>(t)});
  store.Record(samples::UrlCredentialsResult());
  StatusPageInfo info;
  info.version = "0.1.0";
  info.now = samples::SampleStart() + std::chrono::seconds(60);
  const std::string overview = StatusPage::Render(store.Snapshot(), info);
  const std::string page = StatusPage::RenderTarget(*store.Find(t.name), info);
  for (const std::string& html : {overview, page}) {
    EXPECT_EQ(html.find(samples::kUrlSecret), std::string::npos) << html;
  }
  EXPECT_NE(page.find("<redacted>@proxy.fabrikam.com:3128"), std::string::npos) << page;
}

TEST(StatusPageTest, ShowsStateWaterfallHistoryAndCertificateDays) {
  ResultStore store({5, 20});
  TargetConfig t;
  t.name = "fabrikam";
  t.organization = "fabrikam.com";
  store.SetTargets({std::make_shared<const TargetConfig>(t)});
  const WallTime start{std::chrono::seconds{1764069656}};
  ProbeResult ok = FakeResult("fabrikam", start);
  ok.facts.auth_cert_not_after = start + std::chrono::hours(24 * 12);
  store.Record(ok);
  store.Record(FakeResult("fabrikam", start + 1min, StageId::kToken, Reason::kOauthError));
  StatusPageInfo info;
  info.now = start + 2min;
  info.last_reload_successful = false;
  info.last_reload_error = "pushprobe.yml:3:5: unknown key";
  const std::string html = StatusPage::Render(store.Snapshot(), info);
  EXPECT_NE(html.find("class=\"fail\">Failed</span>"), std::string::npos);
  EXPECT_NE(html.find("token / <code>oauth_error</code>: stage token failed"), std::string::npos);
  EXPECT_NE(html.find("11 days"), std::string::npos);  // counted from now
  EXPECT_NE(html.find("<b>Hint:</b> The token issuer"), std::string::npos) << html;
  EXPECT_NE(html.find("previous configuration is still running"), std::string::npos);
  EXPECT_NE(html.find("pushprobe.yml:3:5: unknown key"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"target/fabrikam\">fabrikam</a>"), std::string::npos);
  // Made for phones too, refreshing itself with a way to stop it.
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width"), std::string::npos);
  EXPECT_NE(html.find("@media (max-width:"), std::string::npos);
  EXPECT_NE(html.find("<meta http-equiv=\"refresh\" content=\"30\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"./?refresh=off\">turn off</a>"), std::string::npos);
  // Self-contained: no scripts, no external stylesheets or images.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);

  info.auto_refresh = false;
  const std::string still = StatusPage::Render(store.Snapshot(), info);
  EXPECT_EQ(still.find("http-equiv=\"refresh\""), std::string::npos);
  EXPECT_NE(still.find("<a href=\"target/fabrikam?refresh=off\">"), std::string::npos);
}

TEST(StatusPageTest, SummaryLineAndFailingTargetsFirst) {
  ResultStore store({5, 20});
  std::vector<std::shared_ptr<const TargetConfig>> configs;
  for (const char* name : {"a-ok", "b-failed", "c-timedout", "d-pending", "e-failed"}) {
    TargetConfig t;
    t.name = name;
    configs.push_back(std::make_shared<const TargetConfig>(t));
  }
  store.SetTargets(configs);
  const WallTime start{std::chrono::seconds{1764069656}};
  store.Record(FakeResult("a-ok", start));
  store.Record(FakeResult("b-failed", start, StageId::kMetadata, Reason::kDns));
  ProbeResult timed_out = FakeResult("c-timedout", start, StageId::kPublish, Reason::kTimeout);
  timed_out.result_type = ResultType::kTimedOut;
  store.Record(timed_out);
  store.Record(FakeResult("e-failed", start, StageId::kCertificate, Reason::kCertMissing));
  StatusPageInfo info;
  info.now = start;
  const std::string html = StatusPage::Render(store.Snapshot(), info);
  EXPECT_NE(html.find("1 OK</span> &middot; <span class=\"fail\">2 failing</span> &middot; "
                      "<span class=\"to\">1 timed out</span> &middot; 1 pending"),
            std::string::npos)
      << html;
  const auto at = [&html](const char* name) { return html.find(std::string("id=\"t-") + name); };
  EXPECT_LT(at("b-failed"), at("e-failed"));
  EXPECT_LT(at("e-failed"), at("c-timedout"));
  EXPECT_LT(at("c-timedout"), at("d-pending"));
  EXPECT_LT(at("d-pending"), at("a-ok"));
  EXPECT_NE(at("a-ok"), std::string::npos);
}

// Widths are measured time on the run's own axis: a 0.000 s stage gets no
// width, a skipped stage no bar but the word, and the axis is labelled.
TEST(StatusPageTest, WaterfallIsLabelledOnATimeAxis) {
  ResultStore store({5, 20});
  TargetConfig t;
  t.name = "fabrikam";
  store.SetTargets({std::make_shared<const TargetConfig>(t)});
  const WallTime start{std::chrono::seconds{1764069656}};
  ProbeResult r = FakeResult("fabrikam", start, StageId::kCertificate, Reason::kCertMissing);
  // Microseconds, shown as 0.000 s: no width either (it was 37 % and 50 %).
  r.Stage(StageId::kConfiguration).duration = 40us;
  r.Stage(StageId::kCertificate).duration = 60us;
  r.duration = 100us;
  store.Record(r);
  StatusPageInfo info;
  info.now = start;
  const std::string html = StatusPage::Render(store.Snapshot(), info);
  EXPECT_NE(html.find("<span class=\"lb\">configuration</span><span class=\"tm\">0.000 s</span>"
                      "<span class=\"tr\"><span class=\"bar\" style=\"left:0.00%;width:0.00%\">"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<div class=\"st s-failed\"><span class=\"lb\">certificate</span><span "
                      "class=\"tm\">0.000 s</span><span class=\"tr\"><span class=\"bar\" "
                      "style=\"left:0.00%;width:0.00%\">"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<div class=\"st s-skipped\"><span class=\"lb\">publish</span><span "
                      "class=\"tm\">skipped</span>"),
            std::string::npos);

  ProbeResult slow = FakeResult("fabrikam", start + 1min);  // 6 stages of 20 ms
  store.Record(slow);
  const std::string second = StatusPage::Render(store.Snapshot(), info);
  EXPECT_NE(second.find("<span class=\"lb\">metadata</span><span class=\"tm\">0.020 s</span>"
                        "<span class=\"tr\"><span class=\"bar\" "
                        "style=\"left:33.33%;width:16.67%\">"),
            std::string::npos)
      << second;
  EXPECT_NE(second.find("<span style=\"right:0\">0.120 s</span>"), std::string::npos);
}

TEST(StatusPageTest, ClockSkewShownEvenWhenTheCheckPasses) {
  ResultStore store({5, 20});
  TargetConfig t;
  t.name = "fabrikam";
  store.SetTargets({std::make_shared<const TargetConfig>(t)});
  const WallTime start{std::chrono::seconds{1764069656}};
  ProbeResult r = FakeResult("fabrikam", start);
  r.facts.clock_skew = 3599s;
  store.Record(r);
  StatusPageInfo info;
  info.now = start;
  const std::string html = StatusPage::Render(store.Snapshot(), info);
  EXPECT_NE(html.find("<span class=\"fail\">server clock is 59 min 59 s ahead of ours</span>"),
            std::string::npos)
      << html;
}

TEST(StatusPageTest, TargetPageHasTranscriptRatioAndCollapsedHistory) {
  ResultStore store({5, 20});
  TargetConfig t;
  t.name = "fab rikam";
  store.SetTargets({std::make_shared<const TargetConfig>(t)});
  const WallTime start{std::chrono::seconds{1764069656}};
  store.Record(FakeResult("fab rikam", start));
  for (int i = 1; i <= 3; ++i) {
    ProbeResult r =
        FakeResult("fab rikam", start + i * 1min, StageId::kPublish, Reason::kHttpStatus);
    r.Stage(StageId::kPublish).message = "publish answered <b>HTTP 503</b>";
    store.Record(r);
  }
  StatusPageInfo info;
  info.now = start + 5min;
  const std::string html = StatusPage::RenderTarget(*store.Find("fab rikam"), info);
  EXPECT_NE(html.find("1 of 4 kept runs succeeded (25%)"), std::string::npos) << html;
  EXPECT_NE(
      html.find("<td>&times;3</td><td>2025-11-25T11:21:56Z &ndash; 2025-11-25T11:23:56Z</td>"),
      std::string::npos)
      << html;
  EXPECT_EQ(html.find("<b>HTTP 503</b>"), std::string::npos);
  EXPECT_NE(html.find("publish answered &lt;b&gt;HTTP 503&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("<pre>pushprobe check of target &quot;fab rikam&quot;"), std::string::npos)
      << html;
  EXPECT_NE(html.find("[FAIL]     publish"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"../\">&larr; all targets</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"fab%20rikam?refresh=off\">turn off</a>"), std::string::npos);
  EXPECT_NE(html.find("../probe?target=fab%20rikam&amp;debug=true"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace pushprobe::exporter
