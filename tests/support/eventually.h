#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace pushprobe::testing {

/// Whether \p condition holds within \p limit, checked every 2 ms: for a state
/// another thread reaches (a server's counter or gauge) that has no event to
/// wait on. The limit is a bound against a hang, never the expected time, so it
/// is generous: under the sanitizers at load 20 a 50 ms race fails, 10 s does not.
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

}  // namespace pushprobe::testing
