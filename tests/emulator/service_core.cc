#include "tests/emulator/service_core.h"

#include "tests/emulator/constants.h"

namespace pushprobe::emulator {
namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsTokenPath(const std::string& path) {
  constexpr std::string_view kSuffix = "/tokens/OAuth/2";
  if (path.size() < 2 || path[0] != '/' || !EndsWith(path, kSuffix)) return false;
  const std::string realm = path.substr(1, path.size() - 1 - kSuffix.size());
  return !realm.empty() && realm.find('/') == std::string::npos;
}

}  // namespace

ServiceCore::ServiceCore(ServiceIdentity identity, TokenPolicy policy,
                         const std::string& signing_cert_pem, const std::string& signing_key_pem,
                         const pushprobe::Clock& base_clock, std::chrono::seconds clock_offset)
    : identity_(std::move(identity)),
      clock_(base_clock, clock_offset),
      signer_(signing_cert_pem, signing_key_pem),
      metadata_(identity_, signer_),
      openid_configuration_(identity_),
      token_(identity_, registry_, signer_, policy),
      v2_token_(identity_, applications_, signer_, policy),
      publish_(identity_, signer_),
      fault_responder_(identity_),
      control_(faults_, stats_, clock_, registry_) {}

ServiceCore::Route ServiceCore::Classify(const Request& request) const {
  const bool acs_host = request.host == kAcsHost;
  const bool outlook_host = request.host == kOutlookHost;
  const bool login_host = request.host == kLoginHost;
  const bool production_host = acs_host || outlook_host || login_host;
  const bool acs_ok = !production_host || acs_host;
  const bool outlook_ok = !production_host || outlook_host;
  const bool login_ok = !production_host || login_host;

  if (request.path.rfind(kControlPrefix, 0) == 0 && !production_host) {
    return {RouteKind::kControl, Stage::kMetadata};
  }
  if (acs_ok && (request.path == kMetadataPath ||
                 request.path == kMetadataPath.substr(0, kMetadataPath.size() - 1))) {
    return {RouteKind::kService, Stage::kMetadata};
  }
  if (acs_ok && IsTokenPath(request.path)) return {RouteKind::kService, Stage::kToken};
  if (login_ok && OpenIdConfigurationEndpoint::IsPath(request.path)) {
    return {RouteKind::kService, Stage::kMetadata};
  }
  if (login_ok && IdentityPlatformTokenEndpoint::IsPath(request.path)) {
    return {RouteKind::kService, Stage::kToken};
  }
  if (outlook_ok && request.path == kPublishPath) {
    return {RouteKind::kService,
            PublishEndpoint::IsChallengeRequest(request) ? Stage::kChallenge : Stage::kPublish};
  }
  return {};
}

Reply ServiceCore::ServeNormally(Stage stage, const Request& request, const Fault* fault) {
  const auto now = clock_.Now();
  switch (stage) {
    case Stage::kMetadata:
      if (OpenIdConfigurationEndpoint::IsPath(request.path)) {
        return openid_configuration_.Handle(request, now);
      }
      return metadata_.Handle(request, now);
    case Stage::kToken:
      if (IdentityPlatformTokenEndpoint::IsPath(request.path)) {
        return v2_token_.Handle(request, now, fault);
      }
      return token_.Handle(request, now, fault);
    case Stage::kChallenge:
      return publish_.Challenge();
    case Stage::kPublish:
      break;
  }
  return publish_.Handle(request, now);
}

Reply ServiceCore::Serve(Stage stage, const Request& request, const Fault* fault) {
  // Proxy credentials are for the proxy that reads the CONNECT; one that
  // reaches the service went through the tunnel, to Microsoft.
  if (request.HasHeader("Proxy-Authorization")) {
    stats_.Record(stage, Outcome::kRejected);
    Reply reply;
    reply.status = 400;
    reply.reason =
        "a Proxy-Authorization header reached the service (proxy credentials belong "
        "on the proxy's CONNECT only)";
    return reply;
  }
  if (fault) {
    if (auto reply = fault_responder_.Respond(*fault, clock_.Now())) {
      stats_.Record(stage, Outcome::kFaulted);
      reply->reason = "injected fault " + std::string(StageName(stage)) + ":" +
                      std::string(FaultKindName(fault->kind));
      return *reply;
    }
  }
  Reply reply = ServeNormally(stage, request, fault);
  stats_.Record(stage, fault              ? Outcome::kFaulted
                       : reply.rejected() ? Outcome::kRejected
                                          : Outcome::kAccepted);
  return reply;
}

Reply ServiceCore::NotFound(const Request& request) {
  stats_.RecordUnknown();
  Reply reply;
  reply.status = 404;
  reply.content_type = "text/html";
  reply.body = "<html><body>404 Not Found</body></html>";
  reply.reason = "no service at " + request.host + request.path;
  return reply;
}

}  // namespace pushprobe::emulator
