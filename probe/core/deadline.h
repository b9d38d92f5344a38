#pragma once

#include <algorithm>

#include "probe/core/cancellation.h"
#include "probe/core/clock.h"

namespace pushprobe {

/// \brief The point in monotonic time by which a run must finish.
///
/// One deadline is created per run and handed down to every stage and socket,
/// so nothing can block past it. A copy may also end early, when a
/// Cancellation it carries is cancelled (CancelledBy).
class Deadline {
 public:
  Deadline(const Clock& clock, SteadyTime at) : clock_(&clock), at_(at) {}
  static Deadline After(const Clock& clock, Duration budget) {
    return Deadline(clock, clock.SteadyNow() + budget);
  }

  /// This deadline, also passed from the moment \p cancellation is cancelled
  /// (which must outlive the copy and every wait bounded by it).
  Deadline CancelledBy(const Cancellation& cancellation) const {
    Deadline copy = *this;
    copy.cancellation_ = &cancellation;
    return copy;
  }
  /// The cancellation that ends this deadline early, or nullptr.
  const Cancellation* cancellation() const { return cancellation_; }

  /// Time left, never negative; zero once cancelled.
  Duration Remaining() const {
    if (Cancelled()) return Duration::zero();
    return std::max(Duration::zero(), at_ - clock_->SteadyNow());
  }
  bool Expired() const { return Cancelled() || clock_->SteadyNow() >= at_; }
  /// Milliseconds left for poll(2), at least 0, rounded up so a poll never spins.
  int RemainingMillis() const {
    auto ns = Remaining().count();
    return static_cast<int>(std::min<long long>((ns + 999999) / 1000000, 1 << 30));
  }
  /// The earlier of this deadline and now + \p budget.
  Deadline Within(Duration budget) const {
    Deadline within(*clock_, std::min(at_, clock_->SteadyNow() + budget));
    within.cancellation_ = cancellation_;
    return within;
  }
  SteadyTime At() const { return at_; }
  const Clock& clock() const { return *clock_; }

 private:
  bool Cancelled() const { return cancellation_ != nullptr && cancellation_->cancelled(); }

  const Clock* clock_;
  SteadyTime at_;
  const Cancellation* cancellation_ = nullptr;
};

}  // namespace pushprobe
