#pragma once

#include <string>
#include <utility>

#include "probe/core/reason.h"

namespace pushprobe::net_internal {

/// \brief A failure of one step of an exchange, already phrased for people.
struct NetStatus {
  Reason reason = Reason::kNone;
  std::string message;

  bool ok() const { return reason == Reason::kNone; }
  static NetStatus Ok() { return {}; }
  static NetStatus Fail(Reason r, std::string m) { return NetStatus{r, std::move(m)}; }
};

}  // namespace pushprobe::net_internal
