#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/stage_result.h"

namespace pushprobe {

/// \brief Exchange's ResultType values that pushprobe produces. One byte, as StageId.
enum class ResultType : std::uint8_t { kSucceeded, kFailed, kTimedOut };

constexpr std::string_view ResultTypeName(ResultType t) {
  switch (t) {
    case ResultType::kSucceeded:
      return "Succeeded";
    case ResultType::kFailed:
      return "Failed";
    case ResultType::kTimedOut:
      return "TimedOut";
  }
  return "Failed";
}

/// \brief Typed facts of a run, for the faces that compute with them (metrics,
/// thresholds). The stages' Fact lists carry the same for people.
struct ProbeFacts {
  // Auth certificate.
  std::string auth_cert_thumbprint;
  std::string auth_cert_subject;
  std::optional<WallTime> auth_cert_not_before;
  std::optional<WallTime> auth_cert_not_after;
  int auth_key_bits = 0;
  // Next Auth certificate (the rollover step), only for a target that names one.
  std::string next_auth_cert_thumbprint;
  std::optional<WallTime> next_auth_cert_not_after;
  std::optional<WallTime> next_auth_cert_effective;  ///< from the configuration
  /// Whether the token issuer accepted an assertion signed with it: known only
  /// when the issuer answered (true: a token; false: an OAuth error).
  std::optional<bool> next_auth_cert_registered;
  // Auth metadata and challenge.
  std::string realm;  ///< the realm the token is asked for: the challenge's, else the metadata's
  std::string metadata_realm;   ///< the realm the metadata stage read
  std::string challenge_realm;  ///< the realm the push proxy's challenge named, if any
  std::string issuer;
  std::string token_endpoint;
  std::string challenge_client_id;
  // Token.
  std::optional<WallTime> token_expires_at;
  std::optional<Duration> token_lifetime;
  std::string oauth_error;              ///< e.g. "invalid_client"
  std::string oauth_error_description;  ///< first line of the description
  // Publish.
  std::string publish_url;
  int publish_status = 0;
  std::string client_request_id;
  std::string x_ms_diagnostics;
  std::string fault_message;
  // Clocks: server Date minus local time, from the latest response that had one.
  std::optional<Duration> clock_skew;
  // TLS leaf certificate per endpoint ("metadata", "token", "publish"), kept
  // even when verification failed.
  std::map<std::string, CertificateFacts> tls_leaf;
};

/// \brief The outcome of one run of the check against one target.
struct ProbeResult {
  std::string target;
  std::string organization;
  ResultType result_type = ResultType::kFailed;
  WallTime started_at{};
  Duration duration{};
  std::vector<StageResult> stages;  ///< one per StageId, in kAllStages order
  std::optional<StageId> failed_stage;
  Reason reason = Reason::kNone;
  ExchangeCategory category = ExchangeCategory::kNone;
  std::string error;      ///< Exchange's "Error": the failure message; empty on success
  std::string exception;  ///< Exchange's "Exception": type and message; empty on success
  ProbeFacts facts;
  /// The rollover step, only for a target with a next certificate: the next
  /// certificate's checks and a token request signed with it (stage kToken,
  /// its own status, reason, message and facts). It never gates nor changes
  /// the six stages' verdict above, and is deliberately not one of `stages`:
  /// the faces that iterate the stages (Exchange's format among them) never
  /// see it.
  std::optional<StageResult> rollover;

  bool succeeded() const { return result_type == ResultType::kSucceeded; }
  /// The result of stage \p id; every run has all stages.
  const StageResult& Stage(StageId id) const { return stages.at(static_cast<std::size_t>(id)); }
  StageResult& Stage(StageId id) { return stages.at(static_cast<std::size_t>(id)); }
  /// The failed stage's result, or nullptr when the run succeeded.
  const StageResult* FailedStage() const { return failed_stage ? &Stage(*failed_stage) : nullptr; }
};

}  // namespace pushprobe
