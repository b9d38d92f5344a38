#pragma once

#include <string>

namespace pushprobe::nagios::testing {

/// Compares \p actual byte for byte with nagios/tests/golden/\p file_name. With
/// PUSHPROBE_UPDATE_GOLDEN=1 in the environment it rewrites the file instead
/// (and the test passes); review the change with `git diff nagios/tests/golden`.
void ExpectGoldenFile(const std::string& file_name, const std::string& actual);

}  // namespace pushprobe::nagios::testing
