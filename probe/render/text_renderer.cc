#include "probe/render/text_renderer.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "probe/core/redact.h"
#include "probe/render/exchange_renderer.h"
#include "probe/render/format.h"
#include "probe/render/hints.h"

namespace pushprobe::render {
namespace {

// Column layout of a stage line: "  [tag]     <name><time> s  <detail>".
constexpr std::size_t kTagIndent = 2;
constexpr std::size_t kTagWidth = 6;
constexpr std::size_t kTagGap = 5;
constexpr std::size_t kNameWidth = 14;
constexpr std::size_t kTimeWidth = 9;
constexpr std::size_t kUnitWidth = 2;  // " s"
constexpr std::size_t kDetailGap = 2;
constexpr std::size_t kNameColumn = kTagIndent + kTagWidth + kTagGap;
constexpr std::size_t kDetailColumn =
    kNameColumn + kNameWidth + kTimeWidth + kUnitWidth + kDetailGap;
// Verbose details sit under the stage name, request details two further in.
constexpr std::size_t kFactIndent = kNameColumn;
constexpr std::size_t kRequestIndent = kFactIndent + 2;
constexpr std::size_t kCertIndent = kRequestIndent + 2;

constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kRed = "\x1b[1;31m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kReset = "\x1b[0m";

std::string PadRight(std::string_view s, std::size_t width) {
  std::string out(s);
  out.append(width > s.size() ? width - s.size() : 1, ' ');
  return out;
}

std::string PadLeft(std::string_view s, std::size_t width) {
  std::string out(width > s.size() ? width - s.size() : 0, ' ');
  out += s;
  return out;
}

std::string TagText(StageStatus status, bool color) {
  std::string_view tag;
  std::string_view paint;
  switch (status) {
    case StageStatus::kOk:
      tag = "[ ok ]";
      paint = kGreen;
      break;
    case StageStatus::kFailed:
      tag = "[FAIL]";
      paint = kRed;
      break;
    case StageStatus::kSkipped:
      tag = "[skip]";
      paint = kYellow;
      break;
  }
  if (!color) return std::string(tag);
  return std::string(paint) + std::string(tag) + std::string(kReset);
}

// Appends "<indent><text>\n", continuing multi-line text under its first line.
void AppendLine(std::string& out, std::size_t indent, std::string_view text) {
  if (text.empty()) {
    out += '\n';
    return;
  }
  out.append(indent, ' ');
  out += IndentContinuation(text, indent);
  out += '\n';
}

void AppendLabelled(std::string& out, std::size_t indent, std::string_view label,
                    std::string_view value) {
  std::string line(label);
  line += ": ";
  line += IndentContinuation(value, indent + label.size() + 2);
  out.append(indent, ' ');
  out += TrimRight(line);
  out += '\n';
}

std::string JoinNonEmpty(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

// What an ok stage established, in one line, from the typed facts.
std::string OkSummary(const ProbeResult& r, const StageResult& s) {
  const ProbeFacts& f = r.facts;
  switch (s.stage) {
    case StageId::kConfiguration:
      return r.organization.empty() ? "" : "organization " + r.organization;
    case StageId::kCertificate:
      return JoinNonEmpty({
          f.auth_cert_subject,
          f.auth_cert_thumbprint.empty() ? "" : "thumbprint " + f.auth_cert_thumbprint,
          f.auth_cert_not_after ? FormatExpiry(*f.auth_cert_not_after, r.started_at) : "",
      });
    // Each line shows the realm its own stage read; the challenge's is shown
    // only when it overrides the metadata's (it is the one the token names).
    case StageId::kMetadata:
      return JoinNonEmpty({
          f.metadata_realm.empty() ? "" : "realm " + f.metadata_realm,
          f.token_endpoint.empty() ? "" : "token endpoint " + f.token_endpoint,
      });
    case StageId::kChallenge:
      return JoinNonEmpty({
          f.challenge_client_id.empty() ? "" : "client_id " + f.challenge_client_id,
          f.challenge_realm.empty() || f.challenge_realm == f.metadata_realm
              ? ""
              : "realm " + f.challenge_realm + " (overrides the metadata's)",
      });
    case StageId::kToken: {
      if (!f.token_expires_at) return "";
      std::string out = "token valid until " + FormatRfc3339(*f.token_expires_at);
      if (f.token_lifetime) out += " (" + FormatSeconds(*f.token_lifetime, 0) + " s)";
      return out;
    }
    case StageId::kPublish:
      return JoinNonEmpty({
          f.publish_status > 0 ? "HTTP " + std::to_string(f.publish_status) : "",
          f.client_request_id.empty() ? "" : "client-request-id " + f.client_request_id,
      });
  }
  return "";
}

std::string Detail(const ProbeResult& r, const StageResult& s) {
  switch (s.status) {
    case StageStatus::kOk:
      return OkSummary(r, s);
    case StageStatus::kFailed:
      return std::string(ReasonName(s.reason)) + (s.message.empty() ? "" : ": " + s.message);
    case StageStatus::kSkipped:
      return s.message.empty() ? "skipped" : "skipped: " + s.message;
  }
  return "";
}

void AppendStageLine(std::string& out, const ProbeResult& r, const StageResult& s,
                     const TextOptions& options) {
  std::string line = StageLineHead(s.status, s.stage, options.color);
  if (s.status == StageStatus::kSkipped) {
    line.append(kTimeWidth + kUnitWidth, ' ');
  } else {
    line += PadLeft(FormatSeconds(s.duration), kTimeWidth) + " s";
  }
  const std::string detail = Detail(r, s);
  if (!detail.empty()) {
    line.append(kDetailGap, ' ');
    line += IndentContinuation(detail, kDetailColumn);
  }
  out += TrimRight(line);
  out += '\n';
}

void AppendCertificate(std::string& out, std::size_t index, const CertificateFacts& c, WallTime now,
                       int verbosity) {
  const std::string head = "[" + std::to_string(index) + "] ";
  AppendLine(out, kCertIndent, head + c.subject);
  const std::size_t indent = kCertIndent + head.size();
  AppendLine(out, indent, "issued by " + c.issuer + ", " + FormatExpiry(c.not_after, now));
  if (verbosity >= 2) {
    AppendLine(out, indent,
               "valid from " + FormatRfc3339(c.not_before) + ", thumbprint " + c.thumbprint);
  }
}

void AppendRequest(std::string& out, const HttpRequestFacts& q, WallTime now, int verbosity) {
  const std::string status = q.status > 0 ? std::to_string(q.status) : "no response";
  AppendLine(out, kFactIndent, q.method + " " + q.url + " -> " + status);

  std::string connected = q.connected_address.empty() ? "not connected"
                          : q.connection_reused
                              ? "reused the run's connection to " + q.connected_address
                              : "connected " + q.connected_address;
  if (q.via_proxy) connected += " (via proxy)";
  AppendLine(out, kRequestIndent, connected);

  const HttpPhaseTimings& t = q.timings;
  // A reused connection had no dns, connect or tls phase in this request.
  const std::string opening = q.connection_reused ? ""
                                                  : "dns " + FormatMillis(t.dns) + ", connect " +
                                                        FormatMillis(t.connect) + ", tls " +
                                                        FormatMillis(t.tls) + ", ";
  AppendLine(out, kRequestIndent,
             "timings ms: " + opening + "request " + FormatMillis(t.request) + ", response " +
                 FormatMillis(t.response));

  if (!q.tls_version.empty() || !q.server_chain.empty() || !q.tls_verify_error.empty()) {
    std::string tls =
        "TLS " + (q.tls_version.empty() ? std::string("(version unknown)") : q.tls_version);
    if (q.tls_verified) {
      tls += ", verified";
    } else {
      tls += ", NOT verified";
      if (!q.tls_verify_error.empty()) tls += ": " + q.tls_verify_error;
    }
    tls += q.tls_session_reused ? ", session reused" : ", new session";
    if (!q.tls_cipher.empty()) tls += ", " + q.tls_cipher;
    AppendLine(out, kRequestIndent, tls);
  }
  if (!q.tls_alert.empty() && q.tls_offer) {
    AppendLine(out, kRequestIndent,
               "TLS offer refused (server alert \"" + q.tls_alert + "\"): tls_profile " +
                   q.tls_offer->profile + ", " + std::to_string(q.tls_offer->ciphers.size()) +
                   " cipher suites offered");
  }
  if (!q.server_chain.empty()) {
    AppendLine(out, kRequestIndent,
               q.tls_verified ? "server chain:" : "server chain (as presented, unverified):");
    for (std::size_t i = 0; i < q.server_chain.size(); ++i) {
      AppendCertificate(out, i, q.server_chain[i], now, verbosity);
    }
  }

  if (q.server_date && q.local_date) {
    AppendLine(out, kRequestIndent,
               "server date " + FormatRfc3339(*q.server_date) + ", local clock " +
                   FormatRfc3339(*q.local_date, 3) + " (server minus local " +
                   FormatSignedSeconds(*q.server_date - *q.local_date) + " s)");
  } else if (q.server_date) {
    AppendLine(out, kRequestIndent, "server date " + FormatRfc3339(*q.server_date));
  } else if (q.local_date) {
    AppendLine(out, kRequestIndent, "local clock at response " + FormatRfc3339(*q.local_date, 3));
  }

  std::vector<std::string> tail;
  if (!q.client_request_id.empty()) tail.push_back("client-request-id " + q.client_request_id);
  if (q.status > 0) tail.push_back("body " + std::to_string(q.response_bytes) + " bytes");
  const std::string tail_line = JoinNonEmpty(tail);
  if (!tail_line.empty()) AppendLine(out, kRequestIndent, tail_line);
}

void AppendStageDetails(std::string& out, const ProbeResult& r, const StageResult& s,
                        int verbosity) {
  for (const Fact& f : s.facts) AppendLabelled(out, kFactIndent, f.name, f.value);
  if (!s.exchange_error.empty()) {
    AppendLabelled(out, kFactIndent, "Exchange error", s.exchange_error);
  }
  for (const HttpRequestFacts& q : s.requests) AppendRequest(out, q, r.started_at, verbosity);
}

void AppendHeader(std::string& out, const ProbeResult& r) {
  out += "pushprobe check of target \"" + r.target + "\" (" +
         (r.organization.empty() ? std::string("organization not set") : r.organization) + ") at " +
         FormatRfc3339(r.started_at) + ": " + std::string(ResultTypeName(r.result_type)) + " in " +
         FormatSeconds(r.duration) + " s\n";
}

void AppendResult(std::string& out, const ProbeResult& r) {
  std::string line = "Result: " + std::string(ResultTypeName(r.result_type));
  if (r.failed_stage) {
    line += " at stage " + std::string(StageName(*r.failed_stage)) + " (" +
            std::string(ReasonName(r.reason)) + ")";
  }
  if (r.category != ExchangeCategory::kNone) {
    line += ", Exchange category " + std::string(ExchangeCategoryName(r.category));
  }
  out += line + "\n";
  const std::string clock = ClockSkewNote(r);
  if (!clock.empty()) AppendLine(out, 0, clock);
  const std::string hint = HintFor(r);
  if (!hint.empty()) AppendLabelled(out, 0, "Hint", hint);
}

// The rollover step, beside the verdict it never changes.
void AppendRollover(std::string& out, const ProbeResult& r, int verbosity) {
  if (!r.rollover) return;
  const StageResult& step = *r.rollover;
  const ProbeFacts& f = r.facts;
  std::string line = "Next Auth certificate";
  if (!f.next_auth_cert_thumbprint.empty()) line += " " + f.next_auth_cert_thumbprint;
  if (f.next_auth_cert_registered) {
    line += *f.next_auth_cert_registered ? ": registered" : ": NOT registered";
  } else if (step.status == StageStatus::kFailed) {
    line += ": " + std::string(ReasonName(step.reason));
  } else {
    line += ": registration not checked";
  }
  if (f.next_auth_cert_effective) {
    line += ", effective " + FormatRfc3339(*f.next_auth_cert_effective);
  }
  if (f.next_auth_cert_not_after)
    line += ", " + FormatExpiry(*f.next_auth_cert_not_after, r.started_at);
  out += line + "\n";
  if (!step.message.empty()) AppendLabelled(out, 2, "Rollover", step.message);
  if (verbosity >= 1) AppendStageDetails(out, r, step, verbosity);
  const std::string hint = RolloverHintFor(r);
  if (!hint.empty()) AppendLabelled(out, 0, "Rollover hint", hint);
}

void AppendExchangeView(std::string& out, const ProbeResult& r) {
  out += "Exchange's view (Invoke-MonitoringProbe ... | fl ResultType, Error, Exception):\n";
  const std::string list = RenderExchange(r, ExchangeOptions{/*blank_lines=*/false});
  std::size_t start = 0;
  while (start < list.size()) {
    const std::size_t end = list.find('\n', start);
    AppendLine(out, 2, std::string_view(list).substr(start, end - start));
    start = end + 1;
  }
  const std::string_view explanation = ExchangeCategoryExplanation(r.category);
  if (!explanation.empty()) {
    AppendLabelled(out, 0,
                   "Exchange's explanation (" + std::string(ExchangeCategoryName(r.category)) + ")",
                   explanation);
  }
}

}  // namespace

std::string StageLineHead(std::optional<StageStatus> status, StageId stage, bool color) {
  std::string line(kTagIndent, ' ');
  line += status ? TagText(*status, color) : std::string("[ .. ]");
  line.append(kTagGap, ' ');
  line += PadRight(StageName(stage), kNameWidth);
  return line;
}

std::string RenderText(const ProbeResult& result, const TextOptions& options) {
  std::string out;
  AppendHeader(out, result);
  for (const StageResult& s : result.stages) {
    AppendStageLine(out, result, s, options);
    if (options.verbosity >= 1) AppendStageDetails(out, result, s, options.verbosity);
  }
  AppendResult(out, result);
  AppendRollover(out, result, options.verbosity);
  if (options.verbosity >= 1) AppendExchangeView(out, result);
  // Messages, facts and URLs come from servers and settings; none may show
  // a URL's credentials.
  return RedactUrlCredentials(out);
}

}  // namespace pushprobe::render
