#include "tests/emulator/publish_endpoint.h"

#include <Poco/String.h>

#include "tests/emulator/bearer_challenge.h"
#include "tests/emulator/constants.h"
#include "tests/emulator/crypto_util.h"
#include "tests/emulator/push_fault_body.h"

namespace pushprobe::emulator {
namespace {

std::string BearerToken(const Request& request) {
  const std::string value = Poco::trim(request.Header("Authorization"));
  if (value.size() < 6 || Poco::icompare(value.substr(0, 6), "Bearer") != 0) return {};
  if (value.size() > 6 && value[6] != ' ') return {};
  return Poco::trim(value.substr(6));
}

std::string MediaType(const std::string& content_type) {
  return Poco::toLower(Poco::trim(content_type.substr(0, content_type.find(';'))));
}

// Exchange Online echoes the client's id when asked to, and always adds its own.
void AddRequestIds(const Request& request, Reply& reply) {
  if (Poco::icompare(request.Header("return-client-request-id"), "true") == 0 &&
      request.HasHeader("client-request-id")) {
    reply.Header("client-request-id", request.Header("client-request-id"));
  }
  reply.Header("request-id", NewGuid());
}

}  // namespace

PublishEndpoint::PublishEndpoint(const ServiceIdentity& identity, const TokenSigner& signer)
    : identity_(identity), signer_(signer) {}

bool PublishEndpoint::IsChallengeRequest(const Request& request) {
  return BearerToken(request).empty();
}

Reply PublishEndpoint::Challenge() const {
  Reply reply;
  reply.status = 401;
  reply.Header("WWW-Authenticate", BearerChallenge{}.ToString());
  return reply;
}

Reply PublishEndpoint::BadRequest(const Request& request, const std::string& problem) const {
  Reply reply;
  reply.status = 400;
  reply.content_type = "application/json; charset=utf-8";
  reply.body = PushFaultBody(problem, false);
  reply.reason = problem;
  AddRequestIds(request, reply);
  return reply;
}

Reply PublishEndpoint::Handle(const Request& request,
                              std::chrono::system_clock::time_point now) const {
  auto verification = signer_.Verify(BearerToken(request), identity_.Resource(), now);
  if (verification.verdict == TokenSigner::Verdict::kWrongAudience) {
    // Identity platform tokens name Exchange Online by its URI (docs/protocol.md 2.6).
    verification = signer_.Verify(BearerToken(request), std::string(kOutlookResource), now);
  }
  if (verification.verdict != TokenSigner::Verdict::kValid) {
    std::string code = "2000001";
    std::string category = "invalid_token";
    switch (verification.verdict) {
      case TokenSigner::Verdict::kBadSignature:
        code = "2000000";
        category = "invalid_signature";
        break;
      case TokenSigner::Verdict::kExpired:
        code = "2000002";
        category = "token_expired";
        break;
      case TokenSigner::Verdict::kWrongAudience:
        code = "2000003";
        category = "invalid_resource";
        break;
      default:
        break;
    }
    Reply reply;
    reply.status = 401;
    reply.content_type = "application/json; charset=utf-8";
    reply.body = PushFaultBody(
        "The remote server returned an error: (401) Unauthorized. " + verification.detail, false);
    reply.reason = "bearer token rejected: " + verification.detail;
    reply.Header("x-ms-diagnostics", code + ";reason=\"" + verification.detail +
                                         "\";error_category=\"" + category + "\"");
    BearerChallenge challenge;
    challenge.error = "invalid_token";
    reply.Header("WWW-Authenticate", challenge.ToString());
    AddRequestIds(request, reply);
    return reply;
  }
  if (request.method != "POST") {
    Reply reply =
        BadRequest(request, "PublishOnPremNotifications needs POST, got " + request.method);
    reply.status = 405;
    return reply.Header("Allow", "POST");
  }
  if (MediaType(request.Header("Content-Type")) != "application/json") {
    return BadRequest(request, "Content-Type must be application/json, got '" +
                                   request.Header("Content-Type") + "'");
  }
  if (request.Header("X-ProbeType") != "X-MS-ClientAccess-LocalProbe") {
    return BadRequest(request, "X-ProbeType must be X-MS-ClientAccess-LocalProbe, got '" +
                                   request.Header("X-ProbeType") + "'");
  }
  if (!IsGuid(request.Header("client-request-id"))) {
    return BadRequest(request, "client-request-id must be a GUID, got '" +
                                   request.Header("client-request-id") + "'");
  }
  if (Poco::icompare(request.Header("return-client-request-id"), "true") != 0) {
    return BadRequest(request, "return-client-request-id must be True, got '" +
                                   request.Header("return-client-request-id") + "'");
  }
  if (auto problem = validator_.Check(request.body, now); !problem.empty()) {
    return BadRequest(request, problem);
  }
  Reply reply;
  AddRequestIds(request, reply);
  return reply;
}

}  // namespace pushprobe::emulator
