#include "probe/engine/http_step.h"
#include "probe/engine/stages.h"
#include "probe/protocol/url.h"

namespace pushprobe {

void RunMetadataStage(RunContext& context, StageResult& result) {
  HttpRequest request;
  request.method = "GET";
  request.url = context.target.auth_metadata_url;
  request.headers = {{"User-Agent", "MicrosoftExchangeAuthManagement"},
                     {"Accept", "application/json"},
                     {"Connection", "close"}};
  request.max_response_bytes = context.target.max_response_bytes;
  auto response = SendRecorded(context, result, request, "metadata");
  if (!response) return;
  if (response->status != 200) {
    result.Fail(Reason::kHttpStatus, "auth metadata at " + request.url + " answered HTTP " +
                                         std::to_string(response->status) + " " +
                                         response->reason_phrase + ", expected 200");
    return;
  }
  Expected<AuthMetadata> metadata = ParseAuthMetadata(response->body);
  if (!metadata) {
    result.Fail(Reason::kMalformedResponse,
                "auth metadata from " + request.url + " is unusable: " + metadata.error());
    return;
  }
  Expected<Url> endpoint = ParseUrl(metadata->token_endpoint);
  if (!endpoint || endpoint->scheme != "https") {
    result.Fail(Reason::kMalformedResponse, "auth metadata names token endpoint \"" +
                                                metadata->token_endpoint +
                                                "\", which is not an absolute https URL");
    return;
  }
  ProbeFacts& facts = context.facts;
  facts.realm = metadata->realm;
  facts.issuer = metadata->issuer;
  facts.token_endpoint = metadata->token_endpoint;
  result.AddFact("realm", metadata->realm);
  result.AddFact("issuer", metadata->issuer);
  result.AddFact("token_endpoint", metadata->token_endpoint);
  result.AddFact("signing_keys", std::to_string(metadata->signing_certificates_der.size()));
  context.state.realm = metadata->realm;
  context.state.metadata = std::move(metadata).value();
}

}  // namespace pushprobe
