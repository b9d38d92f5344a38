#pragma once

#include <optional>
#include <string_view>

namespace pushprobe::nagios {

/// \brief A plugin state; the value is the process exit status (Nagios plugin
/// guidelines, "Plugin Return Codes").
enum class State { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };

/// "OK", "WARNING", "CRITICAL", "UNKNOWN".
constexpr std::string_view StateName(State s) {
  switch (s) {
    case State::kOk:
      return "OK";
    case State::kWarning:
      return "WARNING";
    case State::kCritical:
      return "CRITICAL";
    case State::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

/// \brief The worse of two states, ordered OK < UNKNOWN < WARNING < CRITICAL.
///
/// As monitoring-plugins' max_state_alt: a problem that was measured (WARNING,
/// CRITICAL) outranks one part that could not be determined.
constexpr State WorstState(State a, State b) {
  // const, not constexpr (a constexpr variable is named kRank): the lambda is
  // usable in constant expressions without it.
  const auto rank = [](State s) {
    switch (s) {
      case State::kOk:
        return 0;
      case State::kUnknown:
        return 1;
      case State::kWarning:
        return 2;
      case State::kCritical:
        return 3;
    }
    return 1;
  };
  return rank(a) >= rank(b) ? a : b;
}

/// The state named \p name in lower case ("ok", "warning", "critical", "unknown").
constexpr std::optional<State> StateFromLowerName(std::string_view name) {
  if (name == "ok") return State::kOk;
  if (name == "warning") return State::kWarning;
  if (name == "critical") return State::kCritical;
  if (name == "unknown") return State::kUnknown;
  return std::nullopt;
}

}  // namespace pushprobe::nagios
