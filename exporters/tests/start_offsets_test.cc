#include "exporters/start_offsets.h"

#include <gtest/gtest.h>

#include <set>

namespace pushprobe::exporter {
namespace {

using namespace std::chrono_literals;

std::vector<TargetConfig> Targets(int n, Duration interval) {
  std::vector<TargetConfig> out;
  for (int i = 0; i < n; ++i) {
    TargetConfig t;
    t.name = "org-" + std::to_string(i);
    t.interval = interval;
    out.push_back(t);
  }
  return out;
}

TEST(StartOffsetsTest, SpreadsEvenlyWithOneSlotPerTarget) {
  const auto offsets = SpreadStartOffsets(Targets(6, 60s));
  std::set<Duration> seen;
  for (const auto& [name, offset] : offsets) seen.insert(offset);
  EXPECT_EQ(seen, (std::set<Duration>{0s, 10s, 20s, 30s, 40s, 50s}));
}

TEST(StartOffsetsTest, TenThousandTargetsGetDistinctSlots) {
  const auto offsets = SpreadStartOffsets(Targets(10000, 60s));
  std::set<Duration> seen;
  for (const auto& [name, offset] : offsets) {
    EXPECT_LT(offset, 60s);
    seen.insert(offset);
  }
  EXPECT_EQ(seen.size(), 10000u);
  EXPECT_EQ(*seen.rbegin(), Duration(60s) * 9999 / 10000);
}

TEST(StartOffsetsTest, DependsOnlyOnTheSetOfNames) {
  auto targets = Targets(5, 30s);
  const auto a = SpreadStartOffsets(targets);
  std::reverse(targets.begin(), targets.end());
  EXPECT_EQ(SpreadStartOffsets(targets), a);
  EXPECT_EQ(StableHash("fabrikam"), StableHash("fabrikam"));
  EXPECT_NE(StableHash("fabrikam"), StableHash("contoso"));
}

}  // namespace
}  // namespace pushprobe::exporter
