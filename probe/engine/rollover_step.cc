#include "probe/engine/stages.h"
#include "probe/render/format.h"

namespace pushprobe {

void RunRolloverStep(RunContext& context, const ProbeResult& result, StageResult& step) {
  const TargetConfig& target = context.target;
  ProbeFacts& facts = context.facts;
  step.stage = StageId::kToken;
  facts.next_auth_cert_effective = target.next_effective_date;
  if (target.next_effective_date) {
    step.AddFact("effective_date", render::FormatRfc3339(*target.next_effective_date));
  }
  auto loaded = context.credentials.Load(target.next_certificate, target.next_private_key,
                                         target.next_private_key_password_file, &context.deadline);
  if (!loaded) {
    step.Fail(loaded.error().reason, "next certificate: " + loaded.error().message);
    return;
  }
  std::shared_ptr<const SigningCredential> credential = loaded.value();
  WallTime now = context.clock.Now();
  facts.next_auth_cert_thumbprint = credential->Thumbprint();
  facts.next_auth_cert_not_after = credential->NotAfter();
  step.AddFact("subject", credential->Subject());
  step.AddFact("thumbprint", facts.next_auth_cert_thumbprint);
  step.AddFact("key",
               credential->KeyType() + " " + std::to_string(credential->KeyBits()) + " bits");
  step.AddFact("not_after", render::FormatRfc3339(credential->NotAfter()));
  step.AddFact("days_left", std::to_string(render::DaysLeft(credential->NotAfter(), now)));
  // The same rules as the current certificate, without the pin (which names
  // the current one).
  CredentialVerdict verdict = EvaluateCredential(*credential, now, "");
  if (verdict.reason != Reason::kNone) {
    step.Fail(verdict.reason, "next certificate: " + verdict.message);
    return;
  }
  const StageResult& token = result.Stage(StageId::kToken);
  if (token.status == StageStatus::kSkipped) {
    step.message =
        "token request not sent: the current certificate's run did not reach the "
        "token issuer";
    return;
  }
  // The token stage again, signed with the next certificate, in a context of
  // its own: its token, facts and connections never mix with the run's (the
  // publish stage has already used the run's token).
  ProbeFacts scratch = facts;
  scratch.oauth_error.clear();
  scratch.oauth_error_description.clear();
  RunState state = context.state;
  state.credential = credential;
  state.access_token.clear();
  RunContext next{target,        context.clock,       context.deadline, context.http,
                  context.guids, context.credentials, context.sequence, std::move(state),
                  scratch,       HttpConnections{}};
  RunTokenStage(next, step);
  next.state.access_token.assign(next.state.access_token.size(), '\0');
  if (step.status == StageStatus::kSkipped) step.status = StageStatus::kOk;
  if (step.ok()) {
    facts.next_auth_cert_registered = true;
  } else if (step.reason == Reason::kOauthError) {
    facts.next_auth_cert_registered = false;
  }
}

}  // namespace pushprobe
