#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "probe/core/clock.h"
#include "probe/core/probe_result.h"

namespace pushprobe::exporter {

/// \brief Bounds the on-demand runs that `/probe` starts.
///
/// Every on-demand run signs an assertion and asks the organisation's token
/// service for a token, so without a bound the exporter amplifies whoever can
/// reach its port. Two limits apply:
/// - at most `max_concurrent` runs in flight at once; past that a request is
///   rejected (the router answers 429 with Retry-After);
/// - at most one run per target every `min_interval`: a request for a target
///   whose run is in flight waits for that run and shares its result, and one
///   within `min_interval` of the last run's end gets that result again.
/// Thread-safe.
class ProbeLimiter {
 public:
  struct Options {
    std::size_t max_concurrent = 8;
    Duration min_interval = std::chrono::seconds(5);
  };

  enum class Source {
    kRan,       ///< this request ran the target
    kShared,    ///< waited for the run another request had started
    kRecent,    ///< the result of a run that ended less than min_interval ago
    kRejected,  ///< max_concurrent runs were in flight
  };

  struct Outcome {
    Source source = Source::kRan;
    /// The run's result; null when the run function returned none (an
    /// unknown target) or the request was rejected. One object, shared by
    /// every request that gets it: a result is about 200 allocations to copy.
    std::shared_ptr<const ProbeResult> result;
    Duration age{};  ///< kRecent: time since that run ended
  };

  struct Stats {
    std::uint64_t ran = 0;
    std::uint64_t shared = 0;
    std::uint64_t recent = 0;
    std::uint64_t rejected = 0;
    std::size_t in_flight = 0;
  };

  /// \p clock must outlive the limiter.
  ProbeLimiter(Options options, const Clock& clock) : options_(options), clock_(clock) {}

  /// Runs \p run for \p target on the calling thread, or shares or reuses a
  /// result, or rejects, as the limits say. \p run returning nullopt (no such
  /// target) is passed on and not remembered.
  Outcome Run(const std::string& target, const std::function<std::optional<ProbeResult>()>& run);

  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  struct Flight {
    bool done = false;
    std::shared_ptr<const ProbeResult> result;
  };
  struct Entry {
    std::shared_ptr<Flight> flight;  ///< the run in flight, if any
    std::shared_ptr<const ProbeResult> last;
    SteadyTime last_end{};
  };

  void ForgetOld(SteadyTime now);

  const Options options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, Entry> entries_;
  Stats stats_;
};

}  // namespace pushprobe::exporter
