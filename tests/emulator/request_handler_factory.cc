#include "tests/emulator/request_handler_factory.h"

#include "tests/emulator/request_handler.h"

namespace pushprobe::emulator {

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new RequestHandler(core_);
}

}  // namespace pushprobe::emulator
