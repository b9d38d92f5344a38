#include "tests/emulator/push_fault_body.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace pushprobe::emulator {

std::string PushFaultBody(const std::string& message, bool can_retry) {
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("Message", message);
  json.set("CanRetry", can_retry);
  json.set("StackTrace", Poco::Dynamic::Var());
  json.set("InnerFault", Poco::Dynamic::Var());
  json.set("BackOffTimeInMilliseconds", can_retry ? 60000 : 0);
  json.set("OriginatingServer", "EMULATOR01");
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  return out.str();
}

bool IsTransientStatus(int status) {
  switch (status) {
    case 404:
    case 408:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

}  // namespace pushprobe::emulator
