// Deterministic mutation fuzzing of every parser of untrusted input. Runs in
// the normal and sanitizer builds (label "fuzz"); the same targets can be
// driven by libFuzzer through libfuzzer_entry.cc with clang.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "tests/fuzz/fuzz_targets.h"

namespace pushprobe::fuzz {
namespace {

constexpr int kIterationsPerTarget = 4000;

// One mutation of the kinds that find parser bugs: flips, truncation,
// duplication of a slice, insertion of structural bytes, splicing.
std::string Mutate(std::string input, std::mt19937& rng, const std::string& other) {
  static const char kInteresting[] = "\"\\{}[]:,@=;\r\n\t\0%\xff\xc3-0123456789";
  auto pick = [&](std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  int rounds = 1 + static_cast<int>(pick(4));
  for (int r = 0; r < rounds; ++r) {
    switch (pick(6)) {
      case 0:
        if (!input.empty()) input[pick(input.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:
        input.resize(pick(input.size() + 1));
        break;
      case 2:
        if (!input.empty()) {
          std::size_t at = pick(input.size());
          std::size_t len = pick(std::min<std::size_t>(input.size() - at, 64) + 1);
          input.insert(pick(input.size() + 1), input.substr(at, len));
        }
        break;
      case 3:
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(pick(input.size() + 1)),
                     kInteresting[pick(sizeof kInteresting - 1)]);
        break;
      case 4:
        if (!input.empty()) input.erase(pick(input.size()), 1 + pick(8));
        break;
      default:
        input = input.substr(0, pick(input.size() + 1)) + other.substr(pick(other.size() + 1));
        break;
    }
  }
  return input;
}

class FuzzTest : public ::testing::TestWithParam<FuzzTarget> {};

TEST_P(FuzzTest, ParserExplainsEveryRejectionAndNeverCrashes) {
  const FuzzTarget& target = GetParam();
  std::mt19937 rng(20261125);
  auto run = [&](const std::string& input) {
    return target.run(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  };
  for (const std::string& seed : target.seeds) {
    ASSERT_TRUE(run(seed)) << "seed: " << seed;
    ASSERT_TRUE(run("")) << "empty input";
  }
  for (int i = 0; i < kIterationsPerTarget; ++i) {
    const std::string& seed = target.seeds[i % target.seeds.size()];
    const std::string& other = target.seeds[(i / 2) % target.seeds.size()];
    std::string input = Mutate(seed, rng, other);
    ASSERT_TRUE(run(input)) << "rejected without a message: " << ::testing::PrintToString(input);
  }
}

INSTANTIATE_TEST_SUITE_P(Parsers, FuzzTest, ::testing::ValuesIn(AllFuzzTargets()),
                         [](const ::testing::TestParamInfo<FuzzTarget>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace pushprobe::fuzz
