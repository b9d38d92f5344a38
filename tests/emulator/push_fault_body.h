#pragma once

#include <string>

namespace pushprobe::emulator {

/// The PushNotificationFault JSON the proxy sends with a failure:
/// {"Message","CanRetry","StackTrace":null,"InnerFault":null,"BackOffTimeInMilliseconds",
///  "OriginatingServer"}.
std::string PushFaultBody(const std::string& message, bool can_retry);

/// True for the statuses Exchange treats as transient (docs/protocol.md 2.7).
bool IsTransientStatus(int status);

}  // namespace pushprobe::emulator
