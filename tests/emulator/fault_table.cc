#include "tests/emulator/fault_table.h"

namespace pushprobe::emulator {

void FaultTable::Add(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
}

void FaultTable::Clear() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    faults_.clear();
    ++generation_;
  }
  cv_.notify_all();
}

std::optional<Fault> FaultTable::Take(Stage stage) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->stage != stage) continue;
    Fault fault = *it;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    return fault;
  }
  return std::nullopt;
}

std::vector<Fault> FaultTable::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {faults_.begin(), faults_.end()};
}

FaultTable::WaitResult FaultTable::Wait(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  const std::uint64_t generation = generation_;
  ++waiting_;
  cv_.wait_for(lock, delay, [&] { return stopped_ || generation_ != generation; });
  --waiting_;
  if (stopped_) return WaitResult::kStopped;
  if (generation_ != generation) return WaitResult::kCleared;
  return WaitResult::kElapsed;
}

int FaultTable::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_;
}

void FaultTable::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

void FaultTable::Resume() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = false;
}

}  // namespace pushprobe::emulator
