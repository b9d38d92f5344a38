// Every checked-in seed (corpus/<target>/) and every input that once broke a
// target (regressions/<target>/) replayed, then deterministic mutations of the
// seeds. Runs in the normal and sanitizer builds (label "fuzz"); the same
// targets are driven by libFuzzer through libfuzzer_entry.cc (docs/fuzzing.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_targets.h"

namespace pushprobe::fuzz {
namespace {

constexpr int kIterationsPerTarget = 4000;
// Targets that write their files and decrypt keys cost a millisecond or more
// per input; fewer mutations keep the label's run short.
constexpr int kIterationsPerFileTarget = 1000;

const std::filesystem::path kFuzzDir = PUSHPROBE_FUZZ_DIR;

struct Input {
  std::string file;  // relative to kFuzzDir, for messages
  std::string bytes;
};

// The files of \p kind/\p target, sorted so runs are reproducible.
std::vector<Input> Inputs(const std::string& kind, const std::string& target) {
  std::vector<Input> inputs;
  std::filesystem::path dir = kFuzzDir / kind / target;
  if (!std::filesystem::is_directory(dir)) return inputs;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    inputs.push_back({kind + "/" + target + "/" + entry.path().filename().string(),
                      std::string(std::istreambuf_iterator<char>(in), {})});
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const Input& a, const Input& b) { return a.file < b.file; });
  return inputs;
}

std::set<std::string> Subdirectories(const std::string& kind) {
  std::set<std::string> names;
  if (!std::filesystem::is_directory(kFuzzDir / kind)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(kFuzzDir / kind)) {
    if (entry.is_directory()) names.insert(entry.path().filename().string());
  }
  return names;
}

bool RunTarget(const FuzzTarget& target, const std::string& input) {
  return target.run(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

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

// The libFuzzer binaries are made from corpus/ (tests/fuzz/CMakeLists.txt), so
// a target without seeds would go unfuzzed, and a stray directory would build
// a binary that fuzzes nothing.
TEST(FuzzCorpus, EveryTargetHasSeedsAndEveryDirectoryNamesATarget) {
  std::set<std::string> names;
  for (const FuzzTarget& target : AllFuzzTargets()) {
    names.insert(target.name);
    EXPECT_FALSE(Inputs("corpus", target.name).empty())
        << "no seed files in " << (kFuzzDir / "corpus" / target.name);
  }
  for (const char* kind : {"corpus", "regressions"}) {
    for (const std::string& dir : Subdirectories(kind)) {
      EXPECT_EQ(names.count(dir), 1u) << kind << "/" << dir << " is not a fuzz target";
    }
  }
}

class FuzzTest : public ::testing::TestWithParam<FuzzTarget> {};

TEST_P(FuzzTest, SeedsAndRegressionsPass) {
  const FuzzTarget& target = GetParam();
  EXPECT_TRUE(RunTarget(target, "")) << "empty input";
  for (const char* kind : {"corpus", "regressions"}) {
    for (const Input& input : Inputs(kind, target.name)) {
      EXPECT_TRUE(RunTarget(target, input.bytes))
          << input.file << " was rejected without a message";
    }
  }
}

TEST_P(FuzzTest, MutatedSeedsAreExplainedAndNeverCrash) {
  const FuzzTarget& target = GetParam();
  std::vector<Input> seeds = Inputs("corpus", target.name);
  ASSERT_FALSE(seeds.empty()) << "no seeds for " << target.name;
  std::mt19937 rng(20261125);
  std::string_view name = target.name;
  int iterations = name == "signing_credential" || name == "config_certificates"
                       ? kIterationsPerFileTarget
                       : kIterationsPerTarget;
  for (int i = 0; i < iterations; ++i) {
    const std::string& seed = seeds[i % seeds.size()].bytes;
    const std::string& other = seeds[(i / 2) % seeds.size()].bytes;
    std::string input = Mutate(seed, rng, other);
    ASSERT_TRUE(RunTarget(target, input))
        << "rejected without a message: " << ::testing::PrintToString(input);
  }
}

INSTANTIATE_TEST_SUITE_P(Parsers, FuzzTest, ::testing::ValuesIn(AllFuzzTargets()),
                         [](const ::testing::TestParamInfo<FuzzTarget>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace pushprobe::fuzz
