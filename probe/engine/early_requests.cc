#include "probe/engine/early_requests.h"

#include "probe/engine/stages.h"

namespace pushprobe {

EarlyRequests::EarlyRequests(RunContext& context, HelperThreads& threads)
    : context_(context),
      deadline_(context.deadline.CancelledBy(cancellation_)),
      challenge_request_(BuildChallengeRequest(context)) {
  // Only the client, the request and this object's own members (its deadline
  // among them) are touched off the run's thread: the run's facts, state and connections
  // belong to the stages running meanwhile.
  challenge_ahead_ = threads.TryRun([this] {
    const SteadyTime start = context_.clock.SteadyNow();
    // Without the run's connections: the challenge sends Connection: close,
    // so its connection is never kept, and the run's are in use meanwhile.
    HttpOutcome outcome = context_.http->Send(challenge_request_, deadline_);
    std::lock_guard<std::mutex> lock(mu_);
    challenge_ = std::move(outcome);
    challenge_exchange_ = context_.clock.SteadyNow() - start;
    challenge_done_ = true;
    done_.notify_all();
  });
  publish_ahead_ = threads.TryRun([this] {
    context_.http->Preconnect(context_.state.publish_url, deadline_, publish_connection_);
    std::lock_guard<std::mutex> lock(mu_);
    publish_done_ = true;
    done_.notify_all();
  });
}

EarlyRequests::~EarlyRequests() {
  // What was taken has ended already; what was not is not needed: its stage
  // was skipped. Cancelling ends it now (a connect, a handshake or a response
  // still awaited stops, the socket is closed, a DNS lookup is left to finish
  // alone) instead of at the run's deadline, so a run that failed early
  // reports at once and the helper threads are free for the next.
  // When both have ended (the usual run) there is nothing to stop, and not
  // cancelling keeps the eventfd reusable (EventFdPool).
  bool running = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    running = (challenge_ahead_ && !challenge_done_) || (publish_ahead_ && !publish_done_);
  }
  if (running) cancellation_.Cancel();
  if (challenge_ahead_) Wait(challenge_done_);
  if (publish_ahead_) Wait(publish_done_);
}

void EarlyRequests::Wait(const bool& done) {
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return done; });
}

HttpOutcome EarlyRequests::TakeChallenge() {
  if (!challenge_ahead_) {
    return context_.http->Send(challenge_request_, context_.deadline, &context_.connections);
  }
  Wait(challenge_done_);
  return std::move(challenge_);
}

void EarlyRequests::HandOverPublishConnection() {
  if (!publish_ahead_) return;
  Wait(publish_done_);
  context_.connections.Adopt(std::move(publish_connection_));
}

}  // namespace pushprobe
