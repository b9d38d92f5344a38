#include "probe/engine/early_requests.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/engine/credential_cache.h"
#include "probe/engine/guid_source.h"
#include "tests/support/silent_host.h"

namespace pushprobe {
namespace {

using namespace std::chrono_literals;
using testing::SilentHost;

// Work sent ahead and never taken (its stage was skipped: the metadata
// failed) is cancelled when the run lets go of it, not waited for until the
// run's deadline: the push service here never answers, whether it holds the
// connection silent or drops the SYN. No helper thread stays busy with it.
TEST(EarlyRequestsTest, WorkNeverTakenIsCancelledAndFreesTheHelperThreads) {
  constexpr Duration kBudget = 20s;
  for (SilentHost::Mode mode : {SilentHost::Mode::kAcceptsTcp, SilentHost::Mode::kDropsSyn}) {
    SCOPED_TRACE(mode == SilentHost::Mode::kAcceptsTcp ? "silent after TCP" : "SYN dropped");
    SilentHost push(mode);
    const Clock& clock = SystemClock::Instance();
    TargetConfig target;
    target.connect_to = {{"outlook.office365.com", 443, "127.0.0.1", push.port()}};
    HttpClientOptions options;
    options.connect_to = target.connect_to;
    HttpClient http(options, clock);
    RandomGuidSource guids;
    CredentialCache credentials;
    ProbeFacts facts;
    const Deadline deadline = Deadline::After(clock, kBudget);
    RunContext context{target,      clock, deadline,   &http, guids,
                       credentials, 1,     RunState{}, facts, HttpConnections{}};
    context.state.publish_url = "https://outlook.office365.com/PushNotifications/api/v1/send";
    HelperThreads threads(2);
    const SteadyTime start = clock.SteadyNow();
    {
      EarlyRequests early(context, threads);
      EXPECT_EQ(threads.busy(), 2u) << "both sent ahead";
      // The first ClientHello is held: a handshake is under way, not yet refused.
      if (mode == SilentHost::Mode::kAcceptsTcp) {
        ASSERT_TRUE(push.WaitForClientBytes(10s));
      }
    }
    EXPECT_LT(clock.SteadyNow() - start, kBudget / 2);
    EXPECT_TRUE(threads.WaitUntilIdle(5s));
    EXPECT_EQ(context.connections.size(), 0u) << "nothing handed over";
  }
}

// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
std::uint16_t RefusingPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  return ntohs(addr.sin_port);
}

// Work sent ahead that has ended when the run lets go of it (every run that
// reaches the publish stage, and this one, refused at once) is not cancelled:
// nothing is left to stop, and the cancellation's eventfd goes back to the
// pool for the next run instead of being closed and made again.
TEST(EarlyRequestsTest, WorkThatEndedIsNotCancelledAndItsEventFdIsReused) {
  const Clock& clock = SystemClock::Instance();
  TargetConfig target;
  target.connect_to = {{"outlook.office365.com", 443, "127.0.0.1", RefusingPort()}};
  HttpClientOptions options;
  options.connect_to = target.connect_to;
  HttpClient http(options, clock);
  RandomGuidSource guids;
  CredentialCache credentials;
  HelperThreads threads(2);
  std::size_t created_before = 0;
  for (int run = 0; run < 4; ++run) {
    if (run == 1) created_before = EventFdPool::Shared().created();
    // Both sent ahead: the last run's threads are back from their tasks.
    ASSERT_TRUE(threads.WaitUntilIdle(5s));
    ProbeFacts facts;
    const Deadline deadline = Deadline::After(clock, 20s);
    RunContext context{target,      clock, deadline,   &http, guids,
                       credentials, 1,     RunState{}, facts, HttpConnections{}};
    context.state.publish_url = "https://outlook.office365.com/PushNotifications/api/v1/send";
    EarlyRequests early(context, threads);
    EXPECT_EQ(early.TakeChallenge().error, Reason::kConnect);
    early.HandOverPublishConnection();
    EXPECT_EQ(context.connections.size(), 1u) << "the failed opening, for the publish request";
  }
  EXPECT_EQ(EventFdPool::Shared().created(), created_before) << "runs 2 to 4 reused run 1's";
}

}  // namespace
}  // namespace pushprobe
