#pragma once

#include <string>

namespace pushprobe::testing {

/// Compares \p actual byte for byte with \p directory/\p file_name and, when
/// they differ, names the first differing line. With PUSHPROBE_UPDATE_GOLDEN=1
/// in the environment it rewrites the file instead (and the test passes), so
/// an intended change is one run plus a review of `git diff` on the directory.
void ExpectGoldenFile(const std::string& directory, const std::string& file_name,
                      const std::string& actual);

}  // namespace pushprobe::testing
