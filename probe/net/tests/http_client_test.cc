#include "probe/net/http_client.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "probe/core/bounded_file.h"
#include "probe/net/certificate_facts.h"
#include "probe/net/socket_bio.h"
#include "probe/net/tests/loopback_server.h"
#include "tests/support/silent_host.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_proxy.h"

namespace pushprobe {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackServer;
using testing::SeenRequest;
using testing::ServerConnection;

constexpr const char* kPushHost = "outlook.office365.com";
const char kHello[] =
    "HTTP/1.1 200 OK\r\nDate: Tue, 25 Nov 2025 11:20:56 GMT\r\nContent-Length: 5\r\n\r\nhello";

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Certificates are made once: RSA generation is slow under sanitizers.
struct Pki {
  testing::TestCa ca = testing::TestCa::Create();
  testing::IssuedCert push = ca.Issue(NamedCert(kPushHost));
  testing::IssuedCert wrong_host = ca.Issue(NamedCert("wrong.example.com"));
  testing::IssuedCert loopback_ip = [this] {
    testing::CertSpec spec = NamedCert("127.0.0.1");
    spec.dns_names.clear();
    spec.ip_addresses = {"127.0.0.1"};
    return ca.Issue(spec);
  }();
  testing::IssuedCert expired = [this] {
    testing::CertSpec spec = NamedCert(kPushHost);
    spec.valid_from_offset = -std::chrono::hours(48);
    spec.valid_to_offset = -std::chrono::hours(24);
    return ca.Issue(spec);
  }();
  testing::IssuedCert self_signed = testing::SelfSigned(NamedCert(kPushHost));
  std::string ca_file = testing::WriteTempFile("ca.pem", ca.root().cert_pem);

  static testing::CertSpec NamedCert(const std::string& name) {
    testing::CertSpec spec;
    spec.common_name = name;
    spec.dns_names = {name};
    return spec;
  }
  LoopbackServer::TlsIdentity Identity(const testing::IssuedCert& cert, bool with_root = false) {
    LoopbackServer::TlsIdentity id{cert.cert_pem, cert.key_pem, {}};
    if (with_root) id.chain_pem.push_back(ca.root().cert_pem);
    return id;
  }
};

Pki& TestPki() {
  static Pki* pki = new Pki();
  return *pki;
}

class HttpClientTest : public ::testing::Test {
 protected:
  const Clock& clock_ = SystemClock::Instance();

  HttpClientOptions Options() const {
    HttpClientOptions options;
    options.ca_file = TestPki().ca_file;
    return options;
  }
  // Options() with the push host's name routed to 127.0.0.1 (any port).
  HttpClientOptions PushHostOptions() const {
    HttpClientOptions options = Options();
    options.connect_to.push_back(ConnectTo{kPushHost, 0, "127.0.0.1", 0});
    return options;
  }
  // Sends to the push host's name, routed to \p server by a connect_to rule.
  HttpOutcome SendToPushHost(const LoopbackServer& server, HttpClientOptions options,
                             Duration budget = 10s) {
    options.connect_to.push_back(ConnectTo{kPushHost, 0, "127.0.0.1", 0});
    HttpClient client(options, clock_);
    HttpRequest request;
    request.url = server.Url("/PushNotifications", kPushHost);
    return TimedSend(client, request, budget);
  }
  HttpOutcome Get(const std::string& url, HttpClientOptions options, Duration budget = 10s,
                  std::size_t max_bytes = 1 << 20) {
    HttpClient client(std::move(options), clock_);
    HttpRequest request;
    request.url = url;
    request.max_response_bytes = max_bytes;
    return TimedSend(client, request, budget);
  }
  // Send with \p budget, its time in send_took_: the deadline bounds Send, not
  // what comes before it (Options()'s first call generates the test PKI's RSA
  // keys: 5 s under asan at load 20, which failed a 5 s bound on the timeout).
  HttpOutcome TimedSend(HttpClient& client, const HttpRequest& request, Duration budget) {
    const SteadyTime start = clock_.SteadyNow();
    HttpOutcome out = client.Send(request, Deadline::After(clock_, budget));
    send_took_ = clock_.SteadyNow() - start;
    return out;
  }
  Duration send_took_{};
};

TEST_F(HttpClientTest, PlainGetFillsResponseAndFacts) {
  LoopbackServer server(LoopbackServer::Respond(kHello));
  HttpOutcome out = Get(server.Url("/metadata?realm=fabrikam.com"), Options());
  ASSERT_TRUE(out.ok()) << out.error_message;
  ASSERT_TRUE(out.response.has_value());
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.response->body, "hello");
  EXPECT_EQ(out.facts.method, "GET");
  EXPECT_EQ(out.facts.url, server.Url("/metadata?realm=fabrikam.com"));
  EXPECT_EQ(out.facts.connected_address, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(out.facts.status, 200);
  EXPECT_EQ(out.facts.response_bytes, 5u);
  EXPECT_FALSE(out.facts.via_proxy);
  EXPECT_EQ(out.facts.server_date, WallTime{std::chrono::seconds{1764069656}});
  ASSERT_TRUE(out.facts.local_date.has_value());
  EXPECT_GT(out.facts.timings.response, Duration::zero());
  EXPECT_GE(out.facts.timings.connect, Duration::zero());
  EXPECT_EQ(out.facts.timings.tls, Duration::zero());
  EXPECT_TRUE(out.facts.server_chain.empty());
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(StartsWith(server.requests()[0].head,
                         "GET /metadata?realm=fabrikam.com HTTP/1.1\r\n"
                         "Host: 127.0.0.1:" +
                             std::to_string(server.port()) + "\r\n"));
}

TEST_F(HttpClientTest, PostSendsHeadersAsGivenAndContentLength) {
  LoopbackServer server(LoopbackServer::Respond(kHello));
  HttpClient client(Options(), clock_);
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/token");
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"client-request-id", "abc"},
                     {"Host", "evil.example"}};
  request.body = "grant_type=x";
  HttpOutcome out = client.Send(request, Deadline::After(clock_, 10s));
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(out.facts.client_request_id, "abc");
  const SeenRequest seen = server.requests().at(0);
  EXPECT_EQ(seen.head, "POST /token HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                           "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                           "client-request-id: abc\r\nConnection: close\r\n"
                           "Content-Length: 12");
  EXPECT_EQ(seen.body, "grant_type=x");

  request.body.clear();
  ASSERT_TRUE(client.Send(request, Deadline::After(clock_, 10s)).ok());
  EXPECT_TRUE(Contains(server.requests().at(1).head, "\r\nContent-Length: 0"));
}

TEST_F(HttpClientTest, HeaderWithLineBreakIsRejectedWithoutSending) {
  LoopbackServer server(LoopbackServer::Respond(kHello));
  HttpClient client(Options(), clock_);
  HttpRequest request;
  request.url = server.Url("/");
  request.headers = {{"Authorization", "Bearer x\r\nX-Injected: 1"}};
  HttpOutcome out = client.Send(request, Deadline::After(clock_, 10s));
  EXPECT_EQ(out.error, Reason::kInternal);
  EXPECT_FALSE(Contains(out.error_message, "Bearer"));
  EXPECT_EQ(server.connections(), 0);
}

TEST_F(HttpClientTest, ChunkedBody) {
  LoopbackServer server(
      LoopbackServer::Respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  HttpOutcome out = Get(server.Url(), Options());
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(out.response->body, "hello world");
  EXPECT_EQ(out.facts.response_bytes, 11u);
}

TEST_F(HttpClientTest, ReadToCloseBody) {
  LoopbackServer server(LoopbackServer::Respond("HTTP/1.1 200 OK\r\n\r\nuntil the end"));
  HttpOutcome out = Get(server.Url(), Options());
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(out.response->body, "until the end");
}

TEST_F(HttpClientTest, OversizedBodyIsMalformed) {
  const std::string big(1100000, 'x');
  LoopbackServer declared(LoopbackServer::Respond(
      "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big));
  HttpOutcome out = Get(declared.Url(), Options());
  EXPECT_EQ(out.error, Reason::kMalformedResponse);
  EXPECT_EQ(out.error_message, "response body exceeds 1048576 bytes");
  EXPECT_EQ(out.facts.status, 200);
  EXPECT_FALSE(out.response.has_value());

  LoopbackServer undeclared(LoopbackServer::Respond("HTTP/1.1 200 OK\r\n\r\n" + big));
  out = Get(undeclared.Url(), Options(), 10s, 1000);
  EXPECT_EQ(out.error, Reason::kMalformedResponse);
  EXPECT_EQ(out.error_message, "response body exceeds 1000 bytes");
}

TEST_F(HttpClientTest, TruncatedBodyIsMalformed) {
  LoopbackServer server(
      LoopbackServer::Respond("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"));
  HttpOutcome out = Get(server.Url(), Options());
  EXPECT_EQ(out.error, Reason::kMalformedResponse);
  EXPECT_EQ(out.error_message, "truncated body: got 10 of 100 bytes");
  EXPECT_EQ(out.facts.response_bytes, 10u);

  LoopbackServer chunked(
      LoopbackServer::Respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabc"));
  out = Get(chunked.Url(), Options());
  EXPECT_EQ(out.error, Reason::kMalformedResponse);
  EXPECT_TRUE(StartsWith(out.error_message, "truncated body: got 3 of 10 bytes"))
      << out.error_message;
}

TEST_F(HttpClientTest, GarbageStatusLineIsMalformed) {
  LoopbackServer server(LoopbackServer::Respond("SSH-2.0-OpenSSH_9.6\r\n"));
  HttpOutcome out = Get(server.Url(), Options());
  EXPECT_EQ(out.error, Reason::kMalformedResponse);
  EXPECT_TRUE(StartsWith(out.error_message, "malformed status line")) << out.error_message;
}

TEST_F(HttpClientTest, ResetBeforeAnswerIsNetwork) {
  LoopbackServer server(LoopbackServer::ResetAfterRequest());
  HttpOutcome out = Get(server.Url(), Options());
  EXPECT_EQ(out.error, Reason::kNetwork);
  EXPECT_TRUE(StartsWith(out.error_message,
                         "connection reset by peer while reading response from 127.0.0.1"))
      << out.error_message;
  EXPECT_EQ(out.facts.status, 0);
}

TEST_F(HttpClientTest, CloseBeforeAnswerIsNetwork) {
  LoopbackServer server([](ServerConnection& c) { c.ReadRequest(); });
  HttpOutcome out = Get(server.Url(), Options());
  EXPECT_EQ(out.error, Reason::kNetwork);
  EXPECT_TRUE(Contains(out.error_message, "before any response")) << out.error_message;
}

TEST_F(HttpClientTest, RedirectIsNotFollowed) {
  LoopbackServer elsewhere(LoopbackServer::Respond(kHello));
  LoopbackServer server(
      LoopbackServer::Respond("HTTP/1.1 302 Found\r\nLocation: " + elsewhere.Url("/moved") +
                              "\r\nContent-Length: 0\r\n\r\n"));
  HttpOutcome out = Get(server.Url(), Options());
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(out.response->status, 302);
  EXPECT_EQ(out.response->Header("location"), elsewhere.Url("/moved"));
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(elsewhere.connections(), 0);
}

TEST_F(HttpClientTest, NeverAnsweringServerTimesOutAtTheDeadline) {
  LoopbackServer server(LoopbackServer::NeverAnswer());
  HttpOutcome out = Get(server.Url(), Options(), 200ms);
  EXPECT_EQ(out.error, Reason::kTimeout);
  // The figure is the time taken, which a loaded machine stretches past 1 s.
  EXPECT_TRUE(StartsWith(out.error_message, "timed out after ")) << out.error_message;
  EXPECT_TRUE(Contains(out.error_message, "s waiting for the response from 127.0.0.1"))
      << out.error_message;
  EXPECT_GE(send_took_, 190ms);
  EXPECT_LT(send_took_, 5s);  // generous for sanitizers
  EXPECT_GE(out.facts.timings.response, 100ms);
}

TEST_F(HttpClientTest, NeverAnsweringTlsServerTimesOutToo) {
  LoopbackServer server(LoopbackServer::NeverAnswer(), TestPki().Identity(TestPki().push));
  HttpOutcome out = SendToPushHost(server, Options(), 200ms);
  EXPECT_EQ(out.error, Reason::kTimeout) << out.error_message;
  EXPECT_TRUE(Contains(out.error_message, "waiting for the response from outlook.office365.com"))
      << out.error_message;
  EXPECT_LT(send_took_, 5s);
}

// Work nobody needs any more (a request sent ahead for a stage that will not
// run) is ended by cancelling its deadline: a wait for the server, whether
// for the TLS handshake or for the response, ends at once instead of at the
// deadline, and the socket is closed. The cancel comes once the server holds
// the client's bytes, so the client is waiting (or about to) by then.
TEST_F(HttpClientTest, CancelledDeadlineEndsTheWaitForASilentServerAtOnce) {
  constexpr Duration kBudget = 20s;
  struct Case {
    const char* what;
    bool tls;
    bool preconnect;
  };
  for (const Case& c : {Case{"TLS handshake", true, false}, Case{"response", false, false},
                        Case{"TLS handshake opened ahead", true, true}}) {
    SCOPED_TRACE(c.what);
    testing::SilentHost host(testing::SilentHost::Mode::kAcceptsTcp);
    HttpClient client(PushHostOptions(), clock_);
    const std::string url = std::string(c.tls ? "https://" : "http://") + kPushHost + ":" +
                            std::to_string(host.port()) + "/PushNotifications";
    Cancellation cancellation;
    const Deadline deadline = Deadline::After(clock_, kBudget).CancelledBy(cancellation);
    HttpConnections connections;
    const SteadyTime start = clock_.SteadyNow();
    auto sent = std::async(std::launch::async, [&] {
      if (c.preconnect) {
        client.Preconnect(url, deadline, connections);
        return HttpOutcome{};
      }
      HttpRequest request;
      request.url = url;
      return client.Send(request, deadline);
    });
    ASSERT_TRUE(host.WaitForClientBytes(10s));
    cancellation.Cancel();
    const HttpOutcome out = sent.get();
    EXPECT_LT(clock_.SteadyNow() - start, kBudget / 2);
    if (!c.preconnect) {
      EXPECT_EQ(out.error, Reason::kTimeout) << out.error_message;
    }
  }
}

TEST_F(HttpClientTest, ExpiredDeadlineTimesOutBeforeConnecting) {
  LoopbackServer server(LoopbackServer::Respond(kHello));
  HttpOutcome out = Get(server.Url(), Options(), 0ms);
  EXPECT_EQ(out.error, Reason::kTimeout);
  EXPECT_EQ(server.connections(), 0);
}

TEST_F(HttpClientTest, RefusedConnectIsConnect) {
  const std::uint16_t port = testing::UnusedPort();
  HttpOutcome out = Get("http://127.0.0.1:" + std::to_string(port) + "/", Options());
  EXPECT_EQ(out.error, Reason::kConnect);
  EXPECT_EQ(out.error_message, "connection refused by 127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(out.facts.connected_address.empty());
}

TEST_F(HttpClientTest, HostNameResolvesThroughTheSystemResolver) {
  LoopbackServer server(LoopbackServer::Respond(kHello));
  // "localhost" may resolve to ::1 first, where nothing listens: the client
  // must go on to the next address.
  HttpOutcome out = Get(server.Url("/", "localhost"), Options());
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(out.facts.connected_address, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_TRUE(Contains(server.requests().at(0).head,
                       "\r\nHost: localhost:" + std::to_string(server.port())));
}

TEST_F(HttpClientTest, TlsWithConnectToKeepsSniHostHeaderAndNameCheck) {
  LoopbackServer server(LoopbackServer::Respond(kHello),
                        TestPki().Identity(TestPki().push, /*with_root=*/true));
  HttpOutcome out = SendToPushHost(server, Options());
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_TRUE(out.facts.tls_verified);
  EXPECT_TRUE(out.facts.tls_verify_error.empty());
  EXPECT_TRUE(StartsWith(out.facts.tls_version, "TLSv1.")) << out.facts.tls_version;
  EXPECT_EQ(out.facts.connected_address, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_GT(out.facts.timings.tls, Duration::zero());
  ASSERT_EQ(out.facts.server_chain.size(), 2u);
  EXPECT_EQ(out.facts.server_chain[0].subject, "CN=outlook.office365.com");
  EXPECT_EQ(out.facts.server_chain[0].thumbprint, TestPki().push.Thumbprint());
  EXPECT_EQ(out.facts.server_chain[1].thumbprint, TestPki().ca.root().Thumbprint());
  EXPECT_EQ(out.facts.server_chain[0].issuer, out.facts.server_chain[1].subject);
  const SeenRequest seen = server.requests().at(0);
  EXPECT_EQ(seen.sni, kPushHost);
  EXPECT_TRUE(Contains(
      seen.head, "\r\nHost: outlook.office365.com:" + std::to_string(server.port()) + "\r\n"));
}

TEST_F(HttpClientTest, ConnectToFirstMatchingRuleWinsAndCanChangeThePort) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = Options();
  const std::uint16_t closed = testing::UnusedPort();
  options.connect_to = {
      ConnectTo{"other.example", 0, "127.0.0.1", closed},  // host does not match
      ConnectTo{"", 8443, "127.0.0.1", closed},            // port does not match
      ConnectTo{"OUTLOOK.office365.com", 443, "127.0.0.1", server.port()},
      ConnectTo{"", 0, "127.0.0.1", closed},  // never reached
  };
  HttpOutcome out = Get("https://outlook.office365.com/x", options);
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(out.facts.connected_address, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_TRUE(Contains(server.requests().at(0).head, "\r\nHost: outlook.office365.com\r\n"));
}

TEST_F(HttpClientTest, IpLiteralIsVerifiedAgainstIpSan) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().loopback_ip));
  HttpOutcome out = Get(server.Url(), Options());
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_TRUE(out.facts.tls_verified);
  EXPECT_EQ(server.requests().at(0).sni, "");  // no SNI for IP literals
}

TEST_F(HttpClientTest, UntrustedCertificateKeepsTheChainAndSendsNothing) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().self_signed));
  HttpOutcome out = SendToPushHost(server, Options());
  EXPECT_EQ(out.error, Reason::kTlsUntrusted);
  EXPECT_FALSE(out.facts.tls_verified);
  EXPECT_EQ(out.facts.tls_verify_error, "self-signed certificate");
  EXPECT_TRUE(Contains(out.error_message, "self-signed certificate")) << out.error_message;
  EXPECT_TRUE(Contains(out.error_message, "CN=outlook.office365.com")) << out.error_message;
  ASSERT_EQ(out.facts.server_chain.size(), 1u);
  const CertificateFacts& leaf = out.facts.server_chain[0];
  EXPECT_EQ(leaf.subject, "CN=outlook.office365.com");
  EXPECT_EQ(leaf.issuer, "CN=outlook.office365.com");
  EXPECT_EQ(leaf.thumbprint, TestPki().self_signed.Thumbprint());
  const auto now = std::chrono::system_clock::now();
  EXPECT_LT(leaf.not_before, now);
  EXPECT_GT(leaf.not_after, now + std::chrono::hours(24 * 300));
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpClientTest, UnknownCaIsUntrusted) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = Options();
  options.ca_file =
      testing::WriteTempFile("other-ca.pem", testing::TestCa::Create("other CA").root().cert_pem);
  HttpOutcome out = SendToPushHost(server, options);
  EXPECT_EQ(out.error, Reason::kTlsUntrusted);
  EXPECT_EQ(out.facts.tls_verify_error, "unable to get local issuer certificate");
  EXPECT_EQ(out.facts.server_chain.size(), 1u);
}

TEST_F(HttpClientTest, ExpiredCertificateIsUntrusted) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().expired));
  HttpOutcome out = SendToPushHost(server, Options());
  EXPECT_EQ(out.error, Reason::kTlsUntrusted);
  EXPECT_EQ(out.facts.tls_verify_error, "certificate has expired");
  ASSERT_EQ(out.facts.server_chain.size(), 1u);
  EXPECT_LT(out.facts.server_chain[0].not_after, std::chrono::system_clock::now());
}

TEST_F(HttpClientTest, WrongHostNameIsHostname) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().wrong_host));
  HttpOutcome out = SendToPushHost(server, Options());
  EXPECT_EQ(out.error, Reason::kTlsHostname);
  EXPECT_EQ(out.error_message,
            "certificate for CN=wrong.example.com does not match host outlook.office365.com");
  EXPECT_EQ(out.facts.tls_verify_error, "hostname mismatch");
  EXPECT_FALSE(out.facts.tls_verified);
  ASSERT_EQ(out.facts.server_chain.size(), 1u);
  EXPECT_EQ(out.facts.server_chain[0].thumbprint, TestPki().wrong_host.Thumbprint());
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpClientTest, NonTlsServerIsHandshakeFailure) {
  LoopbackServer server([](ServerConnection& c) {
    c.Write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  });
  // Plain servers: their Url() says http, so the https URL is made here.
  auto https_url = [](const LoopbackServer& s) {
    return "https://127.0.0.1:" + std::to_string(s.port()) + "/";
  };
  HttpOutcome out = Get(https_url(server), Options());
  EXPECT_EQ(out.error, Reason::kTlsHandshake) << out.error_message;
  EXPECT_TRUE(StartsWith(out.error_message, "TLS handshake with 127.0.0.1 (127.0.0.1:"))
      << out.error_message;

  // FIN first, then drain: closing with the ClientHello unread would send an
  // RST instead, which is the other case.
  LoopbackServer closer([](ServerConnection& c) {
    shutdown(c.fd(), SHUT_WR);
    char sink[4096];
    while (recv(c.fd(), sink, sizeof(sink), 0) > 0) {
    }
  });
  out = Get(https_url(closer), Options());
  EXPECT_EQ(out.error, Reason::kTlsHandshake) << out.error_message;
  EXPECT_TRUE(Contains(out.error_message, "failed: the server closed the connection"))
      << out.error_message;
}

TEST_F(HttpClientTest, SecondRequestResumesTheTlsSession) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = PushHostOptions();
  HttpClient client(options, clock_);
  HttpRequest request;
  request.url = server.Url("/", kPushHost);
  HttpOutcome first = client.Send(request, Deadline::After(clock_, 10s));
  HttpOutcome second = client.Send(request, Deadline::After(clock_, 10s));
  ASSERT_TRUE(first.ok()) << first.error_message;
  ASSERT_TRUE(second.ok()) << second.error_message;
  EXPECT_FALSE(first.facts.tls_session_reused);
  EXPECT_TRUE(second.facts.tls_session_reused);
  EXPECT_TRUE(second.facts.tls_verified);
  ASSERT_FALSE(second.facts.server_chain.empty());
  EXPECT_EQ(second.facts.server_chain[0].thumbprint, TestPki().push.Thumbprint());
  EXPECT_TRUE(server.requests().at(1).session_reused);

  options.reuse_tls_sessions = false;
  HttpClient no_reuse(options, clock_);
  ASSERT_TRUE(no_reuse.Send(request, Deadline::After(clock_, 10s)).ok());
  HttpOutcome third = no_reuse.Send(request, Deadline::After(clock_, 10s));
  ASSERT_TRUE(third.ok()) << third.error_message;
  EXPECT_FALSE(third.facts.tls_session_reused);
}

// A resumed handshake reports the chain its session was made with, from the
// facts the full handshake recorded, without describing the certificates
// again; at TLS 1.3 (the session of a ticket) and at TLS 1.2.
TEST_F(HttpClientTest, ResumedSessionReportsItsChainWithoutDescribingItAgain) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  HttpRequest request;
  request.url = server.Url("/", kPushHost);
  for (TlsVersion version : {TlsVersion::k1_3, TlsVersion::k1_2}) {
    SCOPED_TRACE(version == TlsVersion::k1_3 ? "TLS 1.3" : "TLS 1.2");
    HttpClientOptions options = PushHostOptions();
    options.tls_max_version = version;
    HttpClient client(options, clock_);
    const HttpOutcome full = client.Send(request, Deadline::After(clock_, 10s));
    ASSERT_TRUE(full.ok()) << full.error_message;
    ASSERT_FALSE(full.facts.tls_session_reused);
    ASSERT_FALSE(full.facts.server_chain.empty());
    for (int i = 0; i < 2; ++i) {  // a session resumed from a resumed one too
      const std::uint64_t before = net_internal::CertificatesDescribed();
      const HttpOutcome resumed = client.Send(request, Deadline::After(clock_, 10s));
      ASSERT_TRUE(resumed.ok()) << resumed.error_message;
      EXPECT_TRUE(resumed.facts.tls_session_reused);
      EXPECT_EQ(net_internal::CertificatesDescribed(), before);
      ASSERT_EQ(resumed.facts.server_chain.size(), full.facts.server_chain.size());
      for (std::size_t c = 0; c < full.facts.server_chain.size(); ++c) {
        const CertificateFacts& want = full.facts.server_chain[c];
        const CertificateFacts& got = resumed.facts.server_chain[c];
        EXPECT_EQ(got.subject, want.subject);
        EXPECT_EQ(got.issuer, want.issuer);
        EXPECT_EQ(got.thumbprint, want.thumbprint);
        EXPECT_EQ(got.not_before, want.not_before);
        EXPECT_EQ(got.not_after, want.not_after);
      }
    }
  }
}

TEST_F(HttpClientTest, TlsMaxVersionCapsTheProtocolAndTls12SessionsResumeVerified) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = PushHostOptions();
  HttpRequest request;
  request.url = server.Url("/", kPushHost);

  HttpClient tls13(options, clock_);
  HttpOutcome offered13 = tls13.Send(request, Deadline::After(clock_, 10s));
  ASSERT_TRUE(offered13.ok()) << offered13.error_message;
  EXPECT_EQ(offered13.facts.tls_version, "TLSv1.3");

  options.tls_max_version = TlsVersion::k1_2;
  HttpClient tls12(options, clock_);
  HttpOutcome first = tls12.Send(request, Deadline::After(clock_, 10s));
  HttpOutcome second = tls12.Send(request, Deadline::After(clock_, 10s));
  ASSERT_TRUE(first.ok()) << first.error_message;
  ASSERT_TRUE(second.ok()) << second.error_message;
  EXPECT_EQ(first.facts.tls_version, "TLSv1.2");
  EXPECT_FALSE(first.facts.tls_session_reused);
  EXPECT_EQ(second.facts.tls_version, "TLSv1.2");
  EXPECT_TRUE(second.facts.tls_session_reused);
  EXPECT_TRUE(second.facts.tls_verified);
  ASSERT_FALSE(second.facts.server_chain.empty());
  EXPECT_EQ(second.facts.server_chain[0].thumbprint, TestPki().push.Thumbprint());
}

// Answers every request on a connection until the client closes it.
LoopbackServer::Behaviour KeepAnswering(const std::string& raw) {
  return [raw](ServerConnection& c) {
    while (c.ReadRequest()) {
      if (!c.Write(raw)) return;
    }
  };
}

TEST_F(HttpClientTest, KeptConnectionCarriesTheNextRequestToTheSameServer) {
  LoopbackServer server(KeepAnswering(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = PushHostOptions();
  HttpClient client(options, clock_);
  HttpRequest request;
  request.url = server.Url("/metadata", kPushHost);
  HttpOutcome first;
  HttpOutcome second;
  {
    HttpConnections connections;
    first = client.Send(request, Deadline::After(clock_, 10s), &connections);
    EXPECT_EQ(connections.size(), 1u);
    request.method = "POST";
    request.url = server.Url("/publish", kPushHost);
    request.body = "{}";
    second = client.Send(request, Deadline::After(clock_, 10s), &connections);
    EXPECT_EQ(connections.size(), 1u);
  }
  ASSERT_TRUE(first.ok()) << first.error_message;
  ASSERT_TRUE(second.ok()) << second.error_message;
  EXPECT_EQ(server.connections(), 1);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_FALSE(Contains(server.requests()[0].head, "Connection:"));
  EXPECT_TRUE(StartsWith(server.requests()[1].head, "POST /publish HTTP/1.1\r\n"));
  EXPECT_EQ(server.requests()[1].body, "{}");

  EXPECT_FALSE(first.facts.connection_reused);
  EXPECT_GT(first.facts.timings.tls, Duration::zero());
  EXPECT_TRUE(second.facts.connection_reused);
  EXPECT_EQ(second.facts.timings.dns, Duration::zero());
  EXPECT_EQ(second.facts.timings.connect, Duration::zero());
  EXPECT_EQ(second.facts.timings.tls, Duration::zero());
  EXPECT_GT(second.facts.timings.response, Duration::zero());
  EXPECT_EQ(second.facts.status, 200);
  EXPECT_EQ(second.facts.method, "POST");
  EXPECT_EQ(second.facts.url, request.url);
  // The connection's facts go with it: where it goes and what was verified.
  EXPECT_EQ(second.facts.connected_address, first.facts.connected_address);
  EXPECT_TRUE(second.facts.tls_verified);
  EXPECT_EQ(second.facts.tls_version, first.facts.tls_version);
  ASSERT_FALSE(second.facts.server_chain.empty());
  EXPECT_EQ(second.facts.server_chain[0].thumbprint, TestPki().push.Thumbprint());
}

// Descriptors this process has open now.
std::size_t OpenFds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}

// A concurrent run opens the publish connection at its start; the publish
// request is then the connection's first and reports the opening as its own.
TEST_F(HttpClientTest, ConnectionOpenedAheadCarriesTheRequestAsItsFirst) {
  LoopbackServer server(KeepAnswering(kHello), TestPki().Identity(TestPki().push));
  HttpClient client(PushHostOptions(), clock_);
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/publish", kPushHost);
  request.headers = {{"Connection", "close"}};
  request.body = "{}";
  HttpConnections connections;
  client.Preconnect(request.url, Deadline::After(clock_, 10s), connections);
  EXPECT_EQ(connections.size(), 1u);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_TRUE(server.requests().empty()) << "opening ahead sends no request";
  // Once the server's handshake is done its TLS 1.3 session tickets wait unread
  // on the connection opened ahead: they must not make it look unusable.
  ASSERT_TRUE(server.WaitForHandshakes(1, 10s));
  HttpOutcome out = client.Send(request, Deadline::After(clock_, 10s), &connections);
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(server.connections(), 1);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(Contains(server.requests()[0].head, "Connection: close\r\n"));
  EXPECT_FALSE(out.facts.connection_reused);
  EXPECT_GT(out.facts.timings.connect, Duration::zero());
  EXPECT_GT(out.facts.timings.tls, Duration::zero());
  EXPECT_TRUE(out.facts.tls_verified);
  EXPECT_EQ(out.facts.method, "POST");
  ASSERT_FALSE(out.facts.server_chain.empty());
  EXPECT_EQ(out.facts.server_chain[0].thumbprint, TestPki().push.Thumbprint());
  EXPECT_EQ(connections.size(), 0u) << "Connection: close is not kept";
}

// Opening ahead fails the way the request itself would have: same reason,
// same message, reported by that request and not dialled again.
TEST_F(HttpClientTest, FailureToOpenAheadIsTheRequestsOwnFailure) {
  const std::uint16_t port = testing::UnusedPort();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  HttpClient client(Options(), clock_);
  HttpRequest request;
  request.url = url;
  const HttpOutcome direct = client.Send(request, Deadline::After(clock_, 10s));
  HttpConnections connections;
  client.Preconnect(url, Deadline::After(clock_, 10s), connections);
  EXPECT_EQ(connections.size(), 1u);
  const HttpOutcome ahead = client.Send(request, Deadline::After(clock_, 10s), &connections);
  EXPECT_EQ(ahead.error, Reason::kConnect);
  EXPECT_EQ(ahead.error, direct.error);
  EXPECT_EQ(ahead.error_message, direct.error_message);
  EXPECT_EQ(ahead.facts.url, url);
  EXPECT_TRUE(ahead.facts.connected_address.empty());
  EXPECT_EQ(connections.size(), 0u);

  // A TLS failure, too: the chain seen while opening is the request's.
  LoopbackServer untrusted(KeepAnswering(kHello), TestPki().Identity(TestPki().self_signed));
  HttpClient push_client(PushHostOptions(), clock_);
  request.url = untrusted.Url("/publish", kPushHost);
  push_client.Preconnect(request.url, Deadline::After(clock_, 10s), connections);
  const HttpOutcome tls = push_client.Send(request, Deadline::After(clock_, 10s), &connections);
  EXPECT_EQ(tls.error, Reason::kTlsUntrusted);
  ASSERT_FALSE(tls.facts.server_chain.empty());
  EXPECT_TRUE(untrusted.requests().empty());
}

// A connection opened ahead for a request that never comes (its stage was
// skipped) is closed with the run's connections, and no failure is reported.
TEST_F(HttpClientTest, ConnectionOpenedAheadAndNeverUsedIsClosed) {
  LoopbackServer server([](ServerConnection& c) { c.WaitForStop(); },
                        TestPki().Identity(TestPki().push));
  HttpClient client(PushHostOptions(), clock_);
  const std::size_t before = OpenFds();
  {
    HttpConnections connections;
    client.Preconnect(server.Url("/publish", kPushHost), Deadline::After(clock_, 10s), connections);
    EXPECT_EQ(connections.size(), 1u);
    // The server side stays open until the server stops; ours is one more.
    EXPECT_GE(OpenFds(), before + 1);
  }
  // The server's side of the connection (WaitForStop) is still open: only
  // the client's was closed, and it was.
  EXPECT_EQ(OpenFds(), before + 1);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(HttpClientTest, AdoptKeepsTheConnectionOpenedFirst) {
  LoopbackServer server(KeepAnswering(kHello), TestPki().Identity(TestPki().push));
  HttpClient client(PushHostOptions(), clock_);
  const std::string url = server.Url("/", kPushHost);
  HttpConnections run;
  HttpConnections ahead;
  HttpRequest request;
  request.url = url;
  ASSERT_TRUE(client.Send(request, Deadline::After(clock_, 10s), &run).ok());
  client.Preconnect(url, Deadline::After(clock_, 10s), ahead);
  run.Adopt(std::move(ahead));
  EXPECT_EQ(run.size(), 1u);
  // NOLINTNEXTLINE(bugprone-use-after-move): Adopt promises to leave the source empty.
  EXPECT_EQ(ahead.size(), 0u);
  const HttpOutcome second = client.Send(request, Deadline::After(clock_, 10s), &run);
  ASSERT_TRUE(second.ok()) << second.error_message;
  EXPECT_TRUE(second.facts.connection_reused) << "the kept one, opened first, carried it";
}

TEST_F(HttpClientTest, WithoutHttpConnectionsEveryRequestClosesItsConnection) {
  LoopbackServer server(KeepAnswering(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = PushHostOptions();
  HttpClient client(options, clock_);
  HttpRequest request;
  request.url = server.Url("/", kPushHost);
  ASSERT_TRUE(client.Send(request, Deadline::After(clock_, 10s)).ok());
  HttpOutcome second = client.Send(request, Deadline::After(clock_, 10s));
  ASSERT_TRUE(second.ok()) << second.error_message;
  EXPECT_FALSE(second.facts.connection_reused);
  EXPECT_EQ(server.connections(), 2);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_TRUE(Contains(server.requests()[1].head, "\r\nConnection: close"));
}

TEST_F(HttpClientTest, ConnectionIsNotKeptWhenTheResponseSaysCloseOrRunsToTheEnd) {
  const std::string close_answer =
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello";
  const std::string unframed_answer = "HTTP/1.1 200 OK\r\n\r\nhello";
  for (const std::string& answer : {close_answer, unframed_answer}) {
    LoopbackServer server(LoopbackServer::Respond(answer));
    HttpClient client(Options(), clock_);
    HttpRequest request;
    request.url = server.Url("/");
    HttpConnections connections;
    HttpOutcome first = client.Send(request, Deadline::After(clock_, 10s), &connections);
    ASSERT_TRUE(first.ok()) << first.error_message;
    EXPECT_EQ(connections.size(), 0u) << answer;
    HttpOutcome second = client.Send(request, Deadline::After(clock_, 10s), &connections);
    ASSERT_TRUE(second.ok()) << second.error_message;
    EXPECT_FALSE(second.facts.connection_reused);
    EXPECT_EQ(server.connections(), 2);
  }
}

TEST_F(HttpClientTest, KeptConnectionTheServerClosedIsReplacedAndMeasuredAfresh) {
  // The first connection answers one request and is then closed by the
  // server (as a keep-alive timeout would); later ones answer as usual.
  std::atomic<int> accepted{0};
  std::promise<void> first_closed;
  LoopbackServer server(
      [&](ServerConnection& c) {
        if (accepted++ > 0) {
          KeepAnswering(kHello)(c);
          return;
        }
        if (c.ReadRequest() && c.Write(kHello)) ::shutdown(c.fd(), SHUT_RDWR);
        first_closed.set_value();
      },
      TestPki().Identity(TestPki().push));
  HttpClient client(PushHostOptions(), clock_);
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/publish", kPushHost);
  HttpConnections connections;
  ASSERT_TRUE(client.Send(request, Deadline::After(clock_, 10s), &connections).ok());
  ASSERT_EQ(connections.size(), 1u);
  first_closed.get_future().wait();
  HttpOutcome second = client.Send(request, Deadline::After(clock_, 10s), &connections);
  ASSERT_TRUE(second.ok()) << second.error_message;
  EXPECT_FALSE(second.facts.connection_reused);
  EXPECT_GT(second.facts.timings.tls, Duration::zero());
  EXPECT_TRUE(second.facts.tls_verified);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
}

// A close_notify that came in the same segment as the response waits in
// OpenSSL's read-ahead buffer, where poll(2) on the socket cannot see it: the
// kept connection is still found closed and replaced, not used and failed.
TEST_F(HttpClientTest, KeptConnectionWhoseCloseNotifyCameWithTheResponseIsReplaced) {
  std::atomic<int> accepted{0};
  LoopbackServer server(
      [&](ServerConnection& c) {
        if (accepted++ > 0) {
          KeepAnswering(kHello)(c);
          return;
        }
        // TCP stays open: only the TLS layer says the connection is over.
        if (c.ReadRequest() && c.WriteThenCloseNotify(kHello)) c.WaitForStop();
      },
      TestPki().Identity(TestPki().push));
  HttpClient client(PushHostOptions(), clock_);
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/publish", kPushHost);
  HttpConnections connections;
  ASSERT_TRUE(client.Send(request, Deadline::After(clock_, 10s), &connections).ok());
  ASSERT_EQ(connections.size(), 1u);
  HttpOutcome second = client.Send(request, Deadline::After(clock_, 10s), &connections);
  ASSERT_TRUE(second.ok()) << second.error_message;
  EXPECT_FALSE(second.facts.connection_reused);
  EXPECT_EQ(server.connections(), 2);
}

// OpenSSL reads ahead: a record costs one recv(2), not two (its header, then
// its body), and a flight of records that arrived together one in all.
TEST_F(HttpClientTest, TlsRecordsAreReadAheadNotOneRecvPerHeaderAndBody) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = PushHostOptions();
  options.reuse_tls_sessions = false;
  HttpClient client(options, clock_);
  HttpRequest request;
  request.url = server.Url("/", kPushHost);
  ASSERT_TRUE(client.Send(request, Deadline::After(clock_, 10s)).ok());  // warm
  const std::uint64_t before = net_internal::SocketBioRecvCalls();
  HttpOutcome out = client.Send(request, Deadline::After(clock_, 10s));
  const std::uint64_t calls = net_internal::SocketBioRecvCalls() - before;
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_EQ(out.facts.tls_version, "TLSv1.3");
  // TLS 1.3 full handshake: ServerHello, ChangeCipherSpec, EncryptedExtensions,
  // Certificate, CertificateVerify, Finished, two tickets, the response: 9
  // records, so 18 calls at least without read-ahead (28 seen, 12 with it).
  EXPECT_LT(calls, 18u);
}

TEST_F(HttpClientTest, ResetOfARequestOnAKeptConnectionIsReportedNotRetried) {
  // Answers the first request; resets the connection on reading the second.
  LoopbackServer server(
      [](ServerConnection& c) {
        if (c.ReadRequest() && c.Write(kHello) && c.ReadRequest()) c.Reset();
      },
      TestPki().Identity(TestPki().push));
  HttpClient client(PushHostOptions(), clock_);
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/token", kPushHost);
  HttpConnections connections;
  ASSERT_TRUE(client.Send(request, Deadline::After(clock_, 10s), &connections).ok());
  HttpOutcome second = client.Send(request, Deadline::After(clock_, 10s), &connections);
  EXPECT_EQ(second.error, Reason::kNetwork) << second.error_message;
  EXPECT_TRUE(second.facts.connection_reused);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(connections.size(), 0u);
}

TEST_F(HttpClientTest, KeptConnectionsAreByServer) {
  LoopbackServer server(KeepAnswering(kHello));
  HttpClientOptions options = Options();
  options.connect_to.push_back(ConnectTo{"accounts.accesscontrol.windows.net", 0, "127.0.0.1", 0});
  options.connect_to.push_back(ConnectTo{kPushHost, 0, "127.0.0.1", 0});
  HttpClient client(options, clock_);
  HttpConnections connections;
  HttpRequest to_push;
  to_push.url = server.Url("/", kPushHost);
  HttpRequest to_acs;
  to_acs.url = server.Url("/", "accounts.accesscontrol.windows.net");
  for (const HttpRequest* r : {&to_push, &to_acs, &to_push, &to_acs}) {
    HttpOutcome out = client.Send(*r, Deadline::After(clock_, 10s), &connections);
    ASSERT_TRUE(out.ok()) << out.error_message;
  }
  EXPECT_EQ(connections.size(), 2u);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(HttpClientTest, HttpsThroughConnectProxy) {
  LoopbackServer target(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  LoopbackServer proxy(LoopbackServer::ConnectProxy());
  HttpClientOptions options = Options();
  options.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  // Ignored with a proxy: it would send TCP to a closed port.
  options.connect_to.push_back(ConnectTo{"", 0, "127.0.0.1", testing::UnusedPort()});
  const std::string url = target.Url("/PushNotifications", kPushHost);
  HttpOutcome out = Get(url, options);
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_TRUE(out.facts.via_proxy);
  EXPECT_TRUE(out.facts.tls_verified);
  EXPECT_EQ(out.facts.connected_address, "127.0.0.1:" + std::to_string(proxy.port()));
  const std::string authority = std::string(kPushHost) + ":" + std::to_string(target.port());
  EXPECT_EQ(proxy.requests().at(0).head,
            "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority);
  EXPECT_EQ(target.requests().at(0).sni, kPushHost);
}

TEST_F(HttpClientTest, TimeoutThroughProxyNamesTheTargetAndTheProxy) {
  LoopbackServer target(LoopbackServer::NeverAnswer(), TestPki().Identity(TestPki().push));
  LoopbackServer proxy(LoopbackServer::ConnectProxy());
  HttpClientOptions options = Options();
  options.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  HttpOutcome out = Get(target.Url("/", kPushHost), options, 300ms);
  EXPECT_EQ(out.error, Reason::kTimeout);
  EXPECT_TRUE(Contains(out.error_message,
                       "waiting for the response from outlook.office365.com via proxy 127.0.0.1:" +
                           std::to_string(proxy.port())))
      << out.error_message;
  EXPECT_TRUE(out.facts.tls_verified);
}

TEST_F(HttpClientTest, PlainHttpThroughProxyUsesAbsoluteForm) {
  LoopbackServer proxy(LoopbackServer::Respond(kHello));
  HttpClientOptions options = Options();
  options.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  HttpOutcome out = Get("http://example.invalid/path?q=1", options);
  ASSERT_TRUE(out.ok()) << out.error_message;
  EXPECT_TRUE(out.facts.via_proxy);
  EXPECT_TRUE(StartsWith(proxy.requests().at(0).head,
                         "GET http://example.invalid/path?q=1 HTTP/1.1\r\n"
                         "Host: example.invalid\r\n"));
}

TEST_F(HttpClientTest, ProxyFailuresAreProxy) {
  LoopbackServer refusing(LoopbackServer::ConnectProxy("HTTP/1.1 403 Forbidden"));
  HttpClientOptions options = Options();
  options.proxy = "http://127.0.0.1:" + std::to_string(refusing.port());
  HttpOutcome out = Get("https://outlook.office365.com/", options);
  EXPECT_EQ(out.error, Reason::kProxy);
  EXPECT_EQ(out.error_message,
            "proxy 127.0.0.1:" + std::to_string(refusing.port()) +
                " refused CONNECT outlook.office365.com:443: HTTP 403 Forbidden");
  EXPECT_TRUE(out.facts.via_proxy);

  const std::uint16_t closed = testing::UnusedPort();
  options.proxy = "http://127.0.0.1:" + std::to_string(closed);
  out = Get("https://outlook.office365.com/", options);
  EXPECT_EQ(out.error, Reason::kProxy);
  EXPECT_EQ(out.error_message, "connection refused by proxy 127.0.0.1:" + std::to_string(closed));
}

TEST_F(HttpClientTest, ProxyCredentialsGoOnTheConnectOnly) {
  LoopbackServer target(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  testing::TestProxy proxy({"FABRIKAM\\probe", "pr0xy-s3cret", target.port()});
  HttpClientOptions options = Options();
  options.proxy = proxy.Url();
  options.proxy_user = "FABRIKAM\\probe";
  // The trailing newline an editor leaves is not part of the password.
  options.proxy_password_file = testing::WriteTempFile("proxy.pass", "pr0xy-s3cret\n");
  HttpOutcome out = Get(target.Url("/PushNotifications", kPushHost), options);
  ASSERT_TRUE(out.ok()) << out.error_message;
  ASSERT_EQ(proxy.connects().size(), 1u);
  EXPECT_EQ(proxy.connects()[0].status, 200);
  EXPECT_EQ(proxy.connects()[0].proxy_authorization,
            testing::BasicCredentials("FABRIKAM\\probe", "pr0xy-s3cret"));
  // Inside the tunnel the origin sees no trace of the proxy's credentials.
  ASSERT_EQ(target.requests().size(), 1u);
  EXPECT_FALSE(Contains(target.requests()[0].head, "Proxy-Authorization"))
      << target.requests()[0].head;
}

TEST_F(HttpClientTest, Proxy407IsProxyAuthWithoutTheCredentials) {
  testing::TestProxy proxy({"alice", "pr0xy-s3cret", testing::UnusedPort()});
  HttpClientOptions options = Options();
  options.proxy = proxy.Url();
  const std::string name = "proxy 127.0.0.1:" + std::to_string(proxy.port());

  HttpOutcome none = Get("https://outlook.office365.com/", options);
  EXPECT_EQ(none.error, Reason::kProxyAuth);
  EXPECT_EQ(none.error_message, "proxy authentication required: " + name +
                                    " answered CONNECT outlook.office365.com:443 with HTTP 407 "
                                    "Proxy Authentication Required; it offers Basic, and no "
                                    "proxy_user is set");
  EXPECT_FALSE(proxy.connects().at(0).proxy_authorization.has_value());

  options.proxy_user = "alice";
  options.proxy_password_file = testing::WriteTempFile("wrong.pass", "wr0ng-pa55\n");
  HttpOutcome wrong = Get("https://outlook.office365.com/", options);
  EXPECT_EQ(wrong.error, Reason::kProxyAuth);
  EXPECT_EQ(wrong.error_message, "proxy authentication failed: " + name +
                                     " refused the credentials of proxy_user and "
                                     "proxy_password_file for CONNECT outlook.office365.com:443 "
                                     "(HTTP 407 Proxy Authentication Required; it offers Basic)");
  EXPECT_EQ(proxy.connects().at(1).proxy_authorization,
            testing::BasicCredentials("alice", "wr0ng-pa55"));
  EXPECT_FALSE(Contains(wrong.error_message, "wr0ng-pa55"));
  EXPECT_FALSE(Contains(wrong.error_message, "alice"));
}

TEST_F(HttpClientTest, UnreadableProxyPasswordFileIsConfigAndNothingIsSent) {
  testing::TestProxy proxy({"alice", "pr0xy-s3cret", testing::UnusedPort()});
  HttpClientOptions options = Options();
  options.proxy = proxy.Url();
  options.proxy_user = "alice";
  options.proxy_password_file = ::testing::TempDir() + "/no-such-proxy.pass";
  HttpOutcome out = Get("https://outlook.office365.com/", options);
  EXPECT_EQ(out.error, Reason::kConfig);
  EXPECT_EQ(out.error_message, "cannot read proxy_password_file " + options.proxy_password_file +
                                   ": No such file or directory");
  EXPECT_TRUE(proxy.connects().empty());
}

TEST_F(HttpClientTest, PeerGoneMidWriteIsNetworkNotSigpipe) {
  // The server resets after the head; a body far beyond the socket buffers
  // makes the client write into a dead connection. SIGPIPE would kill the test.
  auto behaviour = [](ServerConnection& c) {
    std::string head;
    if (c.ReadHead(&head)) c.Reset();
  };
  LoopbackServer plain(behaviour);
  LoopbackServer tls(behaviour, TestPki().Identity(TestPki().push));
  for (const LoopbackServer* server : {&plain, &tls}) {
    HttpClientOptions options = Options();
    options.connect_to.push_back(ConnectTo{kPushHost, 0, "127.0.0.1", 0});
    HttpClient client(options, clock_);
    HttpRequest request;
    request.method = "POST";
    request.url = server->Url("/", kPushHost);
    request.body.assign(32 << 20, 'x');
    HttpOutcome out = client.Send(request, Deadline::After(clock_, 20s));
    EXPECT_EQ(out.error, Reason::kNetwork) << out.error_message;
    EXPECT_TRUE(Contains(out.error_message, "while sending the request")) << out.error_message;
  }
}

TEST_F(HttpClientTest, ConcurrentSendsShareOneClient) {
  LoopbackServer server(LoopbackServer::Respond(kHello), TestPki().Identity(TestPki().push));
  HttpClientOptions options = PushHostOptions();
  HttpClient client(options, clock_);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  threads.reserve(6);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 4; ++i) {
        HttpRequest request;
        request.url = server.Url("/", kPushHost);
        if (client.Send(request, Deadline::After(clock_, 20s)).ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 24);
}

TEST_F(HttpClientTest, BadUrlAndProxyAreConfig) {
  EXPECT_EQ(Get("ftp://example.invalid/", Options()).error, Reason::kConfig);
  HttpClientOptions options = Options();
  options.proxy = "https://127.0.0.1:1";
  EXPECT_EQ(Get("http://127.0.0.1:1/", options).error, Reason::kConfig);
}

TEST(HttpClientConstructionTest, UnreadableCaFileThrowsNamingIt) {
  HttpClientOptions options;
  options.ca_file = "/nonexistent/pushprobe-ca.pem";
  try {
    HttpClient client(options, SystemClock::Instance());
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot read ca_file /nonexistent/pushprobe-ca.pem: No such file or directory");
  }
}

TEST(HttpClientConstructionTest, CaFileWithoutCertificatesSaysSo) {
  HttpClientOptions options;
  options.ca_file = testing::WriteTempFile("not-a-ca.pem", "just text\n");
  try {
    HttpClient client(options, SystemClock::Instance());
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(Contains(e.what(), "ca_file " + options.ca_file + " holds no usable PEM"))
        << e.what();
  }
  options.ca_file = ::testing::TempDir();
  EXPECT_THROW(HttpClient(options, SystemClock::Instance()), std::runtime_error);
}

// The CA file is read through ReadBoundedFile: a FIFO is refused without
// waiting for a writer and a file over the cap is not read, each named.
TEST(HttpClientConstructionTest, CaFileThatIsAFifoOrTooLargeIsRefusedNamingItAndTheCap) {
  const std::string dir =
      ::testing::TempDir() + "pushprobe_ca_file_caps_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  HttpClientOptions options;
  options.ca_file = dir + "/fifo.pem";
  ASSERT_EQ(::mkfifo(options.ca_file.c_str(), 0600), 0);
  auto message = [&options]() -> std::string {
    try {
      HttpClient client(options, SystemClock::Instance());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_EQ(message(), "cannot read ca_file " + options.ca_file +
                           ": is a FIFO (named pipe), not a regular file");
  options.ca_file = dir + "/huge.pem";
  testing::WriteFile(options.ca_file, "");
  ASSERT_EQ(::truncate(options.ca_file.c_str(), kMaxCredentialFileBytes + 1), 0);
  EXPECT_EQ(message(), "cannot read ca_file " + options.ca_file + ": is larger than 4 MiB (" +
                           std::to_string(kMaxCredentialFileBytes + 1) + " bytes)");
  std::filesystem::remove_all(dir);
}

TEST(HttpClientConstructionTest, SystemTrustStoreLoads) {
  EXPECT_NO_THROW(HttpClient(HttpClientOptions{}, SystemClock::Instance()));
}

}  // namespace
}  // namespace pushprobe
