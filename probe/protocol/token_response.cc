#include "probe/protocol/token_response.h"

#include "probe/core/first_line.h"
#include "probe/core/quote_text.h"
#include "probe/protocol/encoding.h"
#include "probe/protocol/json_members.h"

namespace pushprobe {
namespace {

constexpr std::size_t kSnippetChars = 80;

// A short, printable excerpt of a body for error messages. Cut before any
// "access_token" so a half-readable grant never leaks its secret.
std::string Snippet(std::string_view body) {
  std::string lowered = ToLowerAscii(body);
  auto secret = lowered.find("access_token");
  bool redacted = secret != std::string::npos;
  if (redacted) body = body.substr(0, secret);
  bool cut = body.size() > kSnippetChars;
  if (cut) {
    std::size_t n = kSnippetChars;
    // Back up to a character boundary so the message stays valid UTF-8.
    while (n > 0 && (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80) --n;
    body = body.substr(0, n);
  }
  std::string out = QuoteText(body);
  if (redacted) {
    out += " (rest withheld: it names access_token)";
  } else if (cut) {
    out += "...";
  }
  return out;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  return s;
}

bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string OAuthError::ServiceCode() const {
  std::string_view d = TrimLeft(description);
  std::size_t i = 0;
  while (i < d.size() && IsLetter(d[i])) ++i;
  std::size_t letters = i;
  while (i < d.size() && IsDigit(d[i])) ++i;
  if (letters == 0 || i == letters || i >= d.size() || d[i] != ':') return "";
  return std::string(d.substr(0, i));
}

std::string OAuthError::FirstLine() const { return std::string(pushprobe::FirstLine(description)); }

Expected<TokenAnswer> ParseTokenAnswer(std::string_view body) {
  using Result = Expected<TokenAnswer>;
  std::string_view trimmed = TrimLeft(body);
  if (trimmed.empty()) return Result::Error("empty body");
  if (trimmed.front() == '<') return Result::Error("HTML instead of JSON: " + Snippet(trimmed));
  auto parsed = json::ParseObject(body);
  if (!parsed) {
    if (parsed.error() == "not a JSON object") {
      return Result::Error("not a JSON object: " + Snippet(trimmed));
    }
    return Result::Error("not JSON: " + Snippet(trimmed));
  }
  const json::Value& doc = *parsed;

  // RFC 6749 5.2: "error" is a single error code. A gateway's or load
  // balancer's own JSON ({"error":{"code":"ServiceUnavailable",...}}) is not
  // the token issuer refusing the assertion.
  const json::Value* error_member = json::Member(doc, "error");
  if (error_member != nullptr && error_member->kind() == json::Value::Kind::kString) {
    OAuthError error;
    error.error = error_member->text();
    error.description = json::String(doc, "error_description").value_or("");
    if (const json::Value* codes = json::ArrayMember(doc, "error_codes")) {
      for (const json::Value& v : codes->elements()) {
        if (v.kind() != json::Value::Kind::kNumber) continue;
        if (auto code = json::Integer(v)) error.error_codes.push_back(*code);
      }
    }
    return TokenAnswer(std::move(error));
  }

  TokenGrant grant;
  grant.access_token = json::String(doc, "access_token").value_or("");
  if (grant.access_token.empty()) return Result::Error("no access_token in the token answer");
  if (json::Member(doc, "expires_in") == nullptr) {
    return Result::Error("no expires_in in the token answer");
  }
  auto expires_in = json::Integer(doc, "expires_in");
  if (!expires_in) {
    return Result::Error("expires_in is not a number: " +
                         Snippet(json::String(doc, "expires_in").value_or("")));
  }
  grant.expires_in = *expires_in;
  grant.token_type = json::String(doc, "token_type").value_or("");
  // Optional members are informative only, so a malformed one is dropped
  // rather than failing a usable grant.
  grant.not_before = json::Integer(doc, "not_before");
  grant.expires_on = json::Integer(doc, "expires_on");
  grant.resource = json::String(doc, "resource").value_or("");
  return TokenAnswer(std::move(grant));
}

}  // namespace pushprobe
