#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "probe/core/clock.h"
#include "probe/net/http_date.h"
#include "probe/net/resolver.h"
#include "probe/net/response_parser.h"

namespace pushprobe::net_internal {
namespace {

using namespace std::chrono_literals;

ResponseParser FeedAll(std::string_view text, std::size_t max_body = 1 << 20, bool eof = true,
                       std::size_t piece = 0) {
  ResponseParser parser(false, max_body);
  if (piece == 0) {
    parser.Feed(text);
  } else {
    for (std::size_t i = 0; i < text.size(); i += piece) parser.Feed(text.substr(i, piece));
  }
  if (eof) parser.FinishAtEof();
  return parser;
}

TEST(ResponseParserTest, ContentLengthBodyInAnyPieces) {
  const std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  for (std::size_t piece : {0, 1, 3, 7}) {
    ResponseParser p = FeedAll(text, 1 << 20, /*eof=*/false, piece);
    ASSERT_TRUE(p.done()) << piece;
    EXPECT_EQ(p.response().status, 200);
    EXPECT_EQ(p.response().reason_phrase, "OK");
    EXPECT_EQ(p.response().body, "hello");
  }
}

TEST(ResponseParserTest, HeadersKeepOrderDuplicatesAndJoinFolding) {
  ResponseParser p = FeedAll(
      "HTTP/1.1 401 Unauthorized\r\n"
      "WWW-Authenticate: Bearer client_id=\"x\",\r\n"
      "\t trusted_issuers=\"y\"\r\n"
      "Set-Cookie: a=1\r\n"
      "set-cookie: b=2\r\n"
      "Content-Length: 0\r\n\r\n",
      1 << 20, false);
  ASSERT_TRUE(p.done()) << p.error();
  const HttpHeaders& h = p.response().headers;
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].second, "Bearer client_id=\"x\", trusted_issuers=\"y\"");
  EXPECT_EQ(h[1].second, "a=1");
  EXPECT_EQ(h[2].second, "b=2");
  EXPECT_EQ(p.response().Header("SET-COOKIE"), "a=1");
  EXPECT_EQ(p.response().Header("www-authenticate"), h[0].second);
  EXPECT_FALSE(p.response().Header("Location").has_value());
}

TEST(ResponseParserTest, ChunkedWithExtensionsAndTrailers) {
  ResponseParser p = FeedAll(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n"
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
      1 << 20, false, 2);
  ASSERT_TRUE(p.done()) << p.error();
  EXPECT_EQ(p.response().body, "hello world");
}

TEST(ResponseParserTest, InterimResponsesAreSkipped) {
  ResponseParser p =
      FeedAll("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
              1 << 20, false);
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.response().status, 204);
  EXPECT_EQ(p.response().body, "");
}

TEST(ResponseParserTest, ReadToCloseAndBareLf) {
  ResponseParser p = FeedAll("HTTP/1.0 200 OK\nServer: x\n\nall of it");
  ASSERT_TRUE(p.done()) << p.error();
  EXPECT_EQ(p.response().body, "all of it");
  EXPECT_EQ(p.response().Header("server"), "x");
}

TEST(ResponseParserTest, ReusableOnlyWhenFramedHttp11WithoutCloseAndNothingAfter) {
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  EXPECT_TRUE(FeedAll(ok, 1 << 20, false).reusable());
  EXPECT_TRUE(
      FeedAll("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 1 << 20, false)
          .reusable());
  EXPECT_TRUE(FeedAll("HTTP/1.1 204 No Content\r\n\r\n", 1 << 20, false).reusable());
  EXPECT_TRUE(FeedAll("HTTP/1.1 401 Unauthorized\r\nConnection: keep-alive\r\n"
                      "Content-Length: 0\r\n\r\n",
                      1 << 20, false)
                  .reusable());

  // Not complete yet.
  EXPECT_FALSE(FeedAll(ok.substr(0, ok.size() - 1), 1 << 20, false).reusable());
  // Ended by the peer closing.
  EXPECT_FALSE(FeedAll("HTTP/1.1 200 OK\r\n\r\nall of it").reusable());
  // HTTP/1.0 closes unless it negotiates otherwise; this client does not.
  EXPECT_FALSE(FeedAll("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 1 << 20, false).reusable());
  // The server says it will close, in any case and among other tokens.
  EXPECT_FALSE(FeedAll("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\n"
                       "Content-Length: 0\r\n\r\n",
                       1 << 20, false)
                   .reusable());
  // Bytes after the response, in the same read or a later one.
  EXPECT_FALSE(FeedAll(ok + "HTTP/1.1", 1 << 20, false).reusable());
  ResponseParser later = FeedAll(ok, 1 << 20, false);
  later.Feed("x");
  EXPECT_FALSE(later.reusable());
  // Failed.
  EXPECT_FALSE(FeedAll("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort").reusable());
}

struct FailureCase {
  std::string name;
  std::string text;
  std::size_t max_body;
  std::string error;
};

class ResponseParserFailureTest : public ::testing::TestWithParam<FailureCase> {};

TEST_P(ResponseParserFailureTest, FailsWithExactMessage) {
  ResponseParser p = FeedAll(GetParam().text, GetParam().max_body);
  ASSERT_TRUE(p.failed());
  EXPECT_EQ(p.error(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ResponseParserFailureTest,
    ::testing::Values(
        FailureCase{"Garbage", "SSH-2.0-OpenSSH_9.6\r\n", 1 << 20,
                    "malformed status line \"SSH-2.0-OpenSSH_9.6\""},
        FailureCase{"BadCode", "HTTP/1.1 2x0 OK\r\n\r\n", 1 << 20,
                    "malformed status line \"HTTP/1.1 2x0 OK\""},
        FailureCase{"Empty", "", 1 << 20, "connection closed before any response"},
        FailureCase{"HalfHead", "HTTP/1.1 200 OK\r\nDate", 1 << 20,
                    "truncated response head: connection closed after 21 bytes"},
        FailureCase{"TruncatedLength", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
                    1 << 20, "truncated body: got 10 of 100 bytes"},
        FailureCase{"TruncatedChunk",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\na\r\nabc",
                    1 << 20, "truncated body: got 8 of 15 bytes (mid-chunk)"},
        FailureCase{"NoLastChunk",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", 1 << 20,
                    "truncated body: chunked body ended after 5 bytes without its last chunk"},
        FailureCase{"LengthOverBound", "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n",
                    1 << 20, "response body exceeds 1048576 bytes"},
        FailureCase{"ChunkOverBound",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n"
                    "8\r\n12345678\r\n0\r\n\r\n",
                    10, "response body exceeds 10 bytes"},
        FailureCase{"CloseOverBound", "HTTP/1.1 200 OK\r\n\r\n12345678901", 10,
                    "response body exceeds 10 bytes"},
        FailureCase{"ConflictingLength",
                    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
                    1 << 20, "invalid Content-Length \"6\""},
        FailureCase{"BadChunkSize", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                    1 << 20, "malformed chunk size \"zz\""},
        FailureCase{"BadHeader", "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", 1 << 20,
                    "malformed header line \"No colon here\""},
        FailureCase{"HugeHead", "HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a'), 1 << 20,
                    "response header block exceeds 65536 bytes"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(HttpDateTest, AcceptsTheThreeFormsOfRfc7231) {
  const WallTime expected{std::chrono::seconds{784111777}};  // 1994-11-06 08:49:37 UTC
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), expected);
  EXPECT_EQ(ParseHttpDate("Tue, 25 Nov 2025 11:20:56 GMT"),
            WallTime{std::chrono::seconds{1764069656}});
}

TEST(HttpDateTest, RejectsGarbage) {
  for (const char* text :
       {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 CET", "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "1764069656"}) {
    EXPECT_FALSE(ParseHttpDate(text).has_value()) << text;
  }
}

// A lookup that blocks until released, standing in for a resolver that hangs.
struct BlockingLookup {
  std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  bool released = false;
  bool finished = false;
  void Release() {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
  }
  void AwaitFinished() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return finished; });
  }
};

TEST(ResolverTest, TimesOutAtTheDeadlineAndLeavesTheLookupRunning) {
  auto blocker = std::make_shared<BlockingLookup>();
  LookupFunction lookup = [blocker](const std::string&, std::uint16_t) {
    std::unique_lock<std::mutex> lock(blocker->mu);
    blocker->cv.wait(lock, [&] { return blocker->released; });
    blocker->finished = true;
    blocker->cv.notify_all();
    return LookupResult{};
  };
  const Clock& clock = SystemClock::Instance();
  const SteadyTime start = clock.SteadyNow();
  std::vector<ResolvedAddress> out;
  NetStatus status = Resolve("slow.example", 443, Deadline::After(clock, 150ms), lookup, &out);
  const auto took = clock.SteadyNow() - start;
  EXPECT_EQ(status.reason, Reason::kDns);
  EXPECT_EQ(status.message.rfind("DNS lookup of slow.example timed out after ", 0), 0u)
      << status.message;
  EXPECT_GE(took, 140ms);
  EXPECT_LT(took, 5s);
  blocker->Release();
  blocker->AwaitFinished();
}

// A caller whose deadline is cancelled stops waiting for a lookup at once;
// the lookup, which cannot be stopped, finishes alone on its thread.
TEST(ResolverTest, CancelledDeadlineStopsTheWaitAndLeavesTheLookupRunning) {
  auto blocker = std::make_shared<BlockingLookup>();
  LookupFunction lookup = [blocker](const std::string&, std::uint16_t) {
    std::unique_lock<std::mutex> lock(blocker->mu);
    blocker->started = true;
    blocker->cv.notify_all();
    blocker->cv.wait(lock, [&] { return blocker->released; });
    blocker->finished = true;
    blocker->cv.notify_all();
    return LookupResult{};
  };
  const Clock& clock = SystemClock::Instance();
  constexpr auto kBudget = 20s;
  Cancellation cancellation;
  const SteadyTime start = clock.SteadyNow();
  std::vector<ResolvedAddress> out;
  NetStatus status = NetStatus::Ok();
  std::thread caller([&] {
    status = Resolve("silent.example", 443,
                     Deadline::After(clock, kBudget).CancelledBy(cancellation), lookup, &out);
  });
  {
    std::unique_lock<std::mutex> lock(blocker->mu);
    blocker->cv.wait(lock, [&] { return blocker->started; });
  }
  cancellation.Cancel();
  caller.join();
  EXPECT_LT(clock.SteadyNow() - start, kBudget / 2);
  EXPECT_EQ(status.reason, Reason::kDns);
  EXPECT_TRUE(out.empty());
  blocker->Release();
  blocker->AwaitFinished();
}

// A resolver that never answers: each lookup blocks until the test ends it.
// Counts the lookups that ran and those still running.
struct SilentResolver {
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  int ran = 0;
  int running = 0;
  LookupFunction Lookup() {
    return [this](const std::string&, std::uint16_t) {
      std::unique_lock<std::mutex> lock(mu);
      ++ran;
      ++running;
      cv.notify_all();
      cv.wait(lock, [&] { return released; });
      --running;
      cv.notify_all();
      LookupResult r;
      Resolve("192.0.2.1", 443, Deadline::After(SystemClock::Instance(), 1s), nullptr,
              &r.addresses);
      return r;
    };
  }
  void AwaitRunning(int n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return running == n; });
  }
  // Ends every lookup and waits until none runs, so nothing outlives the test.
  void ReleaseAndDrain() {
    std::unique_lock<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
    cv.wait(lock, [&] { return running == 0; });
  }
};

int ThreadsOfThisProcess() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// Issue 10, finding 5: a thread per lookup took a silent resolver and 50
// targets to 299 threads. 1,024 lookups from 32 runs at once on a pool of 8
// keep the process under 64 threads, and each one fails as dns by its deadline.
TEST(ResolverTest, ASilentResolverKeepsThreadsBoundedAndEachLookupTimesOutAsDns) {
  if (ThreadsOfThisProcess() < 0) GTEST_SKIP() << "no /proc/self/status to count threads";
  SilentResolver silent;
  const LookupFunction lookup = silent.Lookup();
  ResolverPool pool(kSharedResolverThreads);
  constexpr int kCallers = 32;
  constexpr int kLookupsEach = 32;
  constexpr auto kBudget = 30ms;
  std::atomic<int> peak_threads{0};
  std::atomic<int> dns_failures{0};
  std::atomic<int> late{0};
  std::mutex failures_mu;
  std::vector<std::string> unexpected;
  std::vector<std::thread> callers;
  callers.reserve(kCallers);
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int i = 0; i < kLookupsEach; ++i) {
        const Clock& clock = SystemClock::Instance();
        const Deadline deadline = Deadline::After(clock, kBudget);
        std::vector<ResolvedAddress> out;
        const std::string host = "t" + std::to_string(c * kLookupsEach + i) + ".example";
        NetStatus status = pool.Resolve(host, 443, deadline, lookup, &out);
        // A loaded machine may wake a caller late; a lookup that waited for
        // its own end would be seconds late.
        if (clock.SteadyNow() - deadline.At() > 500ms) ++late;
        if (status.reason == Reason::kDns &&
            status.message.rfind("DNS lookup of " + host + " timed out after ", 0) == 0) {
          ++dns_failures;
        } else {
          std::lock_guard<std::mutex> lock(failures_mu);
          unexpected.push_back(std::string(ReasonName(status.reason)) + ": " + status.message);
        }
        int now = ThreadsOfThisProcess();
        int seen = peak_threads.load();
        while (now > seen && !peak_threads.compare_exchange_weak(seen, now)) {
        }
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(dns_failures.load(), kCallers * kLookupsEach);
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  EXPECT_EQ(late.load(), 0);
  EXPECT_LT(peak_threads.load(), 64);
  const ResolverStats stats = pool.Stats();
  EXPECT_EQ(stats.in_flight, kSharedResolverThreads);
  EXPECT_EQ(stats.waiting, 0u);
  EXPECT_EQ(stats.limit, kSharedResolverThreads);
  silent.ReleaseAndDrain();
  EXPECT_EQ(silent.ran, static_cast<int>(kSharedResolverThreads));
}

TEST(ResolverTest, ALookupThatNeverStartedIsDroppedAndSaysWhy) {
  SilentResolver silent;
  const LookupFunction lookup = silent.Lookup();
  ResolverPool pool(1);
  const Clock& clock = SystemClock::Instance();
  std::vector<ResolvedAddress> out;
  EXPECT_EQ(pool.Resolve("a.example", 443, Deadline::After(clock, 10ms), lookup, &out).reason,
            Reason::kDns);
  silent.AwaitRunning(1);
  NetStatus status = pool.Resolve("b.example", 443, Deadline::After(clock, 10ms), lookup, &out);
  EXPECT_EQ(status.reason, Reason::kDns);
  EXPECT_NE(status.message.find(" waiting for a free lookup slot (1 lookups already in flight)"),
            std::string::npos)
      << status.message;
  EXPECT_EQ(pool.Stats().waiting, 0u);
  silent.ReleaseAndDrain();
  // The slot is free again, and b.example's lookup was never run.
  ASSERT_TRUE(pool.Resolve("c.example", 443, Deadline::After(clock, 5s), lookup, &out).ok());
  EXPECT_EQ(out.at(0).ToString(), "192.0.2.1:443");
  EXPECT_EQ(silent.ran, 2);
}

TEST(ResolverTest, FailureIsDnsWithTheResolverText) {
  LookupFunction lookup = [](const std::string&, std::uint16_t) {
    LookupResult r;
    r.error = "Name or service not known";
    return r;
  };
  std::vector<ResolvedAddress> out;
  NetStatus status =
      Resolve("nowhere.invalid", 443, Deadline::After(SystemClock::Instance(), 5s), lookup, &out);
  EXPECT_EQ(status.reason, Reason::kDns);
  EXPECT_EQ(status.message, "DNS lookup of nowhere.invalid failed: Name or service not known");
}

TEST(ResolverTest, LiteralsBypassTheLookup) {
  std::atomic<bool> called{false};
  LookupFunction lookup = [&called](const std::string&, std::uint16_t) {
    called = true;
    return LookupResult{};
  };
  ManualClock clock;
  std::vector<ResolvedAddress> out;
  ASSERT_TRUE(Resolve("::1", 8443, Deadline::After(clock, 1s), lookup, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToString(), "[::1]:8443");
  ASSERT_TRUE(Resolve("127.0.0.1", 8443, Deadline::After(clock, 1s), lookup, &out).ok());
  EXPECT_EQ(out[0].ToString(), "127.0.0.1:8443");
  EXPECT_FALSE(called);
}

TEST(ResolverTest, SystemLookupResolvesLocalhostFromHostsFile) {
  std::vector<ResolvedAddress> out;
  ASSERT_TRUE(
      Resolve("localhost", 80, Deadline::After(SystemClock::Instance(), 10s), SystemLookup, &out)
          .ok());
  ASSERT_FALSE(out.empty());
}

}  // namespace
}  // namespace pushprobe::net_internal
