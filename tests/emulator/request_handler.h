#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <cstddef>

#include "tests/emulator/service_core.h"

namespace pushprobe::emulator {

/// \brief One request on one connection: reads it whole, applies transport
/// faults (slow, reset, truncated) and writes ServiceCore's answer.
class RequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  /// Bodies above this get 413; nothing the probe sends comes near it.
  static constexpr std::size_t kMaxRequestBody = 1024 * 1024;

  explicit RequestHandler(ServiceCore& core) : core_(core) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;

 private:
  void Write(const Reply& reply, Poco::Net::HTTPServerResponse& response);
  void Log(const Request& request, const std::string& outcome) const;
  void WriteTruncated(const Reply& reply, std::size_t declared,
                      Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response);

  ServiceCore& core_;
};

}  // namespace pushprobe::emulator
