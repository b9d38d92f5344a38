#include "probe/engine/http_step.h"

#include "probe/core/quote_text.h"
#include "probe/core/time_format.h"

namespace pushprobe {

std::optional<HttpResponse> SendRecorded(RunContext& context, StageResult& result,
                                         const HttpRequest& request) {
  return Record(context, result,
                context.http->Send(request, context.deadline, &context.connections));
}

std::optional<HttpResponse> Record(RunContext& context, StageResult& result, HttpOutcome outcome) {
  if (!outcome.facts.server_chain.empty()) {
    context.facts.tls_leaf[std::string(InfoOf(result.stage).tls_endpoint)] =
        outcome.facts.server_chain.front();
  }
  if (outcome.facts.server_date && outcome.facts.local_date) {
    context.facts.clock_skew = std::chrono::duration_cast<Duration>(*outcome.facts.server_date -
                                                                    *outcome.facts.local_date);
  }
  result.requests.push_back(std::move(outcome.facts));
  if (!outcome.ok()) {
    result.Fail(outcome.error, outcome.error_message);
    return std::nullopt;
  }
  return std::move(outcome.response);
}

bool BlameClockSkew(const RunContext& context, StageResult& result) {
  if (!context.facts.clock_skew) return false;
  Duration skew = *context.facts.clock_skew;
  if (skew < kClockSkewTolerance && skew > -kClockSkewTolerance) return false;
  result.reason = Reason::kClockSkew;
  result.message = DescribeClockSkew(skew) + " (more than 5 minutes); " + result.message;
  return true;
}

std::string BodySnippet(std::string_view body, std::size_t max_chars) {
  std::string out;
  for (char c : body) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7F) {
      AppendHexEscape(out, u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string ServerText(std::string_view text, const std::string& secret, std::string_view shown_as,
                       bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (!secret.empty() && text.compare(i, secret.size(), secret) == 0) {
      out += shown_as;
      i += secret.size();
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    const bool line = c == '\r' || c == '\n' || c == '\t';
    if ((c < 0x20 && !(keep_lines && line)) || c == 0x7f) {
      AppendHexEscape(out, c);
    } else {
      out += text[i];
    }
    ++i;
  }
  return out;
}

}  // namespace pushprobe
