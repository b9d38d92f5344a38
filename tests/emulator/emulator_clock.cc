#include "tests/emulator/emulator_clock.h"

namespace pushprobe::emulator {

EmulatorClock::EmulatorClock(const pushprobe::Clock& base, std::chrono::seconds offset)
    : base_(base), offset_seconds_(offset.count()) {}

WallTime EmulatorClock::Now() const {
  return base_.Now() + std::chrono::seconds{offset_seconds_.load(std::memory_order_relaxed)};
}

void EmulatorClock::SetOffset(std::chrono::seconds offset) {
  offset_seconds_.store(offset.count(), std::memory_order_relaxed);
}

std::chrono::seconds EmulatorClock::offset() const {
  return std::chrono::seconds{offset_seconds_.load(std::memory_order_relaxed)};
}

}  // namespace pushprobe::emulator
