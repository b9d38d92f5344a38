#pragma once

#include <ostream>

#include "probe/engine/probe_runner.h"

namespace pushprobe {

/// \brief The diagnostics command's live progress on a terminal: a line per
/// stage as it starts ("  [ .. ]     metadata"), rewritten in place when it
/// ends with its tag and time, in the transcript's columns. Flushed at once,
/// so a slow stage shows which one is waiting.
class StageProgress final : public StageObserver {
 public:
  /// \p out (the terminal's stderr) must outlive this.
  StageProgress(std::ostream& out, bool color) : out_(out), color_(color) {}

  /// Starts a target's block: "pushprobe: checking target "NAME" ...".
  void Begin(const std::string& target);
  void StageStarted(StageId stage) override;
  void StageFinished(const StageResult& stage) override;

 private:
  std::ostream& out_;
  bool color_;
};

}  // namespace pushprobe
