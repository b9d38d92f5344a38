#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "probe/core/probe_result.h"
#include "probe/core/target_config.h"
#include "probe/engine/credential_cache.h"
#include "probe/engine/guid_source.h"
#include "probe/net/http_client.h"
#include "probe/net/http_client_pool.h"

namespace pushprobe {

/// \brief Told as each stage of a run starts and ends, for a face that shows
/// progress live (the diagnostics command on a terminal). Called on the
/// running thread, in stage order; a stage skipped because an earlier one
/// failed is only finished. Implementations must not throw.
class StageObserver {
 public:
  virtual ~StageObserver() = default;
  virtual void StageStarted(StageId stage) = 0;
  /// \p stage is complete: status, reason, message and duration are final.
  virtual void StageFinished(const StageResult& stage) = 0;
};

/// \brief Runs the enterprise connectivity check against one target.
///
/// Holds an HTTP client for the target (so TLS sessions may be resumed between
/// runs, while every run still verifies the server and fetches a fresh token):
/// its own, or one shared through an HttpClientPool with every target that
/// has the same CA file, connect_to rules and proxy.
/// Run may be called from several threads at once.
class ProbeRunner {
 public:
  /// A runner with its own HTTP client. \p clock and \p guids must outlive
  /// the runner. Never throws: a CA file that cannot be loaded makes every run
  /// fail its configuration stage.
  ProbeRunner(TargetConfig target, const Clock& clock, GuidSource& guids);
  /// A runner whose HTTP client comes from \p clients (shared with equal
  /// targets; the pool need not outlive the runner). Otherwise as above.
  ProbeRunner(TargetConfig target, const Clock& clock, GuidSource& guids, HttpClientPool& clients);
  /// As above, sharing \p target (non-null) with the caller instead of
  /// copying it: an exporter with thousands of targets keeps one copy each.
  ProbeRunner(std::shared_ptr<const TargetConfig> target, const Clock& clock, GuidSource& guids,
              HttpClientPool& clients);
  ~ProbeRunner();

  /// Runs every stage in order within one deadline: the target's timeout, or
  /// \p budget when that is shorter. Failures are data in the result; this
  /// never throws. \p observer, when given, hears each stage start and end.
  ProbeResult Run(std::optional<Duration> budget = std::nullopt, StageObserver* observer = nullptr);

  const TargetConfig& target() const { return *target_; }

 private:
  std::shared_ptr<const TargetConfig> target_;
  const Clock& clock_;
  GuidSource& guids_;
  // An exporter keeps one runner per target, 50,000 of them, so what every
  // runner would hold alike is shared: the HTTP client comes from a pool, the
  // error of a client that could not be made (the same for every target of
  // that CA file) is interned, and the credential cache is a handle on the
  // process-wide one.
  std::shared_ptr<HttpClient> http_;
  SharedString http_error_;
  CredentialCache credentials_;
  std::atomic<int> sequence_{0};
};

/// Fills result type, failing stage, category, Error and Exception from the
/// stage results (exposed for tests of the mapping).
void Summarize(ProbeResult& result);

}  // namespace pushprobe
