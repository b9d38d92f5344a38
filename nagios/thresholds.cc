#include "nagios/thresholds.h"

namespace pushprobe::nagios {

State Thresholds::Evaluate(double value) const {
  if (critical && critical->Alerts(value)) return State::kCritical;
  if (warning && warning->Alerts(value)) return State::kWarning;
  return State::kOk;
}

}  // namespace pushprobe::nagios
