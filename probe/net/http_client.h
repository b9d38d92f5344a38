#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "probe/core/deadline.h"
#include "probe/core/http_facts.h"
#include "probe/core/reason.h"
#include "probe/core/target_config.h"

namespace pushprobe {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive lookup of the first header named \p name.
std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;  ///< absolute http:// or https:// URL
  /// Sent as given, in order. The client adds Host and Content-Length (a
  /// caller's own are dropped: framing belongs to the client) and, when the
  /// request is not sent with HttpConnections to keep its connection open,
  /// "Connection: close" unless the caller sent a Connection header.
  HttpHeaders headers;
  std::string body;
  std::size_t max_response_bytes = 1 << 20;  ///< larger bodies fail as kMalformedResponse
};

struct HttpResponse {
  int status = 0;
  std::string reason_phrase;
  HttpHeaders headers;
  std::string body;
  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

/// \brief The outcome of one exchange: a response, or a failure as data.
struct HttpOutcome {
  Reason error = Reason::kNone;          ///< kNone when a complete response was read
  std::string error_message;             ///< specific, e.g. "connection refused by 127.0.0.1:8443"
  std::optional<HttpResponse> response;  ///< set when error == kNone
  HttpRequestFacts facts;                ///< always filled as far as the exchange got
  bool ok() const { return error == Reason::kNone; }
};

struct HttpClientOptions {
  std::string ca_file;  ///< PEM trust anchors; empty: the system store
  /// curl --connect-to rules; the first matching rule wins. Not applied when
  /// a proxy is set: the proxy decides where the target host is.
  std::vector<ConnectTo> connect_to;
  std::string proxy;  ///< "http://host:port"; CONNECT tunnel for https, absolute-form for http
  /// With both set, every CONNECT carries "Proxy-Authorization: Basic" with
  /// this user and the password read from the file (trailing newline
  /// ignored) when the tunnel opens, within the request's deadline. Nothing
  /// else carries it: inside the tunnel the origin never sees it.
  std::string proxy_user;
  std::string proxy_password_file;
  bool reuse_tls_sessions = true;                 ///< resume TLS sessions across requests
  TlsVersion tls_max_version = TlsVersion::k1_3;  ///< the lowest is always TLS 1.2
  /// Cipher suites, groups and signature algorithms offered (tls_profile.h).
  TlsProfile tls_profile = TlsProfile::kOpenssl;
  /// IANA names replacing the profile's cipher suites; names OpenSSL cannot
  /// offer are skipped. Empty: the profile's.
  std::vector<std::string> tls_ciphers;
};

namespace net_internal {
class KeptConnections;
}  // namespace net_internal

/// \brief The connections one run keeps open between its requests.
///
/// A check talks to two servers, two requests each (auth metadata and token
/// to the token issuer; challenge and publish to the push service). Exchange's
/// own HTTP client sends the second request to a server on the connection the
/// first one opened, and so does HttpClient when both Send calls are given
/// the same HttpConnections: the first request to a server opens its
/// connection, measures every phase and verifies the certificate; a later one
/// reuses it and reports zero dns, connect and tls time, the connection's
/// facts and `connection_reused`. A connection is kept only after a complete
/// response that lets it carry another (HttpClient decides); one the server
/// has closed meanwhile is found so before the next request and replaced by a
/// new one. A request that fails on a reused connection is not retried: the
/// failure is the server's answer. Not thread-safe: one per run. Closes what it holds when
/// destroyed, so no connection outlives its run.
class HttpConnections {
 public:
  HttpConnections();
  ~HttpConnections();
  HttpConnections(const HttpConnections&) = delete;
  HttpConnections& operator=(const HttpConnections&) = delete;

  /// Connections held open now (opened ahead or kept), and failed openings
  /// waiting for the request that would have used them.
  std::size_t size() const;

  /// Moves every entry of \p other here, except where this holds one for the
  /// same server already (that one was opened first and stays).
  void Adopt(HttpConnections&& other);

 private:
  friend class net_internal::KeptConnections;
  struct Kept;
  std::map<std::string, std::unique_ptr<Kept>> kept_;
};

/// \brief A minimal HTTP/1.1 client built for measuring, not for browsing.
///
/// One connection per request unless the caller keeps connections for a run
/// (HttpConnections), no redirects followed, every body bounded, every phase
/// bounded by the caller's deadline (DNS included), server certificate facts
/// kept even when verification fails. Thread-safe: one client may serve
/// concurrent Send calls (each with its own HttpConnections, if any).
class HttpClient {
 public:
  /// \throw std::runtime_error when the CA file cannot be loaded (a configuration error).
  HttpClient(HttpClientOptions options, const Clock& clock);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends \p request and reads the whole response before \p deadline, on a
  /// connection of \p connections when one to the same server is held there,
  /// and leaves the connection there when it can carry another request.
  /// Without \p connections, the connection is closed after the response.
  /// Never throws for network, TLS or HTTP problems; they come back as data.
  HttpOutcome Send(const HttpRequest& request, const Deadline& deadline,
                   HttpConnections* connections = nullptr);

  /// Opens a connection to the server of \p url ahead of the request that will
  /// use it (DNS, TCP, the proxy tunnel, TLS resumed where a session is cached,
  /// the certificate verified) and leaves it in \p connections. The next Send
  /// to that server with \p connections sends on it and reports the opening's
  /// dns, connect and tls timings and facts as its own (not
  /// `connection_reused`): the request was the connection's first. When the
  /// opening fails, that failure is left instead and the next such Send
  /// returns it, with its reason, message and facts, rather than dialling again,
  /// so it is reported by the request that would have used the connection.
  /// Either is simply closed or dropped when no request comes.
  void Preconnect(const std::string& url, const Deadline& deadline, HttpConnections& connections);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pushprobe
