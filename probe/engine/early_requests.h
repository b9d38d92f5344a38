#pragma once

#include <condition_variable>
#include <mutex>

#include "probe/core/cancellation.h"
#include "probe/core/deadline.h"
#include "probe/engine/helper_threads.h"
#include "probe/engine/run_context.h"
#include "probe/net/http_client.h"

namespace pushprobe {

/// \brief What a concurrent run (Concurrency::kConcurrent) does ahead of stage
/// order, beside the metadata request on the run's own thread: it sends the
/// challenge request (to the push service, which needs nothing from the
/// metadata) and opens the publish connection, so only the publish request
/// itself remains when the token arrives. 6 round trips at TLS 1.2 instead of
/// 12, 5 with resumed sessions.
///
/// Nothing here judges or reports: the runner takes the challenge's outcome
/// and the publish connection in stage order, and the stages record and judge
/// them as they would their own, so results, timings, skips and attribution
/// are those of a sequential run. What is never taken (a skipped stage) is
/// dropped: the connection closed, a failure to open it unreported. What is
/// still running then is cancelled, not waited for: a run whose metadata
/// failed at once reports at once, whatever the push service does.
///
/// Work goes to \p threads only when a thread is idle; otherwise the challenge
/// is sent in stage order on the run's thread and the publish connection is
/// opened by the publish request, as a sequential run does.
class EarlyRequests {
 public:
  /// Starts both. \p context must have the publish URL (the configuration
  /// stage ran) and outlive this object.
  EarlyRequests(RunContext& context, HelperThreads& threads);
  /// Cancels work still running on a helper thread (it was never taken, so its
  /// stage is skipped) and waits for it to stop, which it does at once.
  ~EarlyRequests();
  EarlyRequests(const EarlyRequests&) = delete;
  EarlyRequests& operator=(const EarlyRequests&) = delete;

  /// The challenge's outcome, waiting for it when it was sent ahead, sending it
  /// now when no thread was free. Call once.
  HttpOutcome TakeChallenge();
  /// How long the challenge's exchange took when it was sent ahead; zero otherwise.
  Duration challenge_exchange() const { return challenge_exchange_; }

  /// Waits for the publish connection opened ahead and hands it (or the failure
  /// to open it) to the run's connections, where the publish request finds it.
  void HandOverPublishConnection();

 private:
  void Wait(const bool& done);

  RunContext& context_;
  Cancellation cancellation_;
  Deadline deadline_;  ///< the run's, ended early by cancellation_
  HttpRequest challenge_request_;
  HttpOutcome challenge_;
  HttpConnections publish_connection_;
  Duration challenge_exchange_{};
  bool challenge_ahead_ = false;
  bool publish_ahead_ = false;
  std::mutex mu_;
  std::condition_variable done_;
  bool challenge_done_ = false;
  bool publish_done_ = false;
};

}  // namespace pushprobe
