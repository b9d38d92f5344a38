// libFuzzer entry point for one target, chosen at build time:
//   clang++ -fsanitize=fuzzer,address -DPUSHPROBE_FUZZ_TARGET='"token_response"' ...
// Built only with -DPUSHPROBE_LIBFUZZER=ON and clang (see tests/fuzz/CMakeLists.txt).
#include <cstring>

#include "tests/fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (const auto& target : pushprobe::fuzz::AllFuzzTargets()) {
    if (std::strcmp(target.name, PUSHPROBE_FUZZ_TARGET) == 0) {
      if (!target.run(data, size)) __builtin_trap();
    }
  }
  return 0;
}
