#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pushprobe::fuzz {

/// \brief One parser of untrusted input, wrapped for fuzzing.
///
/// `run` feeds the bytes to the parser and returns false only when the
/// parser broke its contract (it rejected the input without saying why);
/// crashes, leaks and undefined behaviour are the sanitizers' to catch.
struct FuzzTarget {
  const char* name;
  bool (*run)(const std::uint8_t* data, std::size_t size);
  std::vector<std::string> seeds;  ///< valid inputs the mutations start from
};

/// Every parser that reads what a server, a file or a user hands us.
const std::vector<FuzzTarget>& AllFuzzTargets();

}  // namespace pushprobe::fuzz
