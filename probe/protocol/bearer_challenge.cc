#include "probe/protocol/bearer_challenge.h"

#include <map>
#include <utility>

#include "probe/core/http_syntax.h"
#include "probe/protocol/encoding.h"

namespace pushprobe {
namespace {

// RFC 7235 token68 characters, besides the trailing '='.
bool IsToken68Char(char c) { return IsTokenChar(c) || c == '/'; }

struct Challenge {
  std::string scheme;                         // as sent
  std::map<std::string, std::string> params;  // names lower case
};

class ChallengeScanner {
 public:
  explicit ChallengeScanner(std::string_view text) : s_(text) {}

  std::vector<Challenge> Scan() {
    std::vector<Challenge> challenges;
    SkipSeparators();
    while (pos_ < s_.size()) {
      std::string scheme = Token();
      if (scheme.empty()) {
        SkipJunk();
        SkipSeparators();
        continue;
      }
      Challenge challenge{std::move(scheme), {}};
      ScanParameters(challenge);
      challenges.push_back(std::move(challenge));
      SkipSeparators();
    }
    return challenges;
  }

 private:
  void ScanParameters(Challenge& challenge) {
    // A scheme's parameters run until a token that is not followed by '=':
    // that token is the next scheme's name (RFC 7235 section 4.1).
    while (true) {
      SkipSpaces();
      if (pos_ >= s_.size()) return;
      // A line break separates challenges as a comma does, so WWW-Authenticate
      // fields joined with "\r\n" or "\n" read like fields joined with ", ".
      if (s_[pos_] == ',' || s_[pos_] == '\r' || s_[pos_] == '\n') {
        SkipSeparators();
        if (!NextIsParameter()) return;
        continue;
      }
      std::size_t start = pos_;
      std::string name = Token();
      SkipSpaces();
      if (name.empty() || pos_ >= s_.size() || s_[pos_] != '=') {
        pos_ = start;
        if (!SkipToken68()) SkipJunk();
        continue;
      }
      ++pos_;
      SkipSpaces();
      if (pos_ < s_.size() && s_[pos_] == '=') {
        // "abc==": a token68 credential, not a parameter.
        while (pos_ < s_.size() && s_[pos_] == '=') ++pos_;
        continue;
      }
      std::string value =
          pos_ < s_.size() && s_[pos_] == '"' ? ReadQuotedString(s_, pos_) : Token();
      challenge.params.emplace(ToLowerAscii(name), std::move(value));
    }
  }

  bool NextIsParameter() const {
    std::size_t p = pos_;
    while (p < s_.size() && IsTokenChar(s_[p])) ++p;
    if (p == pos_) return false;
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    return p < s_.size() && s_[p] == '=';
  }

  std::string Token() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && IsTokenChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  bool SkipToken68() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && IsToken68Char(s_[pos_])) ++pos_;
    while (pos_ < s_.size() && s_[pos_] == '=') ++pos_;
    return pos_ > start;
  }

  // Anything the grammar does not allow is skipped up to the next comma, so
  // one malformed parameter does not hide the rest.
  void SkipJunk() {
    if (pos_ < s_.size() && s_[pos_] == '"') {
      ReadQuotedString(s_, pos_);
      return;
    }
    while (pos_ < s_.size() && s_[pos_] != ',') ++pos_;
  }

  void SkipSpaces() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }

  void SkipSeparators() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == ',' ||
                                s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::vector<std::string> Split(std::string_view s, char separator) {
  std::vector<std::string> parts;
  while (true) {
    auto cut = s.find(separator);
    std::string_view part = TrimOws(s.substr(0, cut));
    if (!part.empty()) parts.emplace_back(part);
    if (cut == std::string_view::npos) break;
    s.remove_prefix(cut + 1);
  }
  return parts;
}

}  // namespace

bool BearerChallenge::Trusts(std::string_view principal, std::string_view realm_name) const {
  std::string want_principal = ToLowerAscii(principal);
  std::string want_realm = ToLowerAscii(realm_name);
  for (const std::string& entry : trusted_issuers) {
    auto at = entry.rfind('@');
    if (at == std::string::npos) continue;
    std::string entry_realm = ToLowerAscii(TrimOws(std::string_view(entry).substr(at + 1)));
    if (ToLowerAscii(TrimOws(std::string_view(entry).substr(0, at))) != want_principal) continue;
    if (entry_realm == "*" || entry_realm == want_realm) return true;
  }
  return false;
}

Expected<BearerChallenge> ParseBearerChallenge(std::string_view header_value) {
  using Result = Expected<BearerChallenge>;
  std::vector<Challenge> challenges = ChallengeScanner(header_value).Scan();
  std::string schemes;
  for (const Challenge& c : challenges) {
    if (ToLowerAscii(c.scheme) != "bearer") {
      schemes += schemes.empty() ? c.scheme : ", " + c.scheme;
      continue;
    }
    BearerChallenge bearer;
    auto get = [&c](const char* name) {
      auto it = c.params.find(name);
      return it == c.params.end() ? std::string() : it->second;
    };
    bearer.realm = get("realm");
    bearer.client_id = get("client_id");
    bearer.trusted_issuers = Split(get("trusted_issuers"), ',');
    bearer.token_types = Split(get("token_types"), ' ');
    bearer.authorization_uri = get("authorization_uri");
    bearer.error = get("error");
    return bearer;
  }
  if (challenges.empty()) return Result::Error("no challenge in WWW-Authenticate");
  return Result::Error("no Bearer challenge in WWW-Authenticate (schemes: " + schemes + ")");
}

}  // namespace pushprobe
