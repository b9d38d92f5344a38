#pragma once

#include <optional>
#include <string>

#include "nagios/nagios_range.h"
#include "nagios/plugin_state.h"

namespace pushprobe::nagios {

/// \brief A warning and a critical range for one measured value, as
/// monitoring-plugins' thresholds: either may be unset.
struct Thresholds {
  std::optional<NagiosRange> warning;
  std::optional<NagiosRange> critical;

  /// CRITICAL when the critical range alerts, else WARNING when the warning
  /// range alerts, else OK. Unset ranges never alert.
  State Evaluate(double value) const;
  bool empty() const { return !warning && !critical; }
  /// The perfdata fields ";WARN;CRIT" texts: each range's ToString, or empty.
  std::string WarningText() const { return warning ? warning->ToString() : ""; }
  std::string CriticalText() const { return critical ? critical->ToString() : ""; }
};

}  // namespace pushprobe::nagios
