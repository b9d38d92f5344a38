// libFuzzer entry point for one target, chosen at build time:
//   clang++ -fsanitize=fuzzer,address -DPUSHPROBE_FUZZ_TARGET='"token_response"' ...
// Built by the fuzz preset, one binary per corpus directory (tests/fuzz/CMakeLists.txt).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/fuzz/fuzz_targets.h"

namespace {

const pushprobe::fuzz::FuzzTarget& Target() {
  static const pushprobe::fuzz::FuzzTarget* target = [] {
    for (const auto& candidate : pushprobe::fuzz::AllFuzzTargets()) {
      if (std::strcmp(candidate.name, PUSHPROBE_FUZZ_TARGET) == 0) return &candidate;
    }
    std::fprintf(stderr, "no fuzz target named %s\n", PUSHPROBE_FUZZ_TARGET);
    std::abort();
  }();
  return *target;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A rejection without a message is a finding, like a crash.
  if (!Target().run(data, size)) __builtin_trap();
  return 0;
}
