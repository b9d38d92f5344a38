#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/log_budget.h"
#include "exporters/logger.h"
#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief The log lines clients cause (refused requests and connections,
/// ignored headers), bounded: at most kBurst lines per kWindow, so a flood of
/// bad requests writes a handful of lines a minute. The last line a window
/// allows is followed by one saying that further refusals are counted, not
/// logged; the next line written carries `unlogged=N`. Only lines the
/// logger's level lets through spend the budget, so debug lines cannot crowd
/// out the warnings when the log is at warn.
///
/// The router and the listener write through one ClientLog (the router's),
/// so together they stay within one budget. Thread-safe.
class ClientLog {
 public:
  using Field = Logger::Field;

  /// Enough to show an operator every distinct mistake of a few scrapers,
  /// few enough that a flood is a handful of lines a minute.
  static constexpr int kBurst = 10;
  static constexpr Duration kWindow = std::chrono::minutes(1);
  /// A client's text (request line, URI, target, method) is cut to this.
  static constexpr std::size_t kMaxClientBytes = 64;

  /// \p logger (null: nothing is logged) must outlive this object.
  explicit ClientLog(Logger* logger);

  /// Whether a line at \p level would be written if the budget allows.
  bool Enabled(LogLevel level) const;
  /// Writes one line within the budget.
  void Log(LogLevel level, std::string_view msg, std::vector<Field> fields);

  /// A client's text as a field value: Excerpt (quote_text.h) of
  /// kMaxClientBytes; the logger quotes and escapes it.
  static std::string ClientText(std::string_view text);

 private:
  Logger* const logger_;
  LogBudget budget_;
};

}  // namespace pushprobe::exporter
