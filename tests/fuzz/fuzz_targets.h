#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pushprobe::fuzz {

/// \brief One parser of untrusted input, wrapped for fuzzing.
///
/// `run` feeds the bytes to the parser and returns false only when the
/// parser broke its contract (it rejected the input without saying why);
/// crashes, leaks and undefined behaviour are the sanitizers' to catch.
/// Its seed inputs are the files in tests/fuzz/corpus/<name>/, and inputs that
/// once broke it are in tests/fuzz/regressions/<name>/ (docs/fuzzing.md).
struct FuzzTarget {
  const char* name;
  bool (*run)(const std::uint8_t* data, std::size_t size);
};

/// Every parser that reads what a server, a file or a user hands us.
const std::vector<FuzzTarget>& AllFuzzTargets();

}  // namespace pushprobe::fuzz
