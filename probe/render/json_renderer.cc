#include "probe/render/json_renderer.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/json_string.h"
#include "probe/core/redact.h"
#include "probe/render/format.h"
#include "probe/render/hints.h"

namespace pushprobe::render {
namespace {

constexpr int kDurationDecimals = 6;
constexpr int kUnixDecimals = 3;
constexpr int kTimeFractionDigits = 3;

// A streaming writer whose output order is exactly the call order, so the key
// order of the schema is the order of the code below.
class JsonWriter {
 public:
  explicit JsonWriter(int indent) : indent_(indent < 0 ? 0 : indent) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  void Key(std::string_view key) {
    Separate();
    AppendJsonString(out_, key);
    out_ += indent_ > 0 ? ": " : ":";
    after_key_ = true;
  }

  // Every string value goes through the one redaction of URLs, before
  // escaping: an escaped quote in a password must not end the URL early.
  void String(std::string_view v) {
    BeforeValue();
    AppendJsonString(out_, RedactUrlCredentials(v));
  }
  void Null() { Number("null"); }
  void Bool(bool v) { Number(v ? "true" : "false"); }
  void Int(std::int64_t v) { Number(std::to_string(v)); }
  void Number(std::string_view literal) {
    BeforeValue();
    out_ += literal;
  }

  // Shorthands for "key": value.
  void Field(std::string_view key, std::string_view v) {
    Key(key);
    String(v);
  }
  void FieldInt(std::string_view key, std::int64_t v) {
    Key(key);
    Int(v);
  }
  void FieldBool(std::string_view key, bool v) {
    Key(key);
    Bool(v);
  }
  void FieldSeconds(std::string_view key, Duration d) {
    Key(key);
    Number(FormatSeconds(d, kDurationDecimals));
  }
  void FieldSeconds(std::string_view key, const std::optional<Duration>& d) {
    Key(key);
    if (d) {
      Number(FormatSeconds(*d, kDurationDecimals));
    } else {
      Null();
    }
  }
  /// "<key>": RFC 3339 and "<key>_unix": seconds, both null when absent.
  void FieldTime(std::string_view key, const std::optional<WallTime>& t) {
    Key(key);
    if (t) {
      String(FormatRfc3339(*t, kTimeFractionDigits));
    } else {
      Null();
    }
    Key(std::string(key) + "_unix");
    if (t) {
      Number(FormatUnixSeconds(*t, kUnixDecimals));
    } else {
      Null();
    }
  }
  void FieldOptString(std::string_view key, std::string_view v) {
    Key(key);
    if (v.empty()) {
      Null();
    } else {
      String(v);
    }
  }

  std::string Take() {
    out_ += '\n';
    return std::move(out_);
  }

 private:
  struct Level {
    bool empty = true;
  };

  void Open(char bracket) {
    BeforeValue();
    out_ += bracket;
    stack_.push_back(Level{});
  }
  void Close(char bracket) {
    const bool empty = stack_.back().empty;
    stack_.pop_back();
    if (!empty) NewLine();
    out_ += bracket;
  }
  // Comma and line break before a key or an array element.
  void Separate() {
    if (stack_.empty()) return;
    if (!stack_.back().empty) out_ += ',';
    stack_.back().empty = false;
    NewLine();
  }
  void BeforeValue() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    Separate();
  }
  void NewLine() {
    if (indent_ == 0) return;
    out_ += '\n';
    out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
  }

  int indent_;
  std::string out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

void WriteCertificate(JsonWriter& w, const CertificateFacts& c, WallTime now) {
  w.BeginObject();
  w.Field("subject", c.subject);
  w.Field("issuer", c.issuer);
  w.FieldTime("not_before", c.not_before);
  w.FieldTime("not_after", c.not_after);
  w.FieldInt("days_left", DaysLeft(c.not_after, now));
  w.Field("thumbprint", c.thumbprint);
  w.EndObject();
}

void WriteRequest(JsonWriter& w, const HttpRequestFacts& q, WallTime now) {
  w.BeginObject();
  w.Field("method", q.method);
  w.Field("url", q.url);
  w.Field("connected_address", q.connected_address);
  w.FieldBool("via_proxy", q.via_proxy);
  w.FieldBool("connection_reused", q.connection_reused);
  w.FieldInt("status", q.status);
  w.Key("timings_seconds");
  w.BeginObject();
  w.FieldSeconds("dns", q.timings.dns);
  w.FieldSeconds("connect", q.timings.connect);
  w.FieldSeconds("tls", q.timings.tls);
  w.FieldSeconds("request", q.timings.request);
  w.FieldSeconds("response", q.timings.response);
  w.EndObject();
  w.Key("server_chain");
  w.BeginArray();
  for (const CertificateFacts& c : q.server_chain) WriteCertificate(w, c, now);
  w.EndArray();
  w.FieldBool("tls_verified", q.tls_verified);
  w.Field("tls_verify_error", q.tls_verify_error);
  w.Field("tls_version", q.tls_version);
  w.FieldBool("tls_session_reused", q.tls_session_reused);
  // The offer and the server's answer, for https requests (tls_profile.h).
  if (q.tls_offer) {
    w.Field("tls_profile", q.tls_offer->profile);
    w.Key("tls_offered_ciphers");
    w.BeginArray();
    for (const std::string& name : q.tls_offer->ciphers) w.String(name);
    w.EndArray();
    w.Field("tls_offered_groups", q.tls_offer->groups);
    w.Field("tls_offered_signature_algorithms", q.tls_offer->signature_algorithms);
    w.Field("tls_cipher", q.tls_cipher);
    w.Field("tls_alert", q.tls_alert);
  }
  w.FieldTime("server_date", q.server_date);
  w.FieldTime("local_date", q.local_date);
  std::optional<Duration> offset;
  if (q.server_date && q.local_date) offset = *q.server_date - *q.local_date;
  w.FieldSeconds("server_minus_local_seconds", offset);
  w.Field("client_request_id", q.client_request_id);
  w.FieldInt("response_bytes", static_cast<std::int64_t>(q.response_bytes));
  w.EndObject();
}

void WriteStage(JsonWriter& w, const StageResult& s, WallTime now) {
  w.BeginObject();
  w.Field("stage", StageName(s.stage));
  w.Field("status", StageStatusName(s.status));
  w.Field("reason", ReasonName(s.reason));
  w.Field("message", s.message);
  w.Field("exchange_error", s.exchange_error);
  w.FieldSeconds("duration_seconds", s.duration);
  w.Key("facts");
  w.BeginArray();
  for (const Fact& f : s.facts) {
    w.BeginObject();
    w.Field("name", f.name);
    w.Field("value", f.value);
    w.EndObject();
  }
  w.EndArray();
  w.Key("requests");
  w.BeginArray();
  for (const HttpRequestFacts& q : s.requests) WriteRequest(w, q, now);
  w.EndArray();
  w.EndObject();
}

void WriteFacts(JsonWriter& w, const ProbeFacts& f, WallTime now) {
  w.BeginObject();
  w.Field("auth_cert_thumbprint", f.auth_cert_thumbprint);
  w.Field("auth_cert_subject", f.auth_cert_subject);
  w.FieldTime("auth_cert_not_before", f.auth_cert_not_before);
  w.FieldTime("auth_cert_not_after", f.auth_cert_not_after);
  w.Key("auth_cert_days_left");
  if (f.auth_cert_not_after) {
    w.Int(DaysLeft(*f.auth_cert_not_after, now));
  } else {
    w.Null();
  }
  w.FieldInt("auth_key_bits", f.auth_key_bits);
  w.Field("realm", f.realm);
  w.Field("issuer", f.issuer);
  w.Field("token_endpoint", f.token_endpoint);
  w.Field("challenge_client_id", f.challenge_client_id);
  w.FieldTime("token_expires_at", f.token_expires_at);
  w.FieldSeconds("token_lifetime_seconds", f.token_lifetime);
  w.Field("oauth_error", f.oauth_error);
  w.Field("oauth_error_description", f.oauth_error_description);
  w.Field("publish_url", f.publish_url);
  w.FieldInt("publish_status", f.publish_status);
  w.Field("client_request_id", f.client_request_id);
  w.Field("x_ms_diagnostics", f.x_ms_diagnostics);
  w.Field("fault_message", f.fault_message);
  w.FieldSeconds("clock_skew_seconds", f.clock_skew);
  w.Key("tls_leaf");
  w.BeginObject();
  // std::map: endpoints in name order, which is stable.
  for (const auto& [endpoint, cert] : f.tls_leaf) {
    w.Key(endpoint);
    WriteCertificate(w, cert, now);
  }
  w.EndObject();
  w.EndObject();
}

void WriteResult(JsonWriter& w, const ProbeResult& r) {
  w.BeginObject();
  w.FieldInt("schema_version", kJsonSchemaVersion);
  w.Field("target", r.target);
  w.Field("organization", r.organization);
  w.Field("result_type", ResultTypeName(r.result_type));
  w.FieldBool("succeeded", r.succeeded());
  w.FieldTime("started_at", r.started_at);
  w.FieldSeconds("duration_seconds", r.duration);
  w.Key("failed_stage");
  if (r.failed_stage) {
    w.String(StageName(*r.failed_stage));
  } else {
    w.Null();
  }
  w.Field("reason", ReasonName(r.reason));
  w.FieldOptString("exchange_category", ExchangeCategoryName(r.category));
  w.FieldOptString("exchange_explanation", ExchangeCategoryExplanation(r.category));
  w.Field("error", r.error);
  w.Field("exception", r.exception);
  w.FieldOptString("hint", HintFor(r));
  w.Key("facts");
  WriteFacts(w, r.facts, r.started_at);
  w.Key("stages");
  w.BeginArray();
  for (const StageResult& s : r.stages) WriteStage(w, s, r.started_at);
  w.EndArray();
  w.Key("rollover");
  if (!r.rollover) {
    w.Null();
  } else {
    w.BeginObject();
    w.Field("status", StageStatusName(r.rollover->status));
    w.Field("reason", ReasonName(r.rollover->reason));
    w.Field("message", r.rollover->message);
    w.Key("registered");
    if (r.facts.next_auth_cert_registered) {
      w.Bool(*r.facts.next_auth_cert_registered);
    } else {
      w.Null();
    }
    w.Field("thumbprint", r.facts.next_auth_cert_thumbprint);
    w.FieldTime("not_after", r.facts.next_auth_cert_not_after);
    w.FieldTime("effective_date", r.facts.next_auth_cert_effective);
    w.FieldOptString("hint", RolloverHintFor(r));
    w.Key("step");
    WriteStage(w, *r.rollover, r.started_at);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::string RenderJson(const ProbeResult& result, const JsonOptions& options) {
  JsonWriter w(options.indent);
  WriteResult(w, result);
  return w.Take();
}

std::string RenderJsonList(const std::vector<ProbeResult>& results, const JsonOptions& options) {
  JsonWriter w(options.indent);
  w.BeginObject();
  w.FieldInt("schema_version", kJsonSchemaVersion);
  w.Key("results");
  w.BeginArray();
  for (const ProbeResult& r : results) WriteResult(w, r);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace pushprobe::render
