#include <variant>

#include "probe/core/time_format.h"
#include "probe/engine/http_step.h"
#include "probe/engine/stages.h"
#include "probe/protocol/assertion.h"
#include "probe/protocol/token_response.h"
#include "probe/protocol/url.h"
#include "probe/render/format.h"

namespace pushprobe {
namespace {

std::string ExchangeTokenError(const std::string& code, const std::string& description) {
  return "Unable to get token from Auth Server. Error code: '" + code + "'. Description: '" +
         description + "'.";
}

void RecordGrant(RunContext& context, StageResult& result, const TokenGrant& grant,
                 const std::string& requested_resource) {
  WallTime now = context.clock.Now();
  WallTime expires_at = grant.expires_on ? WallTime(std::chrono::seconds(*grant.expires_on))
                                         : now + std::chrono::seconds(grant.expires_in);
  context.facts.token_expires_at = expires_at;
  context.facts.token_lifetime = std::chrono::seconds(grant.expires_in);
  result.AddFact("token_type", grant.token_type.empty() ? "(none)" : grant.token_type);
  result.AddFact("expires_in", std::to_string(grant.expires_in) + " s");
  result.AddFact("expires_at", render::FormatRfc3339(expires_at));
  if (!grant.resource.empty() && grant.resource != requested_resource) {
    result.AddFact("granted_resource", grant.resource);
  }
}

// The token endpoint's answer, the same for both flows: a grant, an OAuth
// error (with Exchange's text), another HTTP status, or something unreadable.
// A 5xx is the service failing on its side even when it words it as an OAuth
// error (temporarily_unavailable, server_error): the assertion was not judged,
// so blaming the certificate or the registration would send the administrator
// the wrong way.
constexpr std::string_view kAssertionShownAs = "<the client assertion sent>";

void ReadTokenAnswer(RunContext& context, StageResult& result, const HttpResponse& response,
                     const std::string& requested_resource, const std::string& assertion) {
  Expected<TokenAnswer> answer = ParseTokenAnswer(response.body);
  const bool service_failed = response.status >= 500;
  if (answer) {
    if (const auto* error = std::get_if<OAuthError>(&answer.value())) {
      context.facts.oauth_error = ServerText(error->error, assertion, kAssertionShownAs);
      context.facts.oauth_error_description =
          ServerText(error->FirstLine(), assertion, kAssertionShownAs);
      const std::string words =
          context.facts.oauth_error + ": " + context.facts.oauth_error_description;
      if (service_failed) {
        result.Fail(Reason::kHttpStatus, "token endpoint answered HTTP " +
                                             std::to_string(response.status) + " " +
                                             response.reason_phrase + ": " + words);
      } else {
        result.Fail(Reason::kOauthError, "token refused by auth server (HTTP " +
                                             std::to_string(response.status) + "): " + words);
      }
      result.exchange_error =
          ExchangeTokenError(context.facts.oauth_error,
                             ServerText(error->description, assertion, kAssertionShownAs, true));
      BlameClockSkew(context, result);
      return;
    }
  }
  if (response.status < 200 || response.status > 299) {
    result.Fail(Reason::kHttpStatus,
                "token endpoint answered HTTP " + std::to_string(response.status) + " " +
                    response.reason_phrase + ": " +
                    BodySnippet(ServerText(response.body, assertion, kAssertionShownAs, true)));
    result.exchange_error =
        ExchangeTokenError(std::to_string(response.status), response.reason_phrase);
    BlameClockSkew(context, result);
    return;
  }
  if (!answer) {
    result.Fail(
        Reason::kMalformedResponse,
        "token response is unusable: " + ServerText(answer.error(), assertion, kAssertionShownAs));
    return;
  }
  TokenGrant& grant = std::get<TokenGrant>(answer.value());
  if (grant.expires_in <= 0) {
    result.Fail(Reason::kMalformedResponse, "token response says expires_in " +
                                                std::to_string(grant.expires_in) +
                                                ", a token that is already expired");
    return;
  }
  RecordGrant(context, result, grant, requested_resource);
  context.state.access_token = std::move(grant.access_token);
}

HttpRequest TokenRequest(const RunContext& context, std::string url, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"},
                     {"User-Agent", "MicrosoftExchangeAuthManagement"}};
  request.body = std::move(body);
  request.max_response_bytes = context.target.max_response_bytes;
  return request;
}

// docs/protocol.md 2.5: an ACS S2S actor assertion for the resource the challenge named.
void RunAcsToken(RunContext& context, StageResult& result) {
  const AuthMetadata& metadata = *context.state.metadata;
  auto endpoint = ParseUrl(metadata.token_endpoint);
  AssertionParams params;
  params.service_name = context.target.service_name;
  params.realm = context.state.realm;
  params.token_issuer = metadata.issuer_principal.empty() ? context.target.token_issuer.get()
                                                          : metadata.issuer_principal;
  params.token_endpoint_host = endpoint->host;
  params.now = context.clock.Now();
  // A fresh assertion and token on every run: a cached token would hide a
  // certificate removed from the service principal for hours (docs/protocol.md 2.5).
  std::string assertion = BuildAssertion(*context.state.credential, params);
  std::string resource = TokenResource(context.state.challenge->client_id,
                                       context.state.publish_host, context.state.realm);
  result.AddFact("resource", resource);

  HttpRequest request =
      TokenRequest(context, metadata.token_endpoint, TokenRequestBody(assertion, resource));
  auto response = SendRecorded(context, result, request);
  if (!response) return;
  ReadTokenAnswer(context, result, *response, resource, assertion);
}

// docs/protocol.md 2.6: a client credentials grant with an RFC 7523 client
// assertion for the configured application, posted to the configured token
// URL (which the assertion names as its audience). Fresh on every run, as above.
void RunIdentityPlatformToken(RunContext& context, StageResult& result) {
  const TargetConfig& target = context.target;
  ClientAssertionParams params;
  params.application_id = target.application_id;
  params.token_url = target.token_url;
  params.jti = context.guids.NewGuid();
  params.now = context.clock.Now();
  std::string assertion = BuildClientAssertion(*context.state.credential, params);
  result.AddFact("client_id", target.application_id);
  result.AddFact("scope", target.scope);

  HttpRequest request =
      TokenRequest(context, target.token_url,
                   ClientCredentialsRequestBody(target.application_id, assertion, target.scope));
  auto response = SendRecorded(context, result, request);
  if (!response) return;
  ReadTokenAnswer(context, result, *response, "", assertion);
}

}  // namespace

void RunTokenStage(RunContext& context, StageResult& result) {
  if (context.target.token_flow == TokenFlow::kIdentityPlatform) {
    RunIdentityPlatformToken(context, result);
  } else {
    RunAcsToken(context, result);
  }
}

}  // namespace pushprobe
