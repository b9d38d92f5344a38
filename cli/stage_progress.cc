#include "cli/stage_progress.h"

#include "probe/render/format.h"
#include "probe/render/text_renderer.h"

namespace pushprobe {
namespace {

// Back to the line's start and clear it: the finished line replaces the running one.
constexpr const char* kRewrite = "\r\x1b[K";

}  // namespace

void StageProgress::Begin(const std::string& target) {
  out_ << "pushprobe: checking target \"" << target << "\"\n" << std::flush;
}

void StageProgress::StageStarted(StageId stage) {
  out_ << render::TrimRight(render::StageLineHead(std::nullopt, stage, color_)) << std::flush;
}

void StageProgress::StageFinished(const StageResult& stage) {
  std::string line = render::StageLineHead(stage.status, stage.stage, color_);
  if (stage.status == StageStatus::kSkipped) {
    // Never started, so no running line to replace.
    out_ << render::TrimRight(line) << "\n" << std::flush;
    return;
  }
  line += render::FormatSeconds(stage.duration) + " s";
  if (stage.status == StageStatus::kFailed) line += "  " + std::string(ReasonName(stage.reason));
  out_ << kRewrite << line << "\n" << std::flush;
}

}  // namespace pushprobe
