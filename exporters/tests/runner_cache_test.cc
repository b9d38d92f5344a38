#include "exporters/runner_cache.h"

#include <gtest/gtest.h>

namespace pushprobe::exporter {
namespace {

TEST(RunnerCacheTest, KeepsTheMostRecentlyUsedRunners) {
  ManualClock clock;
  RandomGuidSource guids;
  RunnerCache cache(2, clock, guids);
  TargetConfig t;
  t.name = "a";
  auto one = cache.Get(1, t);
  auto two = cache.Get(2, t);
  EXPECT_EQ(cache.Get(1, t), one);  // 1 is now the most recent
  auto three = cache.Get(3, t);     // evicts 2
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get(1, t), one);
  EXPECT_EQ(cache.Get(3, t), three);
  EXPECT_NE(cache.Get(2, t), two);  // made afresh; the old one lives while in use
}

}  // namespace
}  // namespace pushprobe::exporter
