#pragma once

#include <algorithm>

#include "probe/core/clock.h"

namespace pushprobe {

/// \brief The point in monotonic time by which a run must finish.
///
/// One deadline is created per run and handed down to every stage and socket,
/// so nothing can block past it.
class Deadline {
 public:
  Deadline(const Clock& clock, SteadyTime at) : clock_(&clock), at_(at) {}
  static Deadline After(const Clock& clock, Duration budget) {
    return Deadline(clock, clock.SteadyNow() + budget);
  }

  /// Time left, never negative.
  Duration Remaining() const { return std::max(Duration::zero(), at_ - clock_->SteadyNow()); }
  bool Expired() const { return clock_->SteadyNow() >= at_; }
  /// Milliseconds left for poll(2), at least 0, rounded up so a poll never spins.
  int RemainingMillis() const {
    auto ns = Remaining().count();
    return static_cast<int>(std::min<long long>((ns + 999999) / 1000000, 1 << 30));
  }
  /// The earlier of this deadline and now + \p budget.
  Deadline Within(Duration budget) const {
    return Deadline(*clock_, std::min(at_, clock_->SteadyNow() + budget));
  }
  SteadyTime At() const { return at_; }
  const Clock& clock() const { return *clock_; }

 private:
  const Clock* clock_;
  SteadyTime at_;
};

}  // namespace pushprobe
