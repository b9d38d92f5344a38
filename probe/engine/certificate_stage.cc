#include "probe/core/time_format.h"
#include "probe/engine/stages.h"
#include "probe/protocol/signing_credential.h"
#include "probe/render/format.h"

namespace pushprobe {

void RunCertificateStage(RunContext& context, StageResult& result) {
  const TargetConfig& target = context.target;
  if (target.certificate.empty()) {
    result.Fail(Reason::kCertMissing, "no certificate configured");
    result.exchange_error = std::string(kExchangeMissingCertificateError);
    return;
  }
  auto loaded = context.credentials.Load(target.certificate, target.private_key,
                                         target.private_key_password_file, &context.deadline);
  if (!loaded) {
    const SigningCredential::LoadError& error = loaded.error();
    result.Fail(error.reason, error.message);
    if (error.reason == Reason::kCertMissing) {
      result.exchange_error = std::string(kExchangeMissingCertificateError);
    }
    return;
  }
  std::shared_ptr<const SigningCredential> shared = loaded.value();
  const SigningCredential& credential = *shared;
  ProbeFacts& facts = context.facts;
  facts.auth_cert_thumbprint = credential.Thumbprint();
  facts.auth_cert_subject = credential.Subject();
  facts.auth_cert_not_before = credential.NotBefore();
  facts.auth_cert_not_after = credential.NotAfter();
  facts.auth_key_bits = credential.KeyBits();
  WallTime now = context.clock.Now();
  // Each is formatted from the certificate on every call: once per run.
  result.AddFact("subject", facts.auth_cert_subject);
  result.AddFact("thumbprint", facts.auth_cert_thumbprint);
  result.AddFact("key",
                 credential.KeyType() + " " + std::to_string(credential.KeyBits()) + " bits");
  result.AddFact("not_after", render::FormatRfc3339(credential.NotAfter()));
  result.AddFact("days_left", std::to_string(render::DaysLeft(credential.NotAfter(), now)));

  CredentialVerdict verdict = EvaluateCredential(credential, now, target.thumbprint);
  if (verdict.reason != Reason::kNone) {
    result.Fail(verdict.reason, verdict.message);
    result.exchange_error = verdict.exchange_error;
    return;
  }
  context.state.credential = std::move(shared);
}

}  // namespace pushprobe
