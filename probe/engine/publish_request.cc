#include "probe/engine/publish_request.h"

#include "probe/protocol/assertion.h"
#include "probe/protocol/url.h"
#include "probe/version.h"

namespace pushprobe {

std::string PublishUserAgent() {
  return std::string(kProductName) + "/" + kVersion + "/PushNotificationsOnPremProxy";
}

std::string TrailingSlashNote(const RunContext& context, int status) {
  if (status != 404 || !HasTrailingSlashMisconfiguration(context.target.service_uri)) return "";
  return " (service_uri ends in '/', which doubles /PushNotifications/ in the URL)";
}

HttpRequest BuildPublishRequest(RunContext& context, const std::string& authorization) {
  HttpRequest request;
  request.method = "POST";
  request.url = context.state.publish_url;
  request.headers = {
      {"Content-Type", "application/json"},
      {"Authorization", authorization},
      {"User-Agent", PublishUserAgent()},
      {"X-ProbeType", "X-MS-ClientAccess-LocalProbe"},
      {"client-request-id", context.guids.NewGuid()},
      {"return-client-request-id", "True"},
      {"Connection", "close"},
  };
  request.body = MonitoringBatchJson(context.clock.Now(), context.sequence);
  request.max_response_bytes = context.target.max_response_bytes;
  return request;
}

}  // namespace pushprobe
