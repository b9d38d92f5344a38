#include "exporters/shard.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace pushprobe::exporter {
namespace {

struct PrometheusHashMod {
  std::string value;
  std::uint64_t mod_2, mod_3, mod_7, mod_1000, mod_max;
};

// Computed by Prometheus 2.42.0+ds (Debian 12's `prometheus` package), not by
// this code: hashmod.yml is one job whose static_configs targets are the
// names below, with one rule per modulus (2, 3, 7, 1000 and 2^64-1, the last
// showing all 64 bits Prometheus takes from the digest)
//   - source_labels: [__address__]
//     target_label: mod_<M>
//     modulus: <M>
//     action: hashmod
// then `- {source_labels: [__address__], target_label: name}` and
// `- {target_label: __address__, replacement: "127.0.0.1:9"}`; run as
//   prometheus --config.file=hashmod.yml --storage.tsdb.path=tsdb
//     --web.listen-address=127.0.0.1:19397   (one command line)
//   curl -s http://127.0.0.1:19397/api/v1/targets
// and each active target's labels name, mod_2, mod_3, mod_7, mod_1000 and
// mod_18446744073709551615 copied here.
const std::vector<PrometheusHashMod>& Table() {
  static const std::vector<PrometheusHashMod> kTable = {
      {"0", 0, 1, 5, 722, 7415141576215061722ULL},
      {"Z", 1, 0, 6, 893, 6256425929722855893ULL},
      {"a", 1, 1, 2, 697, 3585878926028121697ULL},
      {"adatum", 1, 2, 1, 173, 14399773647577329173ULL},
      {"contoso", 0, 0, 1, 200, 8721608190225598200ULL},
      {"fabrikam", 1, 2, 2, 435, 11694209654041907435ULL},
      {"litware-eu-west.1", 1, 2, 5, 559, 10118391146176216559ULL},
      {"northwind", 1, 1, 5, 95, 16462729952193587095ULL},
      {"org-0", 1, 0, 1, 25, 2645763715847297025ULL},
      {"org-1", 0, 1, 6, 378, 12593921522744920378ULL},
      {"org-17", 0, 0, 4, 60, 11238963043328748060ULL},
      {"org-2", 0, 2, 6, 786, 2912714798894351786ULL},
      {"org-3", 0, 1, 5, 870, 14228874662777632870ULL},
      {"tailspin.toys", 1, 0, 3, 885, 9043770932731836885ULL},
      {"woodgrove_bank", 1, 2, 6, 471, 14788077301205036471ULL},
      {std::string(200, 'x'), 0, 1, 6, 456, 16131141350317198456ULL},
  };
  return kTable;
}

TEST(ShardTest, HashModMatchesPrometheus) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (const PrometheusHashMod& row : Table()) {
    EXPECT_EQ(HashMod(row.value, 2), row.mod_2) << row.value;
    EXPECT_EQ(HashMod(row.value, 3), row.mod_3) << row.value;
    EXPECT_EQ(HashMod(row.value, 7), row.mod_7) << row.value;
    EXPECT_EQ(HashMod(row.value, 1000), row.mod_1000) << row.value;
    EXPECT_EQ(HashMod(row.value, kMax), row.mod_max) << row.value;
  }
}

TEST(ShardTest, AReplicaHoldsTheTargetsThatHashToIt) {
  for (const PrometheusHashMod& row : Table()) {
    EXPECT_TRUE(ShardHolds(Shard{0, 1}, row.value)) << row.value;
    for (std::uint64_t i = 0; i < 3; ++i) {
      EXPECT_EQ(ShardHolds(Shard{i, 3}, row.value), i == row.mod_3) << row.value << " " << i;
    }
  }
}

TEST(ShardTest, ManyNamesSpreadEvenly) {
  std::vector<int> per_shard(4);
  for (int i = 0; i < 4000; ++i) ++per_shard[HashMod("org-" + std::to_string(i), 4)];
  for (int n : per_shard) {
    EXPECT_GT(n, 900);
    EXPECT_LT(n, 1100);
  }
}

}  // namespace
}  // namespace pushprobe::exporter
