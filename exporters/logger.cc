#include "exporters/logger.h"

#include <cstdio>
#include <string>

#include "probe/core/json_string.h"
#include "probe/core/quote_text.h"
#include "probe/core/redact.h"
#include "probe/render/format.h"

namespace pushprobe::exporter {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

Expected<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (LogLevelName(l) == name) return l;
  }
  return Expected<LogLevel>::Error("unknown log level (debug, info, warn, error)");
}

Expected<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "logfmt") return LogFormat::kLogfmt;
  if (name == "json") return LogFormat::kJson;
  return Expected<LogFormat>::Error("unknown log format (logfmt, json)");
}

std::string FormatRfc3339Millis(WallTime t) { return render::FormatRfc3339(t, 3); }

Logger::Logger(std::ostream& out, const Clock& clock, LogLevel level, LogFormat format)
    : out_(out), clock_(clock), level_(level), format_(format) {}

void Logger::SetLevel(LogLevel level) {
  std::lock_guard<std::mutex> lock(mu_);
  level_ = level;
}

bool Logger::Enabled(LogLevel level) const {
  std::lock_guard<std::mutex> lock(mu_);
  return level >= level_;
}

std::string Logger::Quote(std::string_view value) {
  // A byte that is not UTF-8 becomes U+FFFD, as in the JSON format (and Go's
  // logfmt), and the value is quoted: journald keeps a line that is not UTF-8
  // as a blob ("[blob data]" in journalctl), so a client's stray byte in a
  // logged URI would hide the whole line.
  std::string text;
  text.reserve(value.size());
  bool bare = !value.empty();
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    const std::size_t n = c < 0x80 ? 1 : Utf8SequenceLength(value, i);
    if (n == 0) {
      text += "\xEF\xBF\xBD";
      bare = false;
      ++i;
      continue;
    }
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) bare = false;
    text.append(value.substr(i, n));
    i += n;
  }
  if (bare) return text;
  return QuoteText(text);
}

void Logger::Log(LogLevel level, std::string_view text, std::initializer_list<Field> raw_fields) {
  Write(level, text, raw_fields.begin(), raw_fields.end());
}

void Logger::Log(LogLevel level, std::string_view text, const std::vector<Field>& raw_fields) {
  Write(level, text, raw_fields.data(), raw_fields.data() + raw_fields.size());
}

void Logger::Write(LogLevel level, std::string_view text, const Field* begin, const Field* end) {
  // Every message and value through the one redaction of URLs, before
  // quoting or escaping: a log line never shows a URL's credentials.
  const std::string msg = RedactUrlCredentials(text);
  std::vector<std::pair<std::string, std::string>> fields;
  fields.reserve(static_cast<std::size_t>(end - begin));
  for (const Field* f = begin; f != end; ++f) {
    fields.emplace_back(std::string(f->first), RedactUrlCredentials(f->second));
  }
  // The line is built before taking the lock so concurrent writers only
  // contend for the write itself.
  std::string line;
  if (format_ == LogFormat::kJson) {
    line = "{\"ts\":";
    AppendJsonString(line, FormatRfc3339Millis(clock_.Now()));
    line += ",\"level\":";
    AppendJsonString(line, LogLevelName(level));
    line += ",\"msg\":";
    AppendJsonString(line, msg);
    for (const auto& f : fields) {
      line += ',';
      AppendJsonString(line, f.first);
      line += ':';
      AppendJsonString(line, f.second);
    }
    line += "}\n";
    std::lock_guard<std::mutex> lock(mu_);
    if (level < level_) return;
    out_ << line << std::flush;
    return;
  }
  line = "ts=" + FormatRfc3339Millis(clock_.Now());
  line += " level=";
  line += LogLevelName(level);
  line += " msg=";
  line += Quote(msg);
  for (const auto& f : fields) {
    line += ' ';
    line += f.first;
    line += '=';
    line += Quote(f.second);
  }
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  if (level < level_) return;
  out_ << line << std::flush;
}

}  // namespace pushprobe::exporter
