#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/clock.h"

namespace pushprobe {

/// \brief Time spent in each phase of one HTTP exchange. A phase that did not
/// happen (a reused connection, plain HTTP) stays zero.
struct HttpPhaseTimings {
  Duration dns{};       ///< resolving the connect host
  Duration connect{};   ///< TCP connect, and the proxy CONNECT tunnel when one is used
  Duration tls{};       ///< TLS handshake including certificate verification
  Duration request{};   ///< writing the request head and body
  Duration response{};  ///< first byte to last byte of the response (wait included)
};

/// \brief What one certificate of a server's chain says about itself.
struct CertificateFacts {
  std::string subject;  ///< RFC 2253 form, e.g. "CN=outlook.office365.com,O=..."
  std::string issuer;   ///< RFC 2253 form
  WallTime not_before{};
  WallTime not_after{};
  std::string thumbprint;  ///< uppercase hex SHA-1 of the DER encoding
};

/// \brief What every ClientHello of one client offers, fixed when its TLS
/// context is built. Shared by all the requests the client sends: one copy,
/// not one per request (a copy was a dozen allocations per request).
struct TlsOfferFacts {
  std::string profile;               ///< the tls_profile's name
  std::vector<std::string> ciphers;  ///< IANA names, in order
  std::string groups;                ///< as OpenSSL lists them; empty: OpenSSL's defaults
  std::string signature_algorithms;  ///< likewise
};

/// \brief Everything observed about one HTTP request, whether it succeeded or not.
///
/// Filled as far as the exchange got: a TLS failure still carries the server's
/// chain and the timings up to the failure.
struct HttpRequestFacts {
  std::string method;
  std::string url;                ///< the URL as requested (original host)
  std::string connected_address;  ///< "ip:port" actually connected to, empty if none
  bool via_proxy = false;
  int status = 0;  ///< HTTP status, 0 when no response head was read
  HttpPhaseTimings timings;
  std::vector<CertificateFacts> server_chain;  ///< leaf first, as presented by the server
  bool tls_verified = false;                   ///< chain and host name verified
  std::string tls_verify_error;  ///< OpenSSL's verification error text when not verified
  std::string tls_version;       ///< e.g. "TLSv1.3"
  bool tls_session_reused = false;
  /// What the ClientHello offered; null for plain http and before a handshake.
  std::shared_ptr<const TlsOfferFacts> tls_offer;
  std::string tls_cipher;  ///< the suite the server chose (IANA name), once it chose one
  std::string tls_alert;   ///< the alert the server sent, e.g. "handshake failure"
  /// Sent on a connection an earlier request of the run opened: dns, connect
  /// and tls are then zero, and the address and TLS facts are the connection's.
  bool connection_reused = false;
  std::optional<WallTime> server_date;  ///< the response's Date header
  std::optional<WallTime> local_date;   ///< our clock when the response head arrived
  std::string client_request_id;        ///< request-id we sent (publish) or the echoed one
  std::size_t response_bytes = 0;       ///< body bytes read
};

}  // namespace pushprobe
