#include "exporters/probe_limiter.h"

namespace pushprobe::exporter {

ProbeLimiter::Outcome ProbeLimiter::Run(const std::string& target,
                                        const std::function<std::optional<ProbeResult>()>& run) {
  std::shared_ptr<Flight> flight;
  {
    std::unique_lock<std::mutex> lock(mu_);
    const SteadyTime now = clock_.SteadyNow();
    auto it = entries_.find(target);
    if (it != entries_.end() && it->second.flight) {
      std::shared_ptr<Flight> running = it->second.flight;
      ++stats_.shared;
      done_.wait(lock, [&] { return running->done; });
      return Outcome{Source::kShared, running->result, Duration::zero()};
    }
    if (it != entries_.end() && it->second.last && options_.min_interval > Duration::zero() &&
        now - it->second.last_end < options_.min_interval) {
      ++stats_.recent;
      return Outcome{Source::kRecent, it->second.last, now - it->second.last_end};
    }
    if (stats_.in_flight >= options_.max_concurrent) {
      ++stats_.rejected;
      return Outcome{Source::kRejected, nullptr, Duration::zero()};
    }
    ForgetOld(now);
    flight = std::make_shared<Flight>();
    entries_[target].flight = flight;
    ++stats_.in_flight;
    ++stats_.ran;
  }
  std::shared_ptr<const ProbeResult> result;
  try {
    if (std::optional<ProbeResult> ran = run()) {
      result = std::make_shared<const ProbeResult>(std::move(*ran));
    }
  } catch (...) {
    // The run function never throws (ExporterBackend::RunProbe promises it);
    // should one, waiters must not wait for ever.
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    --stats_.in_flight;
    flight->done = true;
    flight->result = result;
    Entry& entry = entries_[target];
    entry.flight.reset();
    if (result) {
      entry.last = result;
      entry.last_end = clock_.SteadyNow();
    } else {
      entries_.erase(target);  // not a target: nothing to remember
    }
  }
  done_.notify_all();
  return Outcome{Source::kRan, std::move(result), Duration::zero()};
}

void ProbeLimiter::ForgetOld(SteadyTime now) {
  // Bounded by the configured targets anyway (unknown names are never kept);
  // this drops the results of targets removed by a reload.
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.flight && now - it->second.last_end >= options_.min_interval) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

ProbeLimiter::Stats ProbeLimiter::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace pushprobe::exporter
