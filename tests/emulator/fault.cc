#include "tests/emulator/fault.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <array>
#include <cctype>
#include <sstream>
#include <stdexcept>

#include "tests/emulator/constants.h"

namespace pushprobe::emulator {
namespace {

constexpr std::array<std::pair<Stage, std::string_view>, 4> kStages{{
    {Stage::kMetadata, "metadata"},
    {Stage::kChallenge, "challenge"},
    {Stage::kToken, "token"},
    {Stage::kPublish, "publish"},
}};

constexpr std::array<std::pair<FaultKind, std::string_view>, 15> kKinds{{
    {FaultKind::kStatus, "status"},
    {FaultKind::kRedirect, "redirect"},
    {FaultKind::kMalformedBody, "malformed"},
    {FaultKind::kOversizedBody, "oversized"},
    {FaultKind::kTruncatedBody, "truncated"},
    {FaultKind::kSlow, "slow"},
    {FaultKind::kReset, "reset"},
    {FaultKind::kChallengeUntrustedIssuer, "untrusted-issuer"},
    {FaultKind::kChallengeRealm, "realm"},
    {FaultKind::kChallengeMissing, "no-challenge"},
    {FaultKind::kUnregisteredCertificate, "unregistered"},
    {FaultKind::kExpiredRegistration, "expired-registration"},
    {FaultKind::kClockSkew, "skew"},
    {FaultKind::kOAuthError, "oauth-error"},
    {FaultKind::kDiagnostics, "diagnostics"},
}};

FaultKind ParseKind(std::string_view name) {
  for (const auto& [kind, kind_name] : kKinds) {
    if (kind_name == name) return kind;
  }
  throw std::invalid_argument("unknown fault kind '" + std::string(name) + "'");
}

long long ParseInteger(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw std::invalid_argument(what + " must be an integer, got '" + text + "'");
  }
  return value;
}

// "5M", "64K", "1048576": sizes are easier to write with a binary suffix.
std::size_t ParseSize(std::string text) {
  std::size_t multiplier = 1;
  if (!text.empty()) {
    char suffix = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
    if (suffix == 'K') multiplier = 1024;
    if (suffix == 'M') multiplier = 1024 * 1024;
    if (multiplier != 1) text.pop_back();
  }
  long long value = ParseInteger(text, "size");
  if (value < 0) throw std::invalid_argument("size must not be negative");
  return static_cast<std::size_t>(value) * multiplier;
}

// "1500", "1500ms", "2s".
std::chrono::milliseconds ParseDelay(std::string text) {
  long long factor = 1;
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
    text.resize(text.size() - 2);
  } else if (!text.empty() && text.back() == 's') {
    text.pop_back();
    factor = 1000;
  }
  long long value = ParseInteger(text, "delay");
  if (value < 0) throw std::invalid_argument("delay must not be negative");
  return std::chrono::milliseconds{value * factor};
}

// Fills the kind's defaults and interprets the CLI argument.
void ApplyArgument(Fault& fault, const std::optional<std::string>& arg) {
  const std::string value = arg.value_or("");
  switch (fault.kind) {
    case FaultKind::kStatus: {
      std::string code = value.substr(0, value.find(':'));
      if (code.empty())
        throw std::invalid_argument("status fault needs a code, e.g. publish:status:503");
      fault.status = static_cast<int>(ParseInteger(code, "status"));
      if (value.find(':') != std::string::npos) fault.body = value.substr(value.find(':') + 1);
      break;
    }
    case FaultKind::kRedirect:
      fault.status = 302;
      fault.text = arg ? value : "https://login.microsoftonline.com/";
      break;
    case FaultKind::kMalformedBody:
      fault.body = arg ? value : "<html><body>Service Unavailable</body>";
      break;
    case FaultKind::kOversizedBody:
      fault.size = arg ? ParseSize(value) : 5 * 1024 * 1024;
      break;
    case FaultKind::kTruncatedBody:
      fault.size = arg ? ParseSize(value) : 0;
      break;
    case FaultKind::kSlow:
      fault.delay = arg ? ParseDelay(value) : std::chrono::milliseconds{30000};
      break;
    case FaultKind::kChallengeUntrustedIssuer:
      fault.text = arg ? value : "00000004-0000-0ff1-ce00-000000000000@*";
      break;
    case FaultKind::kChallengeRealm:
      fault.text = value;
      break;
    case FaultKind::kClockSkew:
      if (!arg) throw std::invalid_argument("skew fault needs seconds, e.g. token:skew:1200");
      fault.offset = std::chrono::seconds{ParseInteger(value, "skew")};
      break;
    case FaultKind::kOAuthError: {
      auto colon = value.find(':');
      fault.text = arg ? value.substr(0, colon) : "invalid_grant";
      fault.description =
          colon == std::string::npos ? "ACS50012: Authentication failed." : value.substr(colon + 1);
      break;
    }
    case FaultKind::kDiagnostics:
      fault.text =
          arg ? value : "2000001;reason=\"The token is invalid.\";error_category=\"invalid_token\"";
      break;
    case FaultKind::kReset:
    case FaultKind::kChallengeMissing:
    case FaultKind::kUnregisteredCertificate:
    case FaultKind::kExpiredRegistration:
      if (arg) {
        throw std::invalid_argument("fault kind '" + std::string(FaultKindName(fault.kind)) +
                                    "' takes no argument");
      }
      break;
  }
}

}  // namespace

std::string_view StageName(Stage stage) {
  for (const auto& [s, name] : kStages) {
    if (s == stage) return name;
  }
  return "unknown";
}

Stage ParseStage(std::string_view name) {
  for (const auto& [stage, stage_name] : kStages) {
    if (stage_name == name) return stage;
  }
  throw std::invalid_argument("unknown stage '" + std::string(name) +
                              "' (metadata, challenge, token, publish)");
}

std::string_view FaultKindName(FaultKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

Fault Fault::Parse(const std::string& spec) {
  auto first = spec.find(':');
  if (first == std::string::npos) {
    throw std::invalid_argument("fault '" + spec + "' is not stage[@count]:kind[:arg]");
  }
  std::string stage_part = spec.substr(0, first);
  std::string rest = spec.substr(first + 1);
  auto second = rest.find(':');
  std::optional<std::string> arg;
  if (second != std::string::npos) arg = rest.substr(second + 1);
  std::string kind_part = rest.substr(0, second);

  Fault fault;
  if (auto at = stage_part.find('@'); at != std::string::npos) {
    long long count = ParseInteger(stage_part.substr(at + 1), "count");
    if (count < 0) throw std::invalid_argument("count must not be negative");
    fault.count = static_cast<int>(count);
    stage_part.resize(at);
  }
  fault.stage = ParseStage(stage_part);
  fault.kind = ParseKind(kind_part);
  ApplyArgument(fault, arg);
  fault.Validate();
  return fault;
}

Fault Fault::FromJson(const Poco::JSON::Object& json) {
  try {
    if (!json.has("stage") || !json.has("kind")) {
      throw std::invalid_argument("a fault needs \"stage\" and \"kind\"");
    }
    std::string spec = json.getValue<std::string>("stage");
    if (json.has("count")) spec += "@" + std::to_string(json.getValue<int>("count"));
    const std::string kind = json.getValue<std::string>("kind");
    spec += ":" + kind;
    Fault fault;
    // The kinds whose argument is mandatory get it from their typed field when no "arg" is given.
    if (json.has("arg")) {
      fault = Parse(spec + ":" + json.getValue<std::string>("arg"));
    } else if (kind == "status" && json.has("status")) {
      fault = Parse(spec + ":" + std::to_string(json.getValue<int>("status")));
    } else if (kind == "skew" && json.has("offset_seconds")) {
      fault = Parse(spec + ":" + std::to_string(json.getValue<long long>("offset_seconds")));
    } else {
      fault = Parse(spec);
    }
    if (json.has("status")) fault.status = json.getValue<int>("status");
    if (json.has("body")) fault.body = json.getValue<std::string>("body");
    if (json.has("size")) fault.size = json.getValue<std::size_t>("size");
    if (json.has("delay_ms"))
      fault.delay = std::chrono::milliseconds{json.getValue<long long>("delay_ms")};
    if (json.has("text")) fault.text = json.getValue<std::string>("text");
    if (json.has("description")) fault.description = json.getValue<std::string>("description");
    if (json.has("offset_seconds")) {
      fault.offset = std::chrono::seconds{json.getValue<long long>("offset_seconds")};
    }
    if (auto headers = json.getObject("headers")) {
      for (const auto& [name, value] : *headers) {
        fault.headers.emplace_back(name, value.convert<std::string>());
      }
    }
    fault.Validate();
    return fault;
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("bad fault JSON: " + e.displayText());
  }
}

std::string Fault::ToJson() const {
  Poco::JSON::Object json;
  json.set("stage", std::string(StageName(stage)));
  json.set("kind", std::string(FaultKindName(kind)));
  json.set("count", count);
  if (status != 0) json.set("status", status);
  if (!body.empty()) json.set("body", body.size() > 200 ? body.substr(0, 200) + "..." : body);
  if (size != 0) json.set("size", size);
  if (delay.count() != 0) json.set("delay_ms", static_cast<long long>(delay.count()));
  if (!text.empty()) json.set("text", text);
  if (!description.empty()) json.set("description", description);
  if (offset.count() != 0) json.set("offset_seconds", static_cast<long long>(offset.count()));
  if (!headers.empty()) {
    Poco::JSON::Object h;
    for (const auto& [name, value] : headers) h.set(name, value);
    json.set("headers", h);
  }
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(json, out);
  return out.str();
}

void Fault::Validate() const {
  auto only = [&](Stage allowed) {
    if (stage != allowed) {
      throw std::invalid_argument("fault kind '" + std::string(FaultKindName(kind)) +
                                  "' applies to stage '" + std::string(StageName(allowed)) +
                                  "' only");
    }
  };
  switch (kind) {
    case FaultKind::kChallengeUntrustedIssuer:
    case FaultKind::kChallengeRealm:
    case FaultKind::kChallengeMissing:
      only(Stage::kChallenge);
      break;
    case FaultKind::kUnregisteredCertificate:
    case FaultKind::kExpiredRegistration:
    case FaultKind::kClockSkew:
    case FaultKind::kOAuthError:
      only(Stage::kToken);
      break;
    case FaultKind::kDiagnostics:
      only(Stage::kPublish);
      break;
    case FaultKind::kStatus:
    case FaultKind::kRedirect:
      if (status < 100 || status > 999) {
        throw std::invalid_argument("status " + std::to_string(status) + " is not an HTTP status");
      }
      break;
    default:
      break;
  }
  if (count < 0) throw std::invalid_argument("count must not be negative");
}

}  // namespace pushprobe::emulator
