#include "probe/net/http_client.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cctype>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <unistd.h>

#include "probe/core/bounded_file.h"
#include "probe/core/http_syntax.h"
#include "probe/core/redact.h"
#include "probe/core/time_format.h"
#include "probe/core/url.h"
#include "probe/net/certificate_facts.h"
#include "probe/net/connection.h"
#include "probe/net/http_date.h"
#include "probe/net/net_status.h"
#include "probe/net/resolver.h"
#include "probe/net/response_parser.h"
#include "probe/net/system_trust_store.h"
#include "probe/net/tls_session_cache.h"

namespace pushprobe {

using net_internal::Connection;
using net_internal::IoResult;
using net_internal::NetStatus;
using net_internal::ResolvedAddress;
using net_internal::ResponseParser;

// A connection held for the rest of a run, with what its first request
// learnt about it.
struct HttpConnections::Kept {
  std::unique_ptr<Connection> connection;  // null: the opening ahead failed (see failure)
  HttpRequestFacts facts;
  // Opened ahead by Preconnect and not used yet: the first request on it
  // reports the opening as its own.
  bool opened_ahead = false;
  NetStatus failure = NetStatus::Ok();
  std::string session_key;  // where the first request caches the TLS session
};

HttpConnections::HttpConnections() = default;
HttpConnections::~HttpConnections() = default;
std::size_t HttpConnections::size() const { return kept_.size(); }

void HttpConnections::Adopt(HttpConnections&& other) {
  for (auto& [key, kept] : other.kept_) {
    if (kept_.find(key) == kept_.end()) kept_[key] = std::move(kept);
  }
  other.kept_.clear();
}

namespace net_internal {

// The client's way into HttpConnections, whose contents are its own business.
class KeptConnections {
 public:
  using Kept = HttpConnections::Kept;
  static std::unique_ptr<HttpConnections::Kept> Take(HttpConnections& all, const std::string& key) {
    auto it = all.kept_.find(key);
    if (it == all.kept_.end()) return nullptr;
    std::unique_ptr<HttpConnections::Kept> kept = std::move(it->second);
    all.kept_.erase(it);
    return kept;
  }
  static void Put(HttpConnections& all, const std::string& key,
                  std::unique_ptr<HttpConnections::Kept> kept) {
    all.kept_[key] = std::move(kept);
  }
};

}  // namespace net_internal

std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCaseAscii(key, name)) return value;
  }
  return std::nullopt;
}

namespace {

// What one read of a response takes at most.
constexpr std::size_t kReadBufferBytes = 16 * 1024;

// True for IPv4 and IPv6 literals (without brackets).
bool IsIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// What the verify callback learnt about the presented chain. The callback
// lets the handshake continue whatever it finds, so that the chain can always
// be recorded; the decision is taken afterwards, before any byte of the
// request is sent.
struct VerifyState {
  int chain_error = X509_V_OK;
  int name_error = X509_V_OK;
  bool called = false;
  std::string alert;  // the first alert the server sent during the handshake
};

int VerifyStateIndex() {
  static const int kIndex = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return kIndex;
}

int VerifyCallback(int preverify_ok, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* state = ssl != nullptr ? static_cast<VerifyState*>(SSL_get_ex_data(ssl, VerifyStateIndex()))
                               : nullptr;
  if (state == nullptr) return preverify_ok;
  state->called = true;
  if (!preverify_ok) {
    const int err = X509_STORE_CTX_get_error(store);
    if (err == X509_V_ERR_HOSTNAME_MISMATCH || err == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      state->name_error = err;
    } else if (state->chain_error == X509_V_OK) {
      state->chain_error = err;
    }
  }
  return 1;
}

// Records the server's alert: the only word a server gives on why it
// refused a handshake (e.g. "handshake failure": no cipher suite in common).
void InfoCallback(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_READ_ALERT) == 0) return;
  auto* state = static_cast<VerifyState*>(SSL_get_ex_data(ssl, VerifyStateIndex()));
  if (state != nullptr && state->alert.empty()) state->alert = SSL_alert_desc_string_long(value);
}

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// Applies the profile (or tls_ciphers) to \p ctx.
// \throw std::runtime_error when OpenSSL refuses a list (a defect: the names
// come from kSchannelCipherSuites and the loader checked tls_ciphers).
void ApplyTlsProfile(SSL_CTX* ctx, const HttpClientOptions& options, TlsOfferFacts& facts) {
  facts.profile = std::string(TlsProfileName(options.tls_profile));
  const std::optional<TlsOffer> offer = OfferOf(options.tls_profile);
  std::vector<std::string> tls12;
  std::vector<std::string> tls13;
  bool replace_tls13 = offer.has_value();
  if (!options.tls_ciphers.empty()) {
    replace_tls13 = true;
    for (const std::string& name : options.tls_ciphers) {
      const CipherSuiteName* suite = FindSchannelCipherSuite(name);
      // Known names OpenSSL cannot offer (3DES, RC4, ...) are skipped, so a
      // host's whole Get-TlsCipherSuite list can be pasted.
      if (suite == nullptr || suite->openssl.empty()) continue;
      (suite->tls13 ? tls13 : tls12).emplace_back(suite->openssl);
    }
  } else if (offer) {
    for (std::string_view name : offer->tls12_suites) {
      tls12.emplace_back(FindSchannelCipherSuite(name)->openssl);
    }
    for (std::string_view name : offer->tls13_suites) tls13.emplace_back(name);
  }
  auto refuse = [](const std::string& what) {
    throw std::runtime_error("cannot set the TLS " + what + ": " +
                             net_internal::DrainOpenSslErrors());
  };
  if (!tls12.empty() && SSL_CTX_set_cipher_list(ctx, Join(tls12, ":").c_str()) != 1) {
    refuse("cipher suites " + Join(tls12, ":"));
  }
  // An empty TLS 1.3 list turns TLS 1.3 off, as on a Windows host without it.
  if (replace_tls13 && SSL_CTX_set_ciphersuites(ctx, Join(tls13, ":").c_str()) != 1) {
    refuse("TLS 1.3 cipher suites " + Join(tls13, ":"));
  }
  if (offer) {
    if (SSL_CTX_set1_groups_list(ctx, std::string(offer->groups).c_str()) != 1) {
      refuse("groups " + std::string(offer->groups));
    }
    if (SSL_CTX_set1_sigalgs_list(ctx, std::string(offer->signature_algorithms).c_str()) != 1) {
      refuse("signature algorithms " + std::string(offer->signature_algorithms));
    }
    facts.groups = std::string(offer->groups);
    facts.signature_algorithms = std::string(offer->signature_algorithms);
  }
  // The suites as a ClientHello of this context lists them (what OpenSSL
  // really sends, after its own filtering), by IANA name.
  SSL* probe = SSL_new(ctx);
  if (probe == nullptr) refuse("offer");
  SSL_set_connect_state(probe);
  STACK_OF(SSL_CIPHER)* offered = SSL_get1_supported_ciphers(probe);
  for (int i = 0; offered != nullptr && i < sk_SSL_CIPHER_num(offered); ++i) {
    facts.ciphers.emplace_back(SSL_CIPHER_standard_name(sk_SSL_CIPHER_value(offered, i)));
  }
  sk_SSL_CIPHER_free(offered);
  SSL_free(probe);
}

bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string StripBrackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

struct ClientShared {
  ClientShared(HttpClientOptions o, const Clock& c) : options(std::move(o)), clock(c) {}
  ~ClientShared() {
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
  ClientShared(const ClientShared&) = delete;
  ClientShared& operator=(const ClientShared&) = delete;
  HttpClientOptions options;
  const Clock& clock;
  SSL_CTX* ctx = nullptr;
  std::shared_ptr<const TlsOfferFacts> offer;  // set with ctx
  net_internal::TlsSessionCache sessions;
  net_internal::LookupFunction lookup = net_internal::SystemLookup;
};

// One request, start to finish. Each step returns a failure already phrased
// for an administrator; facts are filled as the exchange progresses.
class Exchange {
 public:
  Exchange(ClientShared& shared, const HttpRequest& request, const Deadline& deadline,
           HttpConnections* keep, HttpOutcome& out)
      : shared_(shared),
        request_(request),
        deadline_(deadline),
        keep_(keep),
        out_(out),
        facts_(out.facts),
        started_(shared.clock.SteadyNow()) {}

  NetStatus Run() {
    NetStatus status = Prepare();
    if (status.ok() && keep_ != nullptr) status = TakeKeptConnection();
    if (status.ok() && !connection_) status = Open();
    if (status.ok()) status = WriteRequest();
    if (status.ok()) status = ReadResponse();
    if (!facts_.connection_reused) RememberSession();
    if (status.ok()) KeepConnection();
    return status;
  }

  // Opens the connection only and leaves it (or why it could not be opened)
  // in keep_ for the request that will use it.
  void Preconnect() {
    NetStatus status = Prepare();
    if (status.ok()) status = Open();
    auto kept = std::make_unique<net_internal::KeptConnections::Kept>();
    kept->opened_ahead = true;
    kept->session_key = session_key_;
    if (status.ok()) {
      // verify_ ends with this exchange; no handshake runs on the connection again.
      if (connection_->ssl() != nullptr)
        SSL_set_ex_data(connection_->ssl(), VerifyStateIndex(), nullptr);
      kept->connection = std::move(connection_);
    } else {
      kept->failure = std::move(status);
    }
    kept->facts = facts_;
    net_internal::KeptConnections::Put(*keep_, KeepKey(), std::move(kept));
  }

 private:
  NetStatus Open() {
    NetStatus status = Dial();
    if (status.ok() && proxy_ && url_.Https()) status = OpenTunnel();
    if (status.ok() && url_.Https()) status = StartTls();
    return status;
  }

  // Which kept connection may carry this request: one from this client
  // (trust anchors, session cache) to the same origin, reached the same way.
  std::string KeepKey() const {
    char client[32];
    std::snprintf(client, sizeof client, "%p", static_cast<const void*>(&shared_));
    return std::string(client) + (proxy_ ? " proxy " : " ") + dial_host_ + ":" +
           std::to_string(dial_port_) + " " + url_.scheme + "://" + url_.Authority();
  }

  NetStatus TakeKeptConnection() {
    keep_key_ = KeepKey();
    const auto kept = net_internal::KeptConnections::Take(*keep_, keep_key_);
    if (!kept) return NetStatus::Ok();
    if (!kept->connection) {
      // Opening it ahead failed: that is this request's failure, as if it had
      // dialled itself.
      TakeOpeningFacts(*kept);
      return kept->failure;
    }
    // One the server closed meanwhile (its keep-alive timeout) is dropped and
    // a new one opened and measured. Checked before sending rather than
    // retried after a failure: a retry would hide a server that resets the
    // request itself, and the check exists to report that.
    if (!kept->connection->UsableWhenIdle()) return NetStatus::Ok();
    connection_ = std::move(kept->connection);
    TakeOpeningFacts(*kept);
    return NetStatus::Ok();
  }

  // The connection's facts, learnt when it was opened. A connection opened
  // ahead for this request also brings the opening's phases: they are this
  // request's, spent earlier.
  void TakeOpeningFacts(const net_internal::KeptConnections::Kept& kept) {
    const HttpRequestFacts& first = kept.facts;
    facts_.connected_address = first.connected_address;
    facts_.via_proxy = first.via_proxy;
    facts_.server_chain = first.server_chain;
    facts_.tls_verified = first.tls_verified;
    facts_.tls_verify_error = first.tls_verify_error;
    facts_.tls_version = first.tls_version;
    facts_.tls_session_reused = first.tls_session_reused;
    facts_.tls_offer = first.tls_offer;
    facts_.tls_cipher = first.tls_cipher;
    if (kept.opened_ahead) {
      facts_.timings.dns = first.timings.dns;
      facts_.timings.connect = first.timings.connect;
      facts_.timings.tls = first.timings.tls;
      session_key_ = kept.session_key;
    } else {
      facts_.connection_reused = true;
    }
  }

  void KeepConnection() {
    if (keep_ == nullptr || !reusable_ || !connection_) return;
    if ((url_.Https() && !facts_.tls_verified) ||
        net_internal::SaysConnectionClose(request_.headers)) {
      return;
    }
    // verify_ ends with this exchange; no handshake runs on the connection again.
    if (connection_->ssl() != nullptr)
      SSL_set_ex_data(connection_->ssl(), VerifyStateIndex(), nullptr);
    auto kept = std::make_unique<net_internal::KeptConnections::Kept>();
    kept->connection = std::move(connection_);
    kept->facts = facts_;
    net_internal::KeptConnections::Put(*keep_, keep_key_, std::move(kept));
  }

  Duration Since(SteadyTime t) const { return shared_.clock.SteadyNow() - t; }

  NetStatus TimedOut(const std::string& what) const {
    return NetStatus::Fail(Reason::kTimeout,
                           "timed out after " + FormatSeconds(Since(started_)) + " s " + what);
  }

  // The server being talked to, and how it was reached:
  // "outlook.office365.com (127.0.0.1:8443)" or
  // "outlook.office365.com via proxy 127.0.0.1:3128".
  std::string Peer() const {
    if (facts_.connected_address.empty()) return url_.host;
    if (proxy_) return url_.host + " via proxy " + facts_.connected_address;
    return url_.host + " (" + facts_.connected_address + ")";
  }

  NetStatus Prepare() {
    facts_.method = request_.method;
    facts_.url = request_.url;
    facts_.client_request_id = FindHeader(request_.headers, "client-request-id").value_or("");
    auto url = ParseUrl(request_.url);
    if (!url) return NetStatus::Fail(Reason::kConfig, url.error().Message());
    url_ = std::move(url).value();
    if (!IsToken(request_.method)) {
      return NetStatus::Fail(Reason::kInternal, "invalid HTTP method");
    }
    for (const auto& [name, value] : request_.headers) {
      // Values may hold secrets, so only the name is named.
      if (!IsToken(name) || HasLineBreakOrNul(value)) {
        return NetStatus::Fail(Reason::kInternal, "request header \"" +
                                                      (IsToken(name) ? name : std::string("?")) +
                                                      "\" contains characters not allowed in HTTP");
      }
    }
    if (!shared_.options.proxy.empty()) {
      auto proxy_url = ParseUrl(shared_.options.proxy);
      if (!proxy_url || proxy_url->Https()) {
        // Redacted: a proxy URL may carry credentials (the plugin's --proxy).
        return NetStatus::Fail(Reason::kConfig, "proxy must be http://host:port, got \"" +
                                                    RedactUrlUserinfo(shared_.options.proxy) +
                                                    "\"");
      }
      proxy_ = true;
      facts_.via_proxy = true;
      dial_host_ = proxy_url->host;
      dial_port_ = proxy_url->port;
      return NetStatus::Ok();
    }
    dial_host_ = url_.host;
    dial_port_ = url_.port;
    for (const ConnectTo& rule : shared_.options.connect_to) {
      if ((rule.host.empty() || EqualsIgnoreCaseAscii(StripBrackets(rule.host), url_.host)) &&
          (rule.port == 0 || rule.port == url_.port)) {
        if (!rule.connect_host.empty()) {
          dial_host_ = ToLowerAscii(StripBrackets(rule.connect_host));
        }
        if (rule.connect_port != 0) dial_port_ = rule.connect_port;
        break;
      }
    }
    return NetStatus::Ok();
  }

  NetStatus Dial() {
    const SteadyTime dns_start = shared_.clock.SteadyNow();
    std::vector<ResolvedAddress> addresses;
    NetStatus status =
        net_internal::Resolve(dial_host_, dial_port_, deadline_, shared_.lookup, &addresses);
    facts_.timings.dns = Since(dns_start);
    if (!status.ok()) {
      if (proxy_) status.message.replace(0, std::strlen("DNS lookup of"), "DNS lookup of proxy");
      return status;
    }
    const SteadyTime connect_start = shared_.clock.SteadyNow();
    std::string failures;
    for (const ResolvedAddress& address : addresses) {
      auto connection = std::make_unique<Connection>();
      IoResult r = connection->Connect(address, deadline_);
      if (r.ok()) {
        connection_ = std::move(connection);
        facts_.connected_address = address.ToString();
        facts_.timings.connect = Since(connect_start);
        return NetStatus::Ok();
      }
      const std::string where = proxy_ ? "proxy " + address.ToString() : address.ToString();
      if (r.kind == IoResult::Kind::kTimeout) {
        facts_.timings.connect = Since(connect_start);
        return TimedOut("connecting to " + (proxy_ ? "proxy " : std::string()) + dial_host_ + " (" +
                        address.ToString() + ")");
      }
      if (!failures.empty()) failures += "; ";
      failures += r.error_number == ECONNREFUSED ? "connection refused by " + where
                                                 : "cannot connect to " + where + ": " + r.detail;
    }
    facts_.timings.connect = Since(connect_start);
    if (!IsIpLiteral(dial_host_)) failures += " (" + dial_host_ + ")";
    return NetStatus::Fail(proxy_ ? Reason::kProxy : Reason::kConnect, failures);
  }

  // "Proxy-Authorization: Basic ...\r\n" when the options name proxy
  // credentials, else "". The password is read now, so a rotated file is
  // used by the next tunnel, and wiped from memory once encoded.
  NetStatus ProxyAuthorizationLine(std::string* line) const {
    const HttpClientOptions& options = shared_.options;
    if (options.proxy_user.empty()) return NetStatus::Ok();
    Expected<std::string> password =
        ReadBoundedFile(options.proxy_password_file, kMaxCredentialFileBytes, &deadline_);
    if (!password.ok()) {
      // As for every other secret file: the run had no time left for it.
      const Reason reason = deadline_.Expired() ? Reason::kTimeout : Reason::kConfig;
      return NetStatus::Fail(reason, "cannot read proxy_password_file " +
                                         options.proxy_password_file + ": " + password.error());
    }
    std::string& secret = password.value();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
      OPENSSL_cleanse(&secret.back(), 1);
      secret.pop_back();
    }
    std::string credentials = options.proxy_user + ":" + secret;
    OPENSSL_cleanse(secret.data(), secret.size());
    std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                       reinterpret_cast<const unsigned char*>(credentials.data()),
                                       static_cast<int>(credentials.size()));
    OPENSSL_cleanse(credentials.data(), credentials.size());
    *line = "Proxy-Authorization: Basic " + encoded.substr(0, static_cast<std::size_t>(length)) +
            "\r\n";
    OPENSSL_cleanse(encoded.data(), encoded.size());
    return NetStatus::Ok();
  }

  // The authentication schemes a 407 offers ("Basic, Negotiate"), from the
  // first word of each Proxy-Authenticate header: a proxy that takes only
  // Negotiate or NTLM cannot be passed with Basic credentials.
  static std::string OfferedSchemes(const HttpResponse& answer) {
    std::string schemes;
    for (const auto& [name, value] : answer.headers) {
      if (!EqualsIgnoreCaseAscii(name, "Proxy-Authenticate")) continue;
      const std::string scheme = value.substr(0, value.find_first_of(" ,"));
      if (scheme.empty() || !IsToken(scheme) || scheme.size() > 32) continue;
      schemes += (schemes.empty() ? "" : ", ") + scheme;
    }
    return schemes;
  }

  NetStatus OpenTunnel() {
    const SteadyTime start = shared_.clock.SteadyNow();
    const std::string target = url_.Authority();
    std::string authorization;
    NetStatus status = ProxyAuthorizationLine(&authorization);
    if (!status.ok()) return status;
    std::string connect_request =
        "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n" + authorization + "\r\n";
    OPENSSL_cleanse(authorization.data(), authorization.size());
    const std::string proxy_name = "proxy " + facts_.connected_address;
    IoResult r = connection_->WriteAll(connect_request, deadline_);
    OPENSSL_cleanse(connect_request.data(), connect_request.size());
    // The proxy's answer is read one byte at a time so that nothing of the
    // TLS stream that follows it is consumed here.
    ResponseParser parser(/*head_request=*/true, 0);
    while (r.ok() && !parser.done() && !parser.failed()) {
      char byte;
      r = connection_->ReadSome(&byte, 1, deadline_);
      if (r.ok()) parser.Feed(std::string_view(&byte, 1));
    }
    facts_.timings.connect += Since(start);
    if (r.kind == IoResult::Kind::kTimeout) {
      return TimedOut("waiting for " + proxy_name + " to open a tunnel to " + target);
    }
    if (!r.ok()) {
      return NetStatus::Fail(Reason::kProxy,
                             proxy_name + " " +
                                 (r.kind == IoResult::Kind::kClosed ? "closed the connection"
                                                                    : "failed: " + r.detail) +
                                 " during CONNECT " + target);
    }
    if (parser.failed()) {
      return NetStatus::Fail(Reason::kProxy, proxy_name + " sent an invalid answer to CONNECT " +
                                                 target + ": " + parser.error());
    }
    const HttpResponse& answer = parser.response();
    const std::string status_text =
        "HTTP " + std::to_string(answer.status) +
        (answer.reason_phrase.empty() ? "" : " " + answer.reason_phrase);
    if (answer.status == 407) {
      const std::string schemes = OfferedSchemes(answer);
      const std::string offers = schemes.empty() ? "" : "; it offers " + schemes;
      // Neither the user nor anything of the password is named: the
      // message goes to logs and monitoring notifications.
      return NetStatus::Fail(Reason::kProxyAuth,
                             !shared_.options.proxy_user.empty()
                                 ? "proxy authentication failed: " + proxy_name +
                                       " refused the credentials of "
                                       "proxy_user and proxy_password_file for CONNECT " +
                                       target + " (" + status_text + offers + ")"
                                 : "proxy authentication required: " + proxy_name +
                                       " answered CONNECT " + target + " with " + status_text +
                                       offers + ", and no proxy_user is set");
    }
    if (answer.status < 200 || answer.status > 299) {
      return NetStatus::Fail(Reason::kProxy,
                             proxy_name + " refused CONNECT " + target + ": " + status_text);
    }
    return NetStatus::Ok();
  }

  NetStatus StartTls() {
    const SteadyTime start = shared_.clock.SteadyNow();
    SSL* ssl = SSL_new(shared_.ctx);
    if (ssl == nullptr) {
      return NetStatus::Fail(Reason::kInternal, "cannot create a TLS connection: " +
                                                    net_internal::DrainOpenSslErrors());
    }
    SSL_set_ex_data(ssl, VerifyStateIndex(), &verify_);
    SSL_set_verify(ssl, SSL_VERIFY_PEER, VerifyCallback);
    // SNI, Host and the name check all use the URL's host, whatever
    // connect_to or the proxy changed about where TCP goes.
    const bool literal = IsIpLiteral(url_.host);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const bool name_set = literal ? X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str()) == 1
                                  : X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), 0) == 1;
    if (!name_set || (!literal && SSL_set_tlsext_host_name(ssl, url_.host.c_str()) != 1)) {
      SSL_free(ssl);
      return NetStatus::Fail(Reason::kInternal, "cannot set the TLS host name " + url_.host);
    }
    if (shared_.options.reuse_tls_sessions) {
      session_key_ =
          net_internal::TlsSessionCache::Key(url_.host, url_.port, facts_.connected_address);
      if (SSL_SESSION* session = shared_.sessions.Get(session_key_, &offered_chain_)) {
        SSL_set_session(ssl, session);
        SSL_SESSION_free(session);
      }
    }
    facts_.tls_offer = shared_.offer;
    SSL_set_info_callback(ssl, InfoCallback);
    IoResult r = connection_->Handshake(ssl, deadline_);
    facts_.timings.tls = Since(start);
    if (r.ok() && SSL_session_reused(ssl) == 1 && offered_chain_) {
      // The resumed session carries the chain it was made with, and these
      // are its facts: describing it again (names printed, dates parsed)
      // would only repeat them.
      facts_.server_chain = *offered_chain_;
    } else {
      facts_.server_chain = net_internal::PeerChainFacts(ssl);
    }
    facts_.tls_alert = verify_.alert;
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
      facts_.tls_cipher = SSL_CIPHER_standard_name(cipher);
    }
    if (!r.ok()) {
      if (r.kind == IoResult::Kind::kTimeout) {
        return TimedOut("during the TLS handshake with " + Peer());
      }
      std::string why;
      if (r.kind == IoResult::Kind::kClosed) {
        why = "the server closed the connection";
      } else if (r.error_number == ECONNRESET) {
        why = "connection reset by peer";
      } else {
        why = r.detail;
      }
      // What was offered belongs in the message: a server that accepts
      // none of a profile's suites is the failure Exchange would meet too.
      return NetStatus::Fail(
          Reason::kTlsHandshake,
          "TLS handshake with " + Peer() + " failed: " + why +
              (facts_.tls_alert.empty() ? std::string()
                                        : " (the server sent alert \"" + facts_.tls_alert + "\")") +
              "; offered tls_profile " + shared_.offer->profile + ": " +
              std::to_string(shared_.offer->ciphers.size()) + " cipher suites");
    }
    facts_.tls_version = SSL_get_version(ssl);
    facts_.tls_session_reused = SSL_session_reused(ssl) == 1;
    return CheckVerification(ssl);
  }

  NetStatus CheckVerification(SSL* ssl) {
    const std::string leaf =
        facts_.server_chain.empty() ? "(none)" : facts_.server_chain.front().subject;
    int chain_error = verify_.chain_error;
    int name_error = verify_.name_error;
    if (!verify_.called) {
      // A resumed session skips verification; only verified sessions are
      // cached, and OpenSSL carries their result along.
      const long result = SSL_get_verify_result(ssl);
      if (!facts_.tls_session_reused) chain_error = X509_V_ERR_UNSPECIFIED;
      if (result != X509_V_OK) chain_error = static_cast<int>(result);
    }
    if (facts_.server_chain.empty() && chain_error == X509_V_OK) {
      chain_error = X509_V_ERR_UNSPECIFIED;
    }
    if (chain_error != X509_V_OK) {
      facts_.tls_verify_error = X509_verify_cert_error_string(chain_error);
      return NetStatus::Fail(Reason::kTlsUntrusted,
                             "server certificate " + leaf + " of " + url_.host +
                                 " is not trusted: " + facts_.tls_verify_error);
    }
    if (name_error != X509_V_OK) {
      facts_.tls_verify_error = X509_verify_cert_error_string(name_error);
      return NetStatus::Fail(Reason::kTlsHostname,
                             "certificate for " + leaf + " does not match host " + url_.host);
    }
    facts_.tls_verified = true;
    return NetStatus::Ok();
  }

  std::string RequestHead() const {
    const std::string target = proxy_ && !url_.Https()
                                   ? url_.scheme + "://" + url_.HostHeader() + url_.path_and_query
                                   : url_.path_and_query;
    std::string head = request_.method + " " + target + " HTTP/1.1\r\n";
    head += "Host: " + url_.HostHeader() + "\r\n";
    for (const auto& [name, value] : request_.headers) {
      // The client owns message framing; a caller's own Host or
      // Content-Length could only contradict it.
      if (EqualsIgnoreCaseAscii(name, "Host") || EqualsIgnoreCaseAscii(name, "Content-Length"))
        continue;
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    if (keep_ == nullptr && !FindHeader(request_.headers, "Connection")) {
      head += "Connection: close\r\n";
    }
    const std::string& m = request_.method;
    if (!request_.body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
      head += "Content-Length: " + std::to_string(request_.body.size()) + "\r\n";
    }
    head += "\r\n";
    return head;
  }

  NetStatus WriteRequest() {
    const SteadyTime start = shared_.clock.SteadyNow();
    std::string message = RequestHead();
    message += request_.body;
    IoResult r = connection_->WriteAll(message, deadline_);
    request_done_ = shared_.clock.SteadyNow();
    facts_.timings.request = request_done_ - start;
    if (r.ok()) return NetStatus::Ok();
    if (r.kind == IoResult::Kind::kTimeout) return TimedOut("sending the request to " + Peer());
    if (r.error_number == ECONNRESET || r.error_number == EPIPE) {
      return NetStatus::Fail(Reason::kNetwork,
                             "connection reset by peer while sending the request to " + Peer());
    }
    return NetStatus::Fail(
        Reason::kNetwork, "cannot send the request to " + Peer() + ": " +
                              (r.kind == IoResult::Kind::kClosed ? "connection closed" : r.detail));
  }

  void NoteHead(const ResponseParser& parser) {
    if (head_seen_ || !parser.head_complete()) return;
    head_seen_ = true;
    facts_.local_date = shared_.clock.Now();
    facts_.status = parser.response().status;
    if (auto date = FindHeader(parser.response().headers, "Date")) {
      facts_.server_date = net_internal::ParseHttpDate(*date);
    }
    if (facts_.client_request_id.empty()) {
      facts_.client_request_id =
          FindHeader(parser.response().headers, "client-request-id").value_or("");
    }
  }

  NetStatus ReadResponse() {
    ResponseParser parser(request_.method == "HEAD", request_.max_response_bytes);
    // Not zeroed: only what recv(2) filled is read.
    std::unique_ptr<char[]> buffer(new char[kReadBufferBytes]);
    NetStatus status = NetStatus::Ok();
    while (!parser.done() && !parser.failed()) {
      IoResult r = connection_->ReadSome(buffer.get(), kReadBufferBytes, deadline_);
      if (r.ok()) {
        parser.Feed(std::string_view(buffer.get(), r.bytes));
        NoteHead(parser);
        continue;
      }
      if (r.kind == IoResult::Kind::kClosed) {
        parser.FinishAtEof();
        break;
      }
      if (r.kind == IoResult::Kind::kTimeout) {
        status = TimedOut(parser.nothing_received() ? "waiting for the response from " + Peer()
                          : parser.head_complete()  ? "reading the response body from " + Peer()
                                                    : "reading the response head from " + Peer());
      } else if (r.error_number == ECONNRESET) {
        status = NetStatus::Fail(Reason::kNetwork,
                                 "connection reset by peer while reading response from " + Peer());
      } else {
        status = NetStatus::Fail(Reason::kNetwork,
                                 "error reading the response from " + Peer() + ": " + r.detail);
      }
      break;
    }
    facts_.timings.response = Since(request_done_);
    facts_.response_bytes = parser.body_bytes();
    reusable_ = parser.reusable();
    if (!status.ok()) return status;
    if (parser.failed()) {
      if (parser.nothing_received()) {
        return NetStatus::Fail(Reason::kNetwork,
                               "connection closed by " + Peer() + " before any response");
      }
      return NetStatus::Fail(Reason::kMalformedResponse, parser.error());
    }
    out_.response = parser.TakeResponse();
    return NetStatus::Ok();
  }

  void RememberSession() {
    if (!facts_.tls_verified || session_key_.empty() || !connection_ ||
        connection_->ssl() == nullptr) {
      return;
    }
    // Taken at the end: TLS 1.3 tickets arrive after the handshake, with the
    // first records read. A copy is cached because SSL_free marks the
    // connection's own session object not resumable when no close_notify was
    // sent, and this client closes without one.
    SSL_SESSION* session = SSL_get0_session(connection_->ssl());
    if (session == nullptr || SSL_SESSION_is_resumable(session) != 1) return;
    SSL_SESSION* copy = SSL_SESSION_dup(session);
    if (copy == nullptr) return;
    shared_.sessions.Put(
        session_key_, copy,
        std::make_shared<const std::vector<CertificateFacts>>(facts_.server_chain));
    SSL_SESSION_free(copy);
  }

  ClientShared& shared_;
  const HttpRequest& request_;
  const Deadline& deadline_;
  HttpConnections* const keep_;  // null: this request's connection closes after it
  HttpOutcome& out_;
  HttpRequestFacts& facts_;
  const SteadyTime started_;
  Url url_;
  bool proxy_ = false;
  std::string dial_host_;
  std::uint16_t dial_port_ = 0;
  std::string session_key_;
  // The facts of the chain of the session offered for resumption, if any.
  net_internal::TlsSessionCache::ChainFacts offered_chain_;
  std::string keep_key_;
  bool reusable_ = false;  // the response lets the connection carry another request
  SteadyTime request_done_{};
  bool head_seen_ = false;
  VerifyState verify_;  // declared before connection_: must outlive the SSL object
  std::unique_ptr<Connection> connection_;
};

}  // namespace

namespace {

// Read through ReadBoundedFile, so the message says what an administrator can
// fix (a missing file, a FIFO, a file over the cap) instead of OpenSSL's
// "system library", and the certificates are added from memory: OpenSSL's own
// loader would open the path again, wait on a FIFO swapped in meanwhile and
// read a file of any size whole.
void LoadCaFile(SSL_CTX* ctx, const std::string& ca_file) {
  Expected<std::string> pem = ReadBoundedFile(ca_file, kMaxCredentialFileBytes);
  if (!pem.ok()) throw std::runtime_error("cannot read ca_file " + ca_file + ": " + pem.error());
  ERR_clear_error();
  BIO* bio = BIO_new_mem_buf(pem.value().data(), static_cast<int>(pem.value().size()));
  STACK_OF(X509_INFO)* infos =
      bio == nullptr ? nullptr : PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  for (int i = 0; infos != nullptr && i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 != nullptr && X509_STORE_add_cert(store, info->x509) == 1) ++added;
    if (info->crl != nullptr) X509_STORE_add_crl(store, info->crl);
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  const std::string openssl = net_internal::DrainOpenSslErrors();
  if (added == 0) {
    throw std::runtime_error("ca_file " + ca_file + " holds no usable PEM certificate" +
                             (openssl.empty() ? "" : " (" + openssl + ")"));
  }
}

}  // namespace

struct HttpClient::Impl {
  Impl(HttpClientOptions options, const Clock& clock) : shared(std::move(options), clock) {}
  ClientShared shared;
};

HttpClient::HttpClient(HttpClientOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    throw std::runtime_error("cannot create a TLS context: " + net_internal::DrainOpenSslErrors());
  }
  impl_->shared.ctx = ctx;  // owned from here on, also if this constructor throws
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, impl_->shared.options.tls_max_version == TlsVersion::k1_3
                                         ? TLS1_3_VERSION
                                         : TLS1_2_VERSION);
  // Unexpected EOF is judged by HTTP framing (Content-Length, chunked), which
  // reports truncation precisely; many servers skip close_notify.
  SSL_CTX_set_options(
      ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Without read-ahead OpenSSL reads each record in two recv(2) calls (its
  // header, then its body); with it, whatever has arrived, in one. The
  // records are the same and are processed the same way; only the system
  // calls per check drop (about 40 to about 20). Connection::UsableWhenIdle
  // looks at what is buffered as well as at the socket.
  SSL_CTX_set_read_ahead(ctx, 1);
  auto offer = std::make_shared<TlsOfferFacts>();
  ApplyTlsProfile(ctx, impl_->shared.options, *offer);
  impl_->shared.offer = std::move(offer);
  const std::string& ca_file = impl_->shared.options.ca_file;
  if (!ca_file.empty()) {
    LoadCaFile(ctx, ca_file);
  } else if (!net_internal::UseSystemTrustStore(ctx)) {
    throw std::runtime_error("cannot load the system trust store: " +
                             net_internal::DrainOpenSslErrors());
  }
}

HttpClient::~HttpClient() = default;

void HttpClient::Preconnect(const std::string& url, const Deadline& deadline,
                            HttpConnections& connections) {
  HttpRequest request;
  request.url = url;
  HttpOutcome out;
  try {
    ERR_clear_error();
    Exchange(impl_->shared, request, deadline, &connections, out).Preconnect();
  } catch (...) {
    // Nothing is left: the request that would have used it opens its own
    // connection and reports what happens then.
  }
}

HttpOutcome HttpClient::Send(const HttpRequest& request, const Deadline& deadline,
                             HttpConnections* connections) {
  HttpOutcome out;
  try {
    ERR_clear_error();
    Exchange exchange(impl_->shared, request, deadline, connections, out);
    NetStatus status = exchange.Run();
    out.error = status.reason;
    out.error_message = std::move(status.message);
  } catch (const std::exception& e) {
    out.error = Reason::kInternal;
    out.error_message = std::string("internal error in the HTTP client: ") + e.what();
  } catch (...) {
    out.error = Reason::kInternal;
    out.error_message = "internal error in the HTTP client";
  }
  if (!out.ok()) out.response.reset();
  return out;
}

}  // namespace pushprobe
