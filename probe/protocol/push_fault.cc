#include "probe/protocol/push_fault.h"

#include <cctype>

#include "probe/core/http_syntax.h"
#include "probe/protocol/encoding.h"
#include "probe/protocol/json_members.h"

namespace pushprobe {

Expected<PushNotificationFault> ParsePushFault(std::string_view text) {
  using Result = Expected<PushNotificationFault>;
  auto parsed = json::ParseObject(text);
  if (!parsed) return Result::Error(parsed.error());
  const json::Value& doc = *parsed;
  auto message = json::String(doc, "Message");
  if (!message) return Result::Error("no Message in the fault");
  PushNotificationFault fault;
  fault.message = *message;
  fault.can_retry = json::Boolean(doc, "CanRetry");
  fault.backoff_ms = json::Integer(doc, "BackOffTimeInMilliseconds");
  fault.originating_server = json::String(doc, "OriginatingServer").value_or("");
  if (const json::Value* inner = json::ObjectMember(doc, "InnerFault")) {
    fault.inner_message = json::String(*inner, "Message").value_or("");
  }
  return fault;
}

namespace {

class DiagnosticsScanner {
 public:
  explicit DiagnosticsScanner(std::string_view text) : s_(text) {}

  Expected<MsDiagnostics> Scan() {
    using Result = Expected<MsDiagnostics>;
    MsDiagnostics out;
    bool found = false;
    SkipSpaces();
    std::size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ > start && pos_ - start <= 18) {
      out.code = std::stoll(std::string(s_.substr(start, pos_ - start)));
      found = true;
    } else {
      pos_ = start;
    }
    while (pos_ < s_.size()) {
      SkipSpaces();
      if (pos_ < s_.size() && s_[pos_] == ';') {
        ++pos_;
        continue;
      }
      std::size_t name_start = pos_;
      while (pos_ < s_.size() && s_[pos_] != '=' && s_[pos_] != ';') ++pos_;
      std::string name = ToLowerAscii(TrimOws(s_.substr(name_start, pos_ - name_start)));
      if (pos_ >= s_.size() || s_[pos_] != '=') continue;
      ++pos_;
      SkipSpaces();
      std::string value = Value();
      if (name == "reason") {
        out.reason = std::move(value);
        found = true;
      } else if (name == "error_category") {
        out.error_category = std::move(value);
        found = true;
      }
    }
    if (!found) return Result::Error("no code, reason or error_category in x-ms-diagnostics");
    return out;
  }

 private:
  // Quoted values may contain ';'; unquoted ones end at it. Liberal: an
  // unterminated quote runs to the end.
  std::string Value() {
    if (pos_ < s_.size() && s_[pos_] == '"') return ReadQuotedString(s_, pos_);
    std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ';') ++pos_;
    return std::string(TrimOws(s_.substr(start, pos_ - start)));
  }

  void SkipSpaces() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

Expected<MsDiagnostics> ParseMsDiagnostics(std::string_view header_value) {
  return DiagnosticsScanner(header_value).Scan();
}

}  // namespace pushprobe
