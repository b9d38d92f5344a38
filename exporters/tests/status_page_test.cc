#include "exporters/status_page.h"

#include <gtest/gtest.h>

#include "exporters/tests/test_util.h"

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
  store.Record(r);
  StatusPageInfo info;
  info.version = "0.1.0";
  info.config_file = "/etc/<x>.yml";
  info.now = WallTime{std::chrono::seconds{1764069700}};
  const std::string html = StatusPage::Render(store.Snapshot(), info);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("evil&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("/etc/&lt;x&gt;.yml"), std::string::npos);
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
  EXPECT_NE(html.find("token / <code>oauth_error</code>"), std::string::npos);
  EXPECT_NE(html.find("11 days"), std::string::npos);  // counted from now
  EXPECT_NE(html.find("2 runs"), std::string::npos);
  EXPECT_NE(html.find("class=\"bar s-failed\""), std::string::npos);
  EXPECT_NE(html.find("class=\"bar s-skipped\""), std::string::npos);
  EXPECT_NE(html.find("previous configuration is still running"), std::string::npos);
  EXPECT_NE(html.find("pushprobe.yml:3:5: unknown key"), std::string::npos);
  // Self-contained: no scripts, no external stylesheets or images.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace pushprobe::exporter
