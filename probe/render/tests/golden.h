#pragma once

#include <string>

namespace pushprobe::render::golden {

/// Compares \p actual byte for byte with testdata/\p file_name. With
/// PUSHPROBE_UPDATE_GOLDEN=1 in the environment it rewrites the file instead
/// (and the test passes), so an intended change is one run plus a review of
/// `git diff probe/render/testdata`.
void ExpectGolden(const std::string& file_name, const std::string& actual);

}  // namespace pushprobe::render::golden
