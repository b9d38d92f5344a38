#include "nagios/tests/golden_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace pushprobe::nagios::testing {

void ExpectGoldenFile(const std::string& file_name, const std::string& actual) {
  const std::string path = std::string(PUSHPROBE_NAGIOS_GOLDEN) + "/" + file_name;
  const char* update = std::getenv("PUSHPROBE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << actual;
    ASSERT_TRUE(file.good()) << "cannot write " << path;
    return;
  }
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file.good()) << "missing golden file " << path
                           << "; run with PUSHPROBE_UPDATE_GOLDEN=1 to create it";
  std::stringstream expected;
  expected << file.rdbuf();
  EXPECT_EQ(expected.str(), actual)
      << "differs from " << path << " (PUSHPROBE_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace pushprobe::nagios::testing
