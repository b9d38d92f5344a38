#include "probe/engine/http_step.h"
#include "probe/engine/publish_request.h"
#include "probe/engine/stages.h"
#include "probe/protocol/push_fault.h"

namespace pushprobe {
namespace {

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

HttpRequest BuildChallengeRequest(RunContext& context) {
  // Exchange discovers the resource's expectations with an empty bearer token.
  return BuildPublishRequest(context, "Bearer");
}

void RunChallengeStage(RunContext& context, StageResult& result) {
  HttpRequest request = BuildChallengeRequest(context);
  JudgeChallenge(context, result,
                 context.http->Send(request, context.deadline, &context.connections));
}

void JudgeChallenge(RunContext& context, StageResult& result, HttpOutcome outcome) {
  auto response = Record(context, result, std::move(outcome));
  if (!response) return;
  if (response->status != 401) {
    std::string message = "the push proxy answered HTTP " + std::to_string(response->status) +
                          " to a request without a token, expected 401 with a Bearer challenge" +
                          TrailingSlashNote(context, response->status);
    if (auto fault = ParsePushFault(response->body)) message += ": " + fault->message;
    result.Fail(Reason::kHttpStatus, message);
    return;
  }
  auto header = response->Header("WWW-Authenticate");
  if (!header) {
    result.Fail(Reason::kMalformedResponse,
                "401 from the push proxy has no WWW-Authenticate header");
    return;
  }
  Expected<BearerChallenge> challenge = ParseBearerChallenge(*header);
  if (!challenge) {
    result.Fail(Reason::kMalformedResponse,
                "cannot read the push proxy's challenge: " + challenge.error());
    return;
  }
  if (challenge->client_id.empty()) {
    result.Fail(Reason::kMalformedResponse, "the push proxy's Bearer challenge has no client_id");
    return;
  }
  result.AddFact("client_id", challenge->client_id);
  result.AddFact("trusted_issuers", Join(challenge->trusted_issuers, ","));
  const AuthMetadata& metadata = *context.state.metadata;
  const std::string& principal = metadata.issuer_principal.empty()
                                     ? context.target.token_issuer.get()
                                     : metadata.issuer_principal;
  if (!challenge->realm.empty()) {
    // A realm named by the resource takes precedence over the metadata's tenant id.
    context.state.realm = challenge->realm;
    context.facts.realm = challenge->realm;
    context.facts.challenge_realm = challenge->realm;
    result.AddFact("realm", challenge->realm);
  }
  if (!challenge->Trusts(principal, context.state.realm)) {
    std::string entries = Join(challenge->trusted_issuers, ",");
    result.Fail(Reason::kUntrustedIssuer, "the push proxy trusts issuers '" + entries +
                                              "', none of which is the token issuer " + principal +
                                              "@" + context.state.realm);
    result.exchange_error = "The trusted issuers contained the following entries '" + entries +
                            "'. None of them are configured locally.";
    return;
  }
  context.facts.challenge_client_id = challenge->client_id;
  context.state.challenge = std::move(challenge).value();
}

}  // namespace pushprobe
