#pragma once

#include <chrono>
#include <mutex>

namespace pushprobe {

using Duration = std::chrono::nanoseconds;
using WallTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

/// \brief Source of time for everything that measures or schedules.
///
/// Injected so tests control time exactly; production code uses SystemClock.
/// Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Wall-clock time, for timestamps, certificate validity and JWT claims.
  virtual WallTime Now() const = 0;
  /// Monotonic time, for durations and deadlines.
  virtual SteadyTime SteadyNow() const = 0;
};

/// \brief The real clocks of the machine.
class SystemClock final : public Clock {
 public:
  WallTime Now() const override { return std::chrono::system_clock::now(); }
  SteadyTime SteadyNow() const override { return std::chrono::steady_clock::now(); }
  /// A process-wide instance; SystemClock has no state.
  static const SystemClock& Instance() {
    static const SystemClock kInstance;
    return kInstance;
  }
};

/// \brief A clock that moves only when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime wall = WallTime{std::chrono::seconds{1764069656}})
      : wall_(wall), steady_(SteadyTime{std::chrono::hours{1}}) {}
  WallTime Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return wall_;
  }
  SteadyTime SteadyNow() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return steady_;
  }
  /// Moves both clocks forward by \p d.
  void Advance(Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
    steady_ += d;
  }
  void SetWall(WallTime wall) {
    std::lock_guard<std::mutex> lock(mu_);
    wall_ = wall;
  }

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  SteadyTime steady_;
};

/// Seconds as a double, the unit every rendering uses.
inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }

/// Seconds since the Unix epoch.
inline double ToUnixSeconds(WallTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace pushprobe
