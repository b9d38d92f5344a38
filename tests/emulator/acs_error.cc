#include "tests/emulator/acs_error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "tests/emulator/crypto_util.h"

namespace pushprobe::emulator {

Reply AcsError::ToReply(std::chrono::system_clock::time_point now) const {
  const std::string trace_id = NewGuid();
  const std::string correlation_id = NewGuid();
  const std::string timestamp = AcsTimestamp(now);
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("error", error);
  json.set("error_description", description + "\r\nTrace ID: " + trace_id + "\r\nCorrelation ID: " +
                                    correlation_id + "\r\nTimestamp: " + timestamp);
  if (code != 0) {
    Poco::JSON::Array codes;
    codes.add(code);
    json.set("error_codes", codes);
  }
  json.set("timestamp", timestamp);
  json.set("trace_id", trace_id);
  json.set("correlation_id", correlation_id);
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);

  Reply reply;
  reply.status = status;
  reply.content_type = "application/json; charset=utf-8";
  reply.body = out.str();
  reply.reason = reason;
  return reply;
}

AcsError AcsError::AuthenticationFailed(std::string reason) {
  return {401, "invalid_client", "ACS50012: Authentication failed.", 50012, std::move(reason)};
}

}  // namespace pushprobe::emulator
