#pragma once

#include <cstdint>
#include <mutex>

#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief Bounds the log lines a class of events may write: at most `burst`
/// in each `window`, so a client sending a flood of bad requests cannot fill
/// the disk or bury the lines an operator needs.
///
/// Each line that would be written first calls Take(). The last line a
/// window allows says so (`last`), so the log tells a reader that lines are
/// missing; the first line of a later window carries how many were not
/// written (`unlogged`). Thread-safe.
class LogBudget {
 public:
  struct Grant {
    bool log = false;            ///< write the line
    bool last = false;           ///< the window's last line: say that more are dropped
    std::uint64_t unlogged = 0;  ///< lines dropped since the last one written
  };

  /// \p clock must outlive the budget.
  LogBudget(const Clock& clock, int burst, Duration window);

  Grant Take();

 private:
  const Clock& clock_;
  const int burst_;
  const Duration window_;
  std::mutex mu_;
  SteadyTime window_start_{};
  bool started_ = false;
  int used_ = 0;
  std::uint64_t unlogged_ = 0;
};

}  // namespace pushprobe::exporter
