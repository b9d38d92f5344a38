#pragma once

#include <Poco/Net/NameValueCollection.h>

#include <string>
#include <utility>
#include <vector>

namespace pushprobe::emulator {

/// \brief A request as the service logic sees it: read completely, transport-free.
struct Request {
  std::string method;
  std::string path;                        ///< decoded path without the query
  std::string query;                       ///< raw query string, without '?'
  std::string host;                        ///< Host header without the port, lowercased
  Poco::Net::NameValueCollection headers;  ///< case-insensitive
  std::string body;

  std::string Header(const std::string& name) const { return headers.get(name, ""); }
  bool HasHeader(const std::string& name) const { return headers.has(name); }
};

/// \brief An answer from the service logic; the transport adds Date and Content-Length.
struct Reply {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Why the emulator rejected the request, for tests and the log; empty when
  /// the request was correct. Sent as X-Emulator-Reason, a header the real
  /// service does not send.
  std::string reason;

  bool rejected() const { return !reason.empty(); }

  Reply& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace pushprobe::emulator
