#include "tests/emulator/request_handler.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <algorithm>

namespace pushprobe::emulator {
namespace {

std::string HostWithoutPort(const std::string& host) {
  std::string out = host;
  if (!out.empty() && out.front() == '[') {
    out = out.substr(1, out.find(']') - 1);
  } else if (std::count(out.begin(), out.end(), ':') == 1) {
    out.resize(out.find(':'));
  }
  return Poco::toLower(out);
}

// Ends the connection under Poco's feet without double-closing its descriptor:
// dup2 swaps /dev/null in, which closes the socket (with SO_LINGER 0 that close
// is a RST), and Poco's later writes and close hit /dev/null.
void DropConnection(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                    bool reset) {
  response.setKeepAlive(false);
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) return;
  const int fd = impl->socket().impl()->sockfd();
  if (fd < 0) return;
  if (reset) {
    linger option{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
  }
  const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return;
  ::dup2(devnull, fd);
  ::close(devnull);
}

Poco::Timestamp ToTimestamp(std::chrono::system_clock::time_point t) {
  return Poco::Timestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

std::string HeaderSafe(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return text;
}

}  // namespace

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& http_request,
                                   Poco::Net::HTTPServerResponse& response) {
  Request request;
  request.method = http_request.getMethod();
  try {
    Poco::URI uri(http_request.getURI());
    request.path = uri.getPath();
    request.query = uri.getRawQuery();
  } catch (const Poco::Exception&) {
    Reply reply;
    reply.status = 400;
    reply.reason = "the request target is not a valid URI";
    Write(reply, response);
    return;
  }
  request.host = HostWithoutPort(http_request.getHost());
  for (const auto& [name, value] : http_request) request.headers.add(name, value);

  std::istream& in = http_request.stream();
  char buffer[16384];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    request.body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (request.body.size() > kMaxRequestBody) {
      Reply reply;
      reply.status = 413;
      reply.reason = "request body larger than " + std::to_string(kMaxRequestBody) + " bytes";
      response.setKeepAlive(false);
      Write(reply, response);
      return;
    }
  }

  const auto route = core_.Classify(request);
  if (route.kind == ServiceCore::RouteKind::kControl) {
    Write(core_.Control(request), response);
    return;
  }
  if (route.kind == ServiceCore::RouteKind::kNotFound) {
    Log(request, "404");
    Write(core_.NotFound(request), response);
    return;
  }

  std::optional<Fault> fault = core_.faults().Take(route.stage);
  if (fault && (fault->delay.count() > 0 || fault->kind == FaultKind::kSlow)) {
    switch (core_.faults().Wait(fault->delay)) {
      case FaultTable::WaitResult::kStopped:
        Log(request, "dropped (emulator stopping)");
        DropConnection(http_request, response, false);
        return;
      case FaultTable::WaitResult::kCleared:
        fault.reset();
        break;
      case FaultTable::WaitResult::kElapsed:
        break;
    }
  }
  if (fault && fault->kind == FaultKind::kReset) {
    core_.stats().Record(route.stage, Outcome::kFaulted);
    Log(request, "reset (injected fault)");
    DropConnection(http_request, response, true);
    return;
  }
  Reply reply = core_.Serve(route.stage, request, fault ? &*fault : nullptr);
  if (fault && fault->kind == FaultKind::kTruncatedBody) {
    Log(request, std::to_string(reply.status) + " truncated (injected fault)");
    WriteTruncated(reply, fault->size, http_request, response);
    return;
  }
  Log(request, std::to_string(reply.status) + (reply.reason.empty() ? "" : " " + reply.reason));
  Write(reply, response);
}

void RequestHandler::Log(const Request& request, const std::string& outcome) const {
  if (!core_.log_requests()) return;
  Poco::Logger::get("pushprobe.emulator")
      .information(request.method + " " + request.host + request.path + " -> " + outcome);
}

void RequestHandler::Write(const Reply& reply, Poco::Net::HTTPServerResponse& response) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
  response.setDate(ToTimestamp(core_.clock().Now()));
  for (const auto& [name, value] : reply.headers) response.add(name, value);
  if (!reply.content_type.empty()) response.setContentType(reply.content_type);
  if (!reply.reason.empty()) response.set("X-Emulator-Reason", HeaderSafe(reply.reason));
  response.sendBuffer(reply.body.data(), reply.body.size());
}

void RequestHandler::WriteTruncated(const Reply& reply, std::size_t declared,
                                    Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response) {
  const std::size_t length = std::max(declared, reply.body.size() + 1);
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
  response.setDate(ToTimestamp(core_.clock().Now()));
  for (const auto& [name, value] : reply.headers) response.add(name, value);
  if (!reply.content_type.empty()) response.setContentType(reply.content_type);
  response.setContentLength64(static_cast<Poco::Int64>(length));
  response.setKeepAlive(false);
  std::ostream& out = response.send();
  out.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size() / 2));
  out.flush();
  DropConnection(request, response, false);
}

}  // namespace pushprobe::emulator
