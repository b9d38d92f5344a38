#pragma once

#include <string>

#include "probe/engine/run_context.h"
#include "probe/net/http_client.h"

namespace pushprobe {

/// \brief The request Exchange posts to PublishOnPremNotifications (docs/protocol.md
/// 2.7), with \p authorization as the whole Authorization header value.
///
/// The bearer challenge sends the same request with an empty token, as
/// Exchange's first call to a protected resource does, so the two cannot drift.
HttpRequest BuildPublishRequest(RunContext& context, const std::string& authorization);

/// " (service_uri ends in '/', ...)" when \p status is 404 and the configured
/// Uri has the trailing slash that doubles the path; empty otherwise.
std::string TrailingSlashNote(const RunContext& context, int status);

/// "pushprobe/<version>/PushNotificationsOnPremProxy".
std::string PublishUserAgent();

}  // namespace pushprobe
