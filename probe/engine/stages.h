#pragma once

#include <array>

#include "probe/core/stage_result.h"
#include "probe/engine/run_context.h"

namespace pushprobe {

/// \brief One stage's single entry point: reads the context, fills \p result
/// (status ok or failed, reason, message, facts, requests). Never throws for
/// anything the network, the server or the files can cause.
using StageFn = void (*)(RunContext& context, StageResult& result);

void RunConfigurationStage(RunContext& context, StageResult& result);
void RunCertificateStage(RunContext& context, StageResult& result);
void RunMetadataStage(RunContext& context, StageResult& result);
void RunChallengeStage(RunContext& context, StageResult& result);
void RunTokenStage(RunContext& context, StageResult& result);
void RunPublishStage(RunContext& context, StageResult& result);

/// \brief The rollover step (ProbeResult::rollover): after the six stages,
/// when the target names a next certificate. Loads and checks it with the
/// certificate stage's rules (no thumbprint pin), then requests a token with
/// it from the issuer the token stage used; never publishes. Runs the token
/// request only when the token stage ran (the current certificate reached the
/// issuer), else leaves \p step skipped with the reason in its message.
void RunRolloverStep(RunContext& context, const ProbeResult& result, StageResult& step);

/// The challenge's request needs nothing from the metadata, so a concurrent
/// run builds it first and sends it beside the metadata request
/// (EarlyRequests); JudgeChallenge then records and judges its outcome in
/// stage order, after the metadata the trust check needs. RunChallengeStage is
/// the two in a row.
HttpRequest BuildChallengeRequest(RunContext& context);
void JudgeChallenge(RunContext& context, StageResult& result, HttpOutcome outcome);

/// \brief A stage the runner runs: its id (whose facts, name, Exchange
/// exception, HTTP and TLS endpoint, are its StageInfo in probe/core/stage_id.h,
/// where the renderers and the faces below and beside the engine can read them)
/// and its entry point.
struct StageDef {
  StageId id;
  StageFn run;
};

/// The stages in the order they run; the only list of entry points. Every
/// stage depends on all before it, so the first failure skips the rest.
inline constexpr std::array<StageDef, 6> kStageDefs = {{
    {StageId::kConfiguration, RunConfigurationStage},
    {StageId::kCertificate, RunCertificateStage},
    {StageId::kMetadata, RunMetadataStage},
    {StageId::kChallenge, RunChallengeStage},
    {StageId::kToken, RunTokenStage},
    {StageId::kPublish, RunPublishStage},
}};

constexpr bool StageDefsFollowCoreOrder() {
  if (kStageDefs.size() != kAllStages.size()) return false;
  for (std::size_t i = 0; i < kStageDefs.size(); ++i) {
    if (kStageDefs[i].id != kAllStages[i]) return false;
  }
  return true;
}
// kStageInfos (the result model) and kStageDefs (the runner) must agree; this
// makes a disagreement a compile error instead of a wrong report.
static_assert(StageDefsFollowCoreOrder(), "kStageDefs must list every StageId in kAllStages order");

}  // namespace pushprobe
