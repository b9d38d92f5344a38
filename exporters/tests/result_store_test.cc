#include "exporters/result_store.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "exporters/tests/test_util.h"

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;
using testing::FakeResult;

std::shared_ptr<const TargetConfig> Target(const std::string& name) {
  auto t = std::make_shared<TargetConfig>();
  t->name = name;
  t->organization = name + ".example";
  return t;
}

WallTime At(int minute) { return WallTime{std::chrono::seconds{1764069600}} + minute * 1min; }

// What /metrics shows of the store's targets.
std::string ScrapeOf(const ResultStore& store) {
  std::ostringstream out;
  MetricsRenderer::WriteExposition(out, store.Rendered());
  return out.str();
}

// The value of \p target's series of \p family in \p text, "" when it has none.
std::string ValueOf(const std::string& text, const std::string& family, const std::string& target) {
  const std::string line = family + "{target=\"" + target + "\"} ";
  const std::size_t at = text.find(line);
  if (at == std::string::npos) return "";
  const std::size_t begin = at + line.size();
  return text.substr(begin, text.find('\n', begin) - begin);
}

TEST(ResultStoreTest, KeepsFailuresLongerThanSuccesses) {
  ResultStore store({/*successes_kept=*/2, /*failures_kept=*/4});
  store.SetTargets({Target("a")});
  for (int i = 0; i < 10; ++i) {
    const bool fail = i % 2 == 0;
    ASSERT_TRUE(store.Record(fail ? FakeResult("a", At(i), StageId::kToken, Reason::kOauthError)
                                  : FakeResult("a", At(i))));
  }
  const TargetSnapshot s = *store.Find("a");
  ASSERT_EQ(s.history.size(), 6u);
  // Newest first: successes 9, 7; failures 8, 6, 4, 2.
  std::vector<WallTime> times;
  for (const RunSummary& r : s.history) times.push_back(r.started_at);
  EXPECT_EQ(times, (std::vector<WallTime>{At(9), At(8), At(7), At(6), At(4), At(2)}));
  EXPECT_EQ(s.counters.runs, 10u);
  EXPECT_EQ((s.counters.failures.at({StageId::kToken, Reason::kOauthError})), 5u);
  EXPECT_EQ(s.counters.last_success, At(9));
  ASSERT_TRUE(s.last.has_value());
  EXPECT_TRUE(s.last->succeeded());
}

TEST(ResultStoreTest, OnlyTheLatestRunKeepsItsStages) {
  ResultStore store({5, 20});
  store.SetTargets({Target("a")});
  store.Record(FakeResult("a", At(0)));
  store.Record(FakeResult("a", At(1), StageId::kToken, Reason::kOauthError));
  const TargetSnapshot s = *store.Find("a");
  ASSERT_TRUE(s.last.has_value());
  const auto token = static_cast<std::size_t>(StageId::kToken);
  EXPECT_EQ(s.last->stage_status[token], StageStatus::kFailed);
  EXPECT_EQ(s.last->failed_stage, StageId::kToken);
  ASSERT_EQ(s.history.size(), 2u);
  EXPECT_EQ(s.history[0].reason, Reason::kOauthError);
  EXPECT_TRUE(s.history[1].succeeded());
  // The history is most of what a target keeps once its series are compact:
  // 25 runs of a failing target, so each run is a summary without stages.
  EXPECT_LE(sizeof(RunSummary), 32u);  // 56 with int-sized enums and a shared_ptr error
  EXPECT_LT(sizeof(RunSummary) * 2, sizeof(RunRecord));
}

TEST(ResultStoreTest, OnlyAFailedRunKeepsItsTranscript) {
  ResultStore store({5, 20});
  store.SetTargets({Target("a")});
  store.Record(FakeResult("a", At(0), StageId::kToken, Reason::kOauthError));
  ASSERT_TRUE(store.Find("a")->last->transcript);
  EXPECT_NE(store.Find("a")->last->transcript->find("token"), std::string::npos);
  // A success's stages are in stage_status and stage_duration; its text is
  // not kept (memory at 10,000 targets).
  store.Record(FakeResult("a", At(1)));
  EXPECT_FALSE(store.Find("a")->last->transcript);
}

TEST(ResultStoreTest, SharesTheTextOfRepeatedFailures) {
  ResultStore store({2, 4});
  store.SetTargets({Target("a")});
  store.Record(FakeResult("a", At(0), StageId::kPublish, Reason::kHttpStatus));
  store.Record(FakeResult("a", At(1), StageId::kPublish, Reason::kHttpStatus));
  const TargetSnapshot s = *store.Find("a");
  ASSERT_EQ(s.history.size(), 2u);
  EXPECT_TRUE(s.history[0].error.SharesStorageWith(s.history[1].error));
  EXPECT_EQ(s.history[0].error, "stage publish failed");
}

TEST(ResultStoreTest, TargetsFailingTheSameWayShareTheirTexts) {
  // An outage fails every target the same way: 50,000 copies of one hint's
  // steps and one error line would be tens of MB.
  ResultStore store({2, 4});
  store.SetTargets({Target("a"), Target("b")});
  store.Record(FakeResult("a", At(0), StageId::kToken, Reason::kOauthError));
  store.Record(FakeResult("b", At(0), StageId::kToken, Reason::kOauthError));
  const RunRecord a = *store.Find("a")->last;
  const RunRecord b = *store.Find("b")->last;
  ASSERT_FALSE(a.hint.empty());
  EXPECT_TRUE(a.hint.SharesStorageWith(b.hint));
  ASSERT_FALSE(a.error.empty());
  EXPECT_TRUE(a.error.SharesStorageWith(b.error));
  EXPECT_TRUE(a.error.SharesStorageWith(store.Find("b")->history.at(0).error));
}

TEST(ResultStoreTest, ASuccessInTheHistoryReadsAsTheRunItWas) {
  ResultStore store({2, 4});
  store.SetTargets({Target("a")});
  store.Record(FakeResult("a", At(0), StageId::kToken, Reason::kOauthError));
  ProbeResult ok = FakeResult("a", At(1));
  ok.duration = 1234ms;
  store.Record(ok);
  const TargetSnapshot s = *store.Find("a");
  ASSERT_EQ(s.history.size(), 2u);
  const RunSummary& success = s.history[0];
  EXPECT_EQ(success.started_at, At(1));
  EXPECT_EQ(success.duration, 1234ms);
  EXPECT_TRUE(success.succeeded());
  EXPECT_FALSE(success.failed_stage.has_value());
  EXPECT_EQ(success.reason, Reason::kNone);
  EXPECT_EQ(success.category, ExchangeCategory::kNone);
  EXPECT_TRUE(success.error.empty());
  // The latest run is the success, with its stages.
  ASSERT_TRUE(s.last.has_value());
  EXPECT_EQ(s.last->started_at, At(1));
  EXPECT_EQ(s.last->duration, 1234ms);
  EXPECT_EQ(s.history[1].reason, Reason::kOauthError);
}

TEST(ResultStoreTest, ATargetKeepsLittleBeforeAndAfterItRuns) {
  // At 50,000 targets every byte of a slot is 50 KB: the latest run is held
  // out of line (a target that has not run holds a null pointer, not an
  // empty RunRecord), the organization is read from the held configuration,
  // and a success is kept as its two times.
  EXPECT_LE(ResultStore::SlotBytes(), 176u);    // 376 with the run and organization inline
  EXPECT_LE(ResultStore::SuccessBytes(), 16u);  // a RunSummary is 56
}

TEST(ResultStoreTest, SurvivingTargetsKeepEverythingAcrossSetTargets) {
  ResultStore store({5, 20});
  store.SetTargets({Target("a"), Target("b")});
  store.Record(FakeResult("a", At(0)));
  store.Record(FakeResult("b", At(0)));
  store.SetTargets({Target("a"), Target("c")});

  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.Find("a")->history.size(), 1u);
  EXPECT_EQ(store.Find("a")->counters.runs, 1u);
  EXPECT_FALSE(store.Find("b").has_value());
  EXPECT_FALSE(store.Find("c")->last.has_value());
  EXPECT_FALSE(store.Record(FakeResult("b", At(1))));  // a run that outlived its target
  // Only targets that have run have series.
  const std::string text = ScrapeOf(store);
  EXPECT_EQ(ValueOf(text, "probe_runs_total", "a"), "1");
  EXPECT_EQ(text.find("target=\"b\""), std::string::npos);
  EXPECT_EQ(text.find("target=\"c\""), std::string::npos);
}

TEST(ResultStoreTest, SeriesMoveWithTheirTargetsWhenTargetsComeAndGo) {
  // Several groups of RenderedGroup::kTargets, and a reload that removes
  // every third target and adds new ones between the others, so that nearly
  // every target changes its place and its group.
  ResultStore store({5, 20});
  auto name = [](int i) {
    const std::string digits = std::to_string(i);
    return "t" + std::string(4 - digits.size(), '0') + digits;
  };
  std::vector<std::shared_ptr<const TargetConfig>> before;
  for (int i = 0; i < 300; i += 2) before.push_back(Target(name(i)));
  store.SetTargets(before);
  for (int i = 0; i < 300; i += 2) {
    for (int run = 0; run <= i % 5; ++run) ASSERT_TRUE(store.Record(FakeResult(name(i), At(i))));
  }
  std::vector<std::shared_ptr<const TargetConfig>> after;
  for (int i = 0; i < 300; ++i) {
    if (i % 2 == 1 || i % 3 != 0) after.push_back(Target(name(i)));
  }
  store.SetTargets(after);
  ASSERT_TRUE(store.Record(FakeResult(name(1), At(1))));
  ASSERT_TRUE(store.Record(FakeResult(name(298), At(298))));

  const std::string text = ScrapeOf(store);
  std::size_t last = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string runs = ValueOf(text, "probe_runs_total", name(i));
    if (i == 1) {
      EXPECT_EQ(runs, "1");
    } else if (i % 2 == 1 || i % 3 == 0) {
      EXPECT_EQ(runs, "") << name(i);  // new and not run yet, or removed
      continue;
    } else {
      EXPECT_EQ(runs, std::to_string(i % 5 + (i == 298 ? 2 : 1))) << name(i);
    }
    // In name order.
    const std::size_t at = text.find("probe_runs_total{target=\"" + name(i) + "\"}");
    EXPECT_GT(at, last) << name(i);
    last = at;
  }
  const auto groups = store.Rendered();
  EXPECT_EQ(groups.size(), (after.size() + RenderedGroup::kTargets - 1) / RenderedGroup::kTargets);
  EXPECT_EQ(text.size(), MetricsRenderer::ExpositionSize(groups));
}

TEST(ResultStoreTest, RenderedSeriesFollowTheLatestRun) {
  ResultStore store({5, 20});
  store.SetTargets({Target("a")});
  store.Record(FakeResult("a", At(0), StageId::kToken, Reason::kOauthError));
  const std::string failed = ScrapeOf(store);
  EXPECT_NE(failed.find("probe_success{target=\"a\"} 0\n"), std::string::npos);
  EXPECT_NE(failed.find("probe_failures_total{target=\"a\",stage=\"token\",reason=\"oauth_"
                        "error\"} 1\n"),
            std::string::npos);
  store.Record(FakeResult("a", At(1)));
  const std::string ok = ScrapeOf(store);
  EXPECT_NE(ok.find("probe_success{target=\"a\"} 1\n"), std::string::npos);
  EXPECT_NE(ok.find("probe_runs_total{target=\"a\"} 2\n"), std::string::npos);
  EXPECT_EQ(ok.find("probe_failure_info"), std::string::npos);
  // The failure counter stays after recovery.
  EXPECT_NE(ok.find("probe_failures_total{target=\"a\",stage=\"token\""), std::string::npos);
}

}  // namespace
}  // namespace pushprobe::exporter
