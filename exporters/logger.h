#pragma once

#include <functional>
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/expected.h"

namespace pushprobe::exporter {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
/// One line per event, as logfmt or as a JSON object (--log.format).
enum class LogFormat { kLogfmt, kJson };

/// "debug", "info", "warn", "error".
std::string_view LogLevelName(LogLevel level);
/// The level named \p name (as accepted by --log.level), or an error naming
/// the accepted ones.
Expected<LogLevel> ParseLogLevel(std::string_view name);

/// The format named \p name ("logfmt", "json"), or an error naming the
/// accepted ones.
Expected<LogFormat> ParseLogFormat(std::string_view name);

/// RFC 3339 UTC with milliseconds: "2026-11-25T11:20:56.123Z".
std::string FormatRfc3339Millis(WallTime t);

/// \brief A structured logger writing one line per event, logfmt:
/// `ts=2026-11-25T11:20:56.000Z level=warn msg="run failed" target=fabrikam ...`
/// or JSON: `{"ts":"2026-11-25T11:20:56.000Z","level":"warn","msg":"run failed",...}`.
///
/// Values are quoted and escaped when they need it, so a line is always one
/// line (and in JSON, valid JSON whatever bytes a value holds). Callers pass only values that are
/// safe to log: the exporter never hands it tokens, assertions or key material. Thread-safe.
class Logger {
 public:
  using Field = std::pair<std::string_view, std::string>;

  /// \p out and \p clock must outlive the logger.
  Logger(std::ostream& out, const Clock& clock, LogLevel level = LogLevel::kInfo,
         LogFormat format = LogFormat::kLogfmt);

  void SetLevel(LogLevel level);
  bool Enabled(LogLevel level) const;

  /// Writes one line when \p level is enabled.
  void Log(LogLevel level, std::string_view msg, std::initializer_list<Field> fields = {});
  /// The same, for fields chosen at run time.
  void Log(LogLevel level, std::string_view msg, const std::vector<Field>& fields);

  /// The clock the lines are stamped with (for a LogBudget beside it).
  const Clock& clock() const { return clock_; }

  /// One logfmt value: bare when it has no space, quote, '=' or control
  /// character, else double-quoted with \" \\ \n \r \t escaped.
  static std::string Quote(std::string_view value);

 private:
  void Write(LogLevel level, std::string_view msg, const Field* begin, const Field* end);

  std::ostream& out_;
  const Clock& clock_;
  mutable std::mutex mu_;
  LogLevel level_;
  const LogFormat format_;
};

}  // namespace pushprobe::exporter
