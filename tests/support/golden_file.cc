#include "tests/support/golden_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

namespace pushprobe::testing {
namespace {

bool UpdateRequested() {
  const char* v = std::getenv("PUSHPROBE_UPDATE_GOLDEN");
  return v != nullptr && std::string_view(v) == "1";
}

// The first differing line, so a failure says where without dumping both files.
std::string FirstDifference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected);
  std::istringstream a(actual);
  std::string le;
  std::string la;
  for (int line = 1;; ++line) {
    const bool more_e = static_cast<bool>(std::getline(e, le));
    const bool more_a = static_cast<bool>(std::getline(a, la));
    if (!more_e && !more_a) return "difference in line endings or a final newline";
    if (le != la || more_e != more_a) {
      return "line " + std::to_string(line) +
             ":\n  expected: " + (more_e ? "\"" + le + "\"" : "<end>") +
             "\n  actual:   " + (more_a ? "\"" + la + "\"" : "<end>");
    }
  }
}

}  // namespace

void ExpectGoldenFile(const std::string& directory, const std::string& file_name,
                      const std::string& actual) {
  const std::string path = directory + "/" + file_name;
  if (UpdateRequested()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path
                         << " (run with PUSHPROBE_UPDATE_GOLDEN=1 to create it)";
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string expected = buf.str();
  EXPECT_TRUE(expected == actual)
      << file_name << " differs from the rendering, first at " << FirstDifference(expected, actual)
      << "\n(if the change is intended: PUSHPROBE_UPDATE_GOLDEN=1 and review the diff)";
}

}  // namespace pushprobe::testing
