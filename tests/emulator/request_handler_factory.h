#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "tests/emulator/service_core.h"

namespace pushprobe::emulator {

/// \brief Hands every request to a RequestHandler over the shared ServiceCore.
class RequestHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestHandlerFactory(ServiceCore& core) : core_(core) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  ServiceCore& core_;
};

}  // namespace pushprobe::emulator
