#include "tests/emulator/fault_responder.h"

#include "tests/emulator/acs_error.h"
#include "tests/emulator/bearer_challenge.h"
#include "tests/emulator/push_fault_body.h"

namespace pushprobe::emulator {
namespace {

std::string GuessContentType(const std::string& body) {
  if (!body.empty() && (body.front() == '{' || body.front() == '[')) {
    return "application/json; charset=utf-8";
  }
  return "text/plain; charset=utf-8";
}

}  // namespace

Reply FaultResponder::DefaultStatusReply(const Fault& fault,
                                         std::chrono::system_clock::time_point now) const {
  Reply reply;
  reply.status = fault.status;
  switch (fault.stage) {
    case Stage::kMetadata:
      reply.content_type = "text/html";
      reply.body = "<html><head><title>" + std::to_string(fault.status) +
                   "</title></head><body>Injected fault</body></html>";
      break;
    case Stage::kToken:
      reply = AcsError{fault.status, "temporarily_unavailable",
                       "AADSTS50000: There was an error issuing a token or an issue with our "
                       "sign-in service.",
                       50000, ""}
                  .ToReply(now);
      break;
    case Stage::kChallenge:
    case Stage::kPublish:
      reply.content_type = "application/json; charset=utf-8";
      reply.body = PushFaultBody("Injected fault: HTTP " + std::to_string(fault.status) + ".",
                                 IsTransientStatus(fault.status));
      break;
  }
  return reply;
}

std::optional<Reply> FaultResponder::Respond(const Fault& fault,
                                             std::chrono::system_clock::time_point now) const {
  Reply reply;
  switch (fault.kind) {
    case FaultKind::kStatus:
      if (fault.body.empty()) {
        reply = DefaultStatusReply(fault, now);
      } else {
        reply.status = fault.status;
        reply.content_type = GuessContentType(fault.body);
        reply.body = fault.body;
      }
      break;
    case FaultKind::kRedirect:
      reply.status = fault.status != 0 ? fault.status : 302;
      reply.Header("Location", fault.text);
      break;
    case FaultKind::kMalformedBody:
      reply.content_type = "application/json; charset=utf-8";
      reply.body = fault.body;
      break;
    case FaultKind::kOversizedBody: {
      const std::string head = "{\"padding\":\"";
      const std::string tail = "\"}";
      const std::size_t fill =
          fault.size > head.size() + tail.size() ? fault.size - head.size() - tail.size() : 0;
      reply.content_type = "application/json; charset=utf-8";
      reply.body = head + std::string(fill, 'x') + tail;
      break;
    }
    case FaultKind::kChallengeUntrustedIssuer: {
      BearerChallenge challenge;
      challenge.trusted_issuers = fault.text;
      reply.status = 401;
      reply.Header("WWW-Authenticate", challenge.ToString());
      break;
    }
    case FaultKind::kChallengeRealm: {
      BearerChallenge challenge;
      challenge.realm = fault.text.empty() ? identity_.tenant : fault.text;
      reply.status = 401;
      reply.Header("WWW-Authenticate", challenge.ToString());
      break;
    }
    case FaultKind::kChallengeMissing:
      reply.status = 401;
      break;
    case FaultKind::kDiagnostics:
      reply.status = fault.status != 0 ? fault.status : 401;
      reply.content_type = "application/json; charset=utf-8";
      reply.body = PushFaultBody("The remote server returned an error: (401) Unauthorized.", false);
      reply.Header("x-ms-diagnostics", fault.text);
      break;
    case FaultKind::kOAuthError: {
      const int status = fault.status != 0                ? fault.status
                         : fault.text == "invalid_client" ? 401
                                                          : 400;
      reply = AcsError{status, fault.text, fault.description, 0, ""}.ToReply(now);
      break;
    }
    case FaultKind::kSlow:
    case FaultKind::kReset:
    case FaultKind::kTruncatedBody:
    case FaultKind::kUnregisteredCertificate:
    case FaultKind::kExpiredRegistration:
    case FaultKind::kClockSkew:
      return std::nullopt;
  }
  for (const auto& [name, value] : fault.headers) reply.Header(name, value);
  return reply;
}

}  // namespace pushprobe::emulator
