#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Poco::JSON {
class Object;
}

namespace pushprobe::emulator {

/// \brief The step of the check a request belongs to.
///
/// The bearer challenge is the publish URL called without a token, so it is a
/// stage of its own: a fault can hit discovery without hitting the publish.
enum class Stage { kMetadata, kChallenge, kToken, kPublish };

std::string_view StageName(Stage stage);
/// \throw std::invalid_argument for an unknown name.
Stage ParseStage(std::string_view name);

/// \brief What goes wrong. Each kind's name (FaultKindName) is its CLI/JSON spelling.
enum class FaultKind {
  kStatus,         ///< "status": answer `status` with `body` (default: a stage-typical body)
  kRedirect,       ///< "redirect": 302 with Location `text`
  kMalformedBody,  ///< "malformed": 200 with a body that is not JSON
  kOversizedBody,  ///< "oversized": 200 with a body of `size` bytes
  kTruncatedBody,  ///< "truncated": Content-Length larger than what is sent, then close
  kSlow,           ///< "slow": wait `delay`, then answer normally
  kReset,          ///< "reset": TCP RST before answering
  kChallengeUntrustedIssuer,  ///< "untrusted-issuer": trusted_issuers = `text`
  kChallengeRealm,            ///< "realm": the challenge carries realm=`text` (default: tenant)
  kChallengeMissing,          ///< "no-challenge": 401 without WWW-Authenticate
  kUnregisteredCertificate,   ///< "unregistered": act as if no Auth certificate were registered
  kExpiredRegistration,       ///< "expired-registration": registrations act as expired
  kClockSkew,                 ///< "skew": validate the assertion with the clock moved by `offset`
  kOAuthError,                ///< "oauth-error": error `text`, error_description `description`
  kDiagnostics,               ///< "diagnostics": 401 with x-ms-diagnostics `text`
};

std::string_view FaultKindName(FaultKind kind);

/// \brief One injected fault. Any kind may also carry a `delay` before it acts.
struct Fault {
  Stage stage = Stage::kPublish;
  FaultKind kind = FaultKind::kStatus;
  int status = 0;  ///< 0: the kind's default
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t size = 0;
  std::chrono::milliseconds delay{0};
  int count = 0;  ///< uses left; 0 means persistent until cleared
  std::string text;
  std::string description;
  std::chrono::seconds offset{0};

  /// Parses "stage[@count]:kind[:arg]", the CLI form (see `pushprobe-emulator --help`).
  /// \throw std::invalid_argument naming what is wrong.
  static Fault Parse(const std::string& spec);
  /// Parses the JSON form of POST /_emulator/fault:
  /// {"stage","kind","arg"?,"status"?,"body"?,"headers"?{},"size"?,"delay_ms"?,"count"?,
  ///  "text"?,"description"?,"offset_seconds"?}. \throw std::invalid_argument.
  static Fault FromJson(const Poco::JSON::Object& json);
  /// The JSON form, for GET /_emulator/fault.
  std::string ToJson() const;
  /// \throw std::invalid_argument when the kind makes no sense for the stage.
  void Validate() const;
};

}  // namespace pushprobe::emulator
