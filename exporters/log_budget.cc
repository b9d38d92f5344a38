#include "exporters/log_budget.h"

namespace pushprobe::exporter {

LogBudget::LogBudget(const Clock& clock, int burst, Duration window)
    : clock_(clock), burst_(burst), window_(window) {}

LogBudget::Grant LogBudget::Take() {
  const SteadyTime now = clock_.SteadyNow();
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || now - window_start_ >= window_) {
    started_ = true;
    window_start_ = now;
    used_ = 0;
  }
  Grant grant;
  if (used_ >= burst_) {
    ++unlogged_;
    return grant;
  }
  ++used_;
  grant.log = true;
  grant.last = used_ == burst_;
  grant.unlogged = unlogged_;
  unlogged_ = 0;
  return grant;
}

}  // namespace pushprobe::exporter
