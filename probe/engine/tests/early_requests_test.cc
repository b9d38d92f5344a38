#include "probe/engine/early_requests.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pushprobe
