#pragma once

#include <chrono>
#include <string>

namespace pushprobe::emulator {

/// \brief Judges a publish body against the monitoring batch of docs/protocol.md 2.7.
///
/// Stricter than the service (which ignores unknown members): every object
/// must have exactly its members, because an extra member in the probe's
/// batch is a bug worth seeing. The `lastSubscriptionUpdate` must be spelt
/// with escaped slashes (`"\/Date(ms)\/"`): that is the only spelling .NET's
/// DataContractJsonSerializer reads as a date.
class MonitoringBatchValidator {
 public:
  /// \p now is the service's clock: the id's timestamp must be UTC and within
  /// \p id_window of it.
  explicit MonitoringBatchValidator(std::chrono::minutes id_window = std::chrono::minutes{30})
      : id_window_(id_window) {}

  /// \return an empty string for a valid batch, else what is wrong, naming the member.
  std::string Check(const std::string& body, std::chrono::system_clock::time_point now) const;

 private:
  std::chrono::minutes id_window_;
};

}  // namespace pushprobe::emulator
