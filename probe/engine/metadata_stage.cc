#include "probe/engine/http_step.h"
#include "probe/engine/stages.h"
#include "probe/protocol/openid_configuration.h"
#include "probe/protocol/token_response.h"
#include "probe/protocol/url.h"

namespace pushprobe {

void RunMetadataStage(RunContext& context, StageResult& result) {
  // The identity platform flow reads the tenant's OpenID configuration where
  // ACS has its metadata document: it proves the tenant exists and gives its
  // id (the realm the challenge is checked against). An inference
  // (docs/protocol.md 2.3): the protocol names only the v2 token endpoint.
  const bool v2 = context.target.token_flow == TokenFlow::kIdentityPlatform;
  const char* document = v2 ? "OpenID configuration" : "auth metadata";
  HttpRequest request;
  request.method = "GET";
  request.url = AuthMetadataUrl(context.target);
  // No "Connection: close": the token request goes to the same issuer next,
  // on this connection (docs/protocol.md 2.3, 2.7).
  request.headers = {{"User-Agent", "MicrosoftExchangeAuthManagement"},
                     {"Accept", "application/json"}};
  request.max_response_bytes = context.target.max_response_bytes;
  auto response = SendRecorded(context, result, request);
  if (!response) return;
  if (response->status != 200) {
    std::string message = std::string(document) + " at " + request.url + " answered HTTP " +
                          std::to_string(response->status) + " " + response->reason_phrase +
                          ", expected 200";
    // login.microsoftonline.com says why, e.g. AADSTS90002 for an unknown tenant.
    Expected<TokenAnswer> answer =
        v2 ? ParseTokenAnswer(response->body) : Expected<TokenAnswer>::Error("not read");
    if (answer && std::holds_alternative<OAuthError>(answer.value())) {
      const OAuthError& error = std::get<OAuthError>(answer.value());
      message += ": " + error.error + ": " + error.FirstLine();
    }
    result.Fail(Reason::kHttpStatus, message);
    return;
  }
  Expected<AuthMetadata> metadata = v2 ? ParseOpenIdConfiguration(response->body)
                                       : AuthMetadataMemo::Shared().Parse(response->body);
  if (!metadata) {
    result.Fail(Reason::kMalformedResponse, std::string(document) + " from " + request.url +
                                                " is unusable: " + metadata.error());
    return;
  }
  auto endpoint = ParseUrl(metadata->token_endpoint);
  if (!endpoint || endpoint->scheme != "https") {
    result.Fail(Reason::kMalformedResponse, std::string(document) + " names token endpoint \"" +
                                                metadata->token_endpoint +
                                                "\", which is not an absolute https URL");
    return;
  }
  ProbeFacts& facts = context.facts;
  facts.realm = metadata->realm;
  facts.metadata_realm = metadata->realm;
  facts.issuer = metadata->issuer;
  result.AddFact("realm", metadata->realm);
  result.AddFact("issuer", metadata->issuer);
  if (v2) {
    // 2.6 posts to the configured token URL, which the assertion's aud must
    // name; the discovered one is shown for comparison.
    facts.token_endpoint = context.target.token_url;
    result.AddFact("token_endpoint", context.target.token_url);
    if (metadata->token_endpoint != context.target.token_url) {
      result.AddFact("discovered_token_endpoint", metadata->token_endpoint);
    }
  } else {
    facts.token_endpoint = metadata->token_endpoint;
    result.AddFact("token_endpoint", metadata->token_endpoint);
    result.AddFact("signing_keys", std::to_string(metadata->signing_certificates_der.size()));
  }
  context.state.realm = metadata->realm;
  context.state.metadata = std::move(metadata).value();
}

}  // namespace pushprobe
