#include "probe/engine/stages.h"
#include "probe/protocol/url.h"

namespace pushprobe {

// Exchange's own texts for missing push settings (docs/protocol.md 2.1).
constexpr const char* kNoOrganization = "The domain of your Office 365 account could not be found.";
constexpr const char* kNoServiceUri =
    "The Service URI of your Office 365 account could not be found.";

void RunConfigurationStage(RunContext& context, StageResult& result) {
  const TargetConfig& target = context.target;
  result.AddFact("organization", target.organization);
  result.AddFact("service_uri", target.service_uri);
  const std::string metadata_url = AuthMetadataUrl(target);
  result.AddFact("auth_metadata_url", metadata_url);
  if (target.organization.empty()) {
    result.Fail(Reason::kConfig,
                "no organization configured (Enable-PushNotificationProxy -Organization)");
    result.exchange_error = kNoOrganization;
    return;
  }
  if (target.service_uri.empty()) {
    result.Fail(Reason::kConfig, "no service_uri configured (the push proxy Uri)");
    result.exchange_error = kNoServiceUri;
    return;
  }
  Expected<std::string> publish_url = PublishUrlFor(target.service_uri);
  if (!publish_url) {
    result.Fail(Reason::kConfig, "service_uri \"" + target.service_uri.get() +
                                     "\" is unusable: " + publish_url.error());
    result.exchange_error = kNoServiceUri;
    return;
  }
  auto parsed = ParseUrl(*publish_url);
  if (!parsed) {
    result.Fail(Reason::kConfig,
                "publish URL \"" + *publish_url + "\" is unusable: " + parsed.error().Message());
    return;
  }
  auto metadata = ParseUrl(metadata_url);
  if (!metadata) {
    result.Fail(Reason::kConfig, "auth_metadata_url \"" + metadata_url +
                                     "\" is unusable: " + metadata.error().Message());
    return;
  }
  if (target.token_flow == TokenFlow::kIdentityPlatform) {
    result.AddFact("token_flow", std::string(TokenFlowName(target.token_flow)));
    result.AddFact("application_id", target.application_id);
    result.AddFact("token_url", target.token_url);
    if (target.application_id.empty()) {
      result.Fail(Reason::kConfig,
                  "no application_id configured (the application (client) id the Auth "
                  "certificate is registered on), which token_flow identity-platform needs");
      return;
    }
    auto token_url = ParseUrl(target.token_url);
    if (!token_url) {
      result.Fail(Reason::kConfig, "token_url \"" + target.token_url +
                                       "\" is unusable: " + token_url.error().Message());
      return;
    }
  }
  context.state.publish_url = *publish_url;
  context.state.publish_host = parsed->host;
  context.facts.publish_url = *publish_url;
  result.AddFact("publish_url", *publish_url);
  if (HasTrailingSlashMisconfiguration(target.service_uri)) {
    // Exchange resolves a relative reference against the Uri, so a trailing
    // slash doubles the path; worth saying before the 404 arrives.
    result.AddFact("warning",
                   "service_uri ends in '/', so the publish URL repeats /PushNotifications/");
  }
}

}  // namespace pushprobe
