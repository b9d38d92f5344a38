#include "probe/net/http_client_pool.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "probe/net/tests/loopback_server.h"
#include "tests/support/test_pki.h"

namespace pushprobe {
namespace {

const std::string& CaPem() {
  static const std::string* pem = new std::string(testing::TestCa::Create().root().cert_pem);
  return *pem;
}

HttpClientOptions WithCa(const std::string& ca_file) {
  HttpClientOptions options;
  options.ca_file = ca_file;
  options.connect_to = {{"outlook.office365.com", 443, "127.0.0.1", 8443}};
  return options;
}

TEST(HttpClientPoolTest, EqualOptionsShareOneClient) {
  HttpClientPool pool(SystemClock::Instance());
  const std::string ca = testing::WriteTempFile("pool-ca-a.pem", CaPem());
  auto a = pool.Get(WithCa(ca));
  auto b = pool.Get(WithCa(ca));
  EXPECT_EQ(a, b);
  EXPECT_EQ(pool.size(), 1u);
}

TEST(HttpClientPoolTest, DifferentOptionsGetDifferentClients) {
  HttpClientPool pool(SystemClock::Instance());
  const std::string ca = testing::WriteTempFile("pool-ca-b.pem", CaPem());
  auto base = pool.Get(WithCa(ca));
  HttpClientOptions other_route = WithCa(ca);
  other_route.connect_to[0].connect_port = 9443;
  HttpClientOptions proxied = WithCa(ca);
  proxied.proxy = "http://127.0.0.1:3128";
  HttpClientOptions no_resume = WithCa(ca);
  no_resume.reuse_tls_sessions = false;
  EXPECT_NE(pool.Get(other_route), base);
  EXPECT_NE(pool.Get(proxied), base);
  EXPECT_NE(pool.Get(no_resume), base);
  // Each offer is a TLS context of its own (and a session cache of its own:
  // a session is resumed only by the offer that made it).
  HttpClientOptions windows = WithCa(ca);
  windows.tls_profile = TlsProfile::kWindows2016;
  HttpClientOptions ciphers = windows;
  ciphers.tls_ciphers = {"TLS_RSA_WITH_AES_128_CBC_SHA"};
  EXPECT_NE(pool.Get(windows), base);
  EXPECT_NE(pool.Get(ciphers), pool.Get(windows));
  EXPECT_NE(pool.Get(WithCa(testing::WriteTempFile("pool-ca-c.pem", CaPem()))), base);
}

TEST(HttpClientPoolTest, ClientLivesOnlyWhileUsed) {
  HttpClientPool pool(SystemClock::Instance());
  const std::string ca = testing::WriteTempFile("pool-ca-d.pem", CaPem());
  auto a = pool.Get(WithCa(ca));
  EXPECT_EQ(pool.size(), 1u);
  a.reset();
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_NE(pool.Get(WithCa(ca)), nullptr);
}

TEST(HttpClientPoolTest, ChangedCaFileGetsANewClient) {
  HttpClientPool pool(SystemClock::Instance());
  const std::string ca = testing::WriteTempFile("pool-ca-e.pem", CaPem());
  const std::string before = HttpClientPool::Key(WithCa(ca));
  testing::WriteFile(ca, CaPem() + CaPem());
  EXPECT_NE(HttpClientPool::Key(WithCa(ca)), before);
}

TEST(HttpClientPoolTest, UnloadableCaFileThrows) {
  HttpClientPool pool(SystemClock::Instance());
  EXPECT_THROW(pool.Get(WithCa("/nonexistent/pushprobe-pool-ca.pem")), std::runtime_error);
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace pushprobe
