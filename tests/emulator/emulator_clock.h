#pragma once

#include <atomic>
#include <chrono>

#include "probe/core/clock.h"

namespace pushprobe::emulator {

/// \brief The emulator's notion of "now": a base clock plus an adjustable offset.
///
/// The offset simulates a service whose clock disagrees with the probe's host;
/// it moves token validation, issued claims and the Date header together.
/// Thread-safe.
class EmulatorClock final : public pushprobe::Clock {
 public:
  /// \p base must outlive this clock.
  explicit EmulatorClock(const pushprobe::Clock& base = pushprobe::SystemClock::Instance(),
                         std::chrono::seconds offset = std::chrono::seconds{0});

  WallTime Now() const override;
  SteadyTime SteadyNow() const override { return base_.SteadyNow(); }

  void SetOffset(std::chrono::seconds offset);
  std::chrono::seconds offset() const;

 private:
  const pushprobe::Clock& base_;
  std::atomic<long long> offset_seconds_;
};

}  // namespace pushprobe::emulator
