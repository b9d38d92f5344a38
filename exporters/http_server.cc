#include "exporters/http_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <vector>

namespace pushprobe::exporter {

namespace {

// Sends what is written to it straight to the connection's socket in large
// blocks. Poco's response stream buffers 4 KB, so a /metrics body of 10,000
// targets (about 34 MB) would take some 8,000 send calls; 256 KB blocks take
// about 130. A failed send (the scraper went away) ends the stream.
class SocketStreamBuf final : public std::streambuf {
 public:
  explicit SocketStreamBuf(Poco::Net::StreamSocket& socket) : socket_(socket), buffer_(256 * 1024) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  ~SocketStreamBuf() override { sync(); }
  SocketStreamBuf(const SocketStreamBuf&) = delete;
  SocketStreamBuf& operator=(const SocketStreamBuf&) = delete;

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

  int sync() override {
    const std::ptrdiff_t n = pptr() - pbase();
    if (failed_) return -1;
    if (n > 0) {
      try {
        // Blocking StreamSocket::sendBytes sends everything or throws.
        if (socket_.sendBytes(pbase(), static_cast<int>(n)) != n) failed_ = true;
      } catch (const Poco::Exception&) {
        failed_ = true;
      }
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return failed_ ? -1 : 0;
  }

 private:
  Poco::Net::StreamSocket& socket_;
  std::vector<char> buffer_;
  bool failed_ = false;
};

void WriteMetrics(const MetricsBody& metrics, Poco::Net::HTTPServerRequest& request,
                  std::ostream& body) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) {
    metrics.Write(body);
    return;
  }
  // The head sits in the response stream's buffer until flushed; after that
  // the body may bypass the stream (its byte count is not checked on close).
  body.flush();
  SocketStreamBuf buffer(impl->socket());
  std::ostream direct(&buffer);
  metrics.Write(direct);
  direct.flush();
}

class RouteHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RouteHandler(HttpRouter& router) : router_(router) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    HttpRouterRequest in;
    in.method = request.getMethod();
    in.uri = request.getURI();
    if (request.has("X-Prometheus-Scrape-Timeout-Seconds")) {
      in.scrape_timeout = request.get("X-Prometheus-Scrape-Timeout-Seconds");
    }
    HttpRouterResponse out = router_.Handle(in);
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    response.setContentType(out.content_type);
    for (const auto& [name, value] : out.headers) response.set(name, value);
    if (out.metrics) {
      response.setContentLength64(static_cast<Poco::UInt64>(out.metrics->size()));
      std::ostream& body = response.send();
      if (in.method != "HEAD") WriteMetrics(*out.metrics, request, body);
      return;
    }
    response.setContentLength64(static_cast<Poco::UInt64>(out.body.size()));
    std::ostream& body = response.send();
    if (in.method != "HEAD")
      body.write(out.body.data(), static_cast<std::streamsize>(out.body.size()));
  }

 private:
  HttpRouter& router_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(HttpRouter& router) : router_(router) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RouteHandler(router_);
  }

 private:
  HttpRouter& router_;
};

Poco::Net::SocketAddress ParseListenAddress(const std::string& address) {
  // Prometheus style ":9115" means every interface.
  std::string a = address;
  if (!a.empty() && a[0] == ':') a = "0.0.0.0" + a;
  try {
    return Poco::Net::SocketAddress(a);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("invalid --web.listen-address \"" + address +
                             "\": " + e.displayText());
  }
}

}  // namespace

HttpServer::HttpServer(HttpRouter& router, Options options) : router_(router), options_(options) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Start(const std::string& listen_address) {
  Poco::Net::SocketAddress address = ParseListenAddress(listen_address);
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(address, /*reuseAddress=*/true);
    socket.listen(options_.queue);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + listen_address + ": " + e.displayText());
  }
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(options_.queue);
  params->setKeepAlive(true);
  params->setTimeout(Poco::Timespan(
      std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout).count()));
  params->setServerName("pushprobe-exporter");
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(router_), socket, params);
  server_->start();
}

void HttpServer::Stop() {
  if (!server_) return;
  server_->stopAll(/*abortCurrent=*/false);
  server_.reset();
}

}  // namespace pushprobe::exporter
