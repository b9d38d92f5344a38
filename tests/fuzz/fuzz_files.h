#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pushprobe::fuzz {

/// Separates the files one fuzz input carries (a "scissors" line, unlikely in
/// YAML, PEM or DER, and easy to type in a seed).
inline constexpr std::string_view kPartSeparator = "\n--8<--\n";

/// Splits \p input at every kPartSeparator.
std::vector<std::string_view> SplitParts(std::string_view input);

/// \brief The process's scratch directory for targets that load files.
///
/// Created once under $TMPDIR (or /tmp) and removed at exit; the loaders
/// under test read only the files written here.
class ScratchDir {
 public:
  static const ScratchDir& Get();
  const std::string& path() const { return path_; }
  /// path()/name
  std::string File(std::string_view name) const;
  /// Replaces path()/name with \p content; aborts when it cannot, since a
  /// fuzz run whose files are stale would test nothing.
  std::string Write(std::string_view name, std::string_view content) const;

 private:
  ScratchDir();
  std::string path_;
};

}  // namespace pushprobe::fuzz
