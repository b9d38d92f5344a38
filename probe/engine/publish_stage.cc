#include "probe/engine/http_step.h"
#include "probe/engine/publish_request.h"
#include "probe/engine/stages.h"
#include "probe/protocol/push_fault.h"

namespace pushprobe {
namespace {

std::string ExchangePublishError(const std::string& host, const std::string& details) {
  return "The call to the Push Notification service on server \"" + host +
         "\" failed. Error details: " + details + ".";
}

}  // namespace

void RunPublishStage(RunContext& context, StageResult& result) {
  HttpRequest request = BuildPublishRequest(context, "Bearer " + context.state.access_token);
  std::string request_id = *FindHeader(request.headers, "client-request-id");
  ProbeFacts& facts = context.facts;
  facts.client_request_id = request_id;
  result.AddFact("client_request_id", request_id);
  auto response = SendRecorded(context, result, request);
  result.requests.back().client_request_id = request_id;
  if (!response) {
    result.exchange_error = ExchangePublishError(context.state.publish_host, result.message);
    return;
  }
  facts.publish_status = response->status;
  result.AddFact("status", std::to_string(response->status));
  if (response->status >= 200 && response->status <= 299) return;

  const std::string& token = context.state.access_token;
  const auto shown = [&](std::string_view text) {
    return ServerText(text, token, "<the access token sent>");
  };
  std::string details =
      "HTTP " + std::to_string(response->status) + " " + shown(response->reason_phrase);
  if (auto diagnostics = response->Header("x-ms-diagnostics")) {
    facts.x_ms_diagnostics = shown(*diagnostics);
    result.AddFact("x_ms_diagnostics", facts.x_ms_diagnostics);
    if (auto parsed = ParseMsDiagnostics(*diagnostics)) {
      details += ", " + shown(parsed->error_category) + " (" + std::to_string(parsed->code) +
                 "): " + shown(parsed->reason);
    } else {
      details += ", x-ms-diagnostics: " + facts.x_ms_diagnostics;
    }
  }
  if (auto fault = ParsePushFault(response->body)) {
    facts.fault_message = shown(fault->message);
    result.AddFact("fault_message", facts.fault_message);
    details += ", fault: " + facts.fault_message;
  }
  if (response->status == 401) {
    result.Fail(Reason::kTokenRejected, "the push proxy refused the token: " + details);
    BlameClockSkew(context, result);
  } else {
    result.Fail(Reason::kHttpStatus, "publish to " + context.state.publish_url + " failed: " +
                                         details + TrailingSlashNote(context, response->status));
  }
  result.exchange_error = ExchangePublishError(context.state.publish_host, details);
}

}  // namespace pushprobe
