#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pushprobe {

/// \brief The stages of the enterprise connectivity check, in the order they run
/// (docs/protocol.md section 2).
// One byte: the exporter keeps a stage, reason and result type in every
// run of every target's history (tens of thousands of targets, 25 runs each).
enum class StageId : std::uint8_t {
  kConfiguration,
  kCertificate,
  kMetadata,
  kChallenge,
  kToken,
  kPublish,
};

/// How Exchange names the exception of a stage's failure (the type before
/// ": " in `Exception`).
enum class ExchangeException {
  kPushConfiguration,  ///< PushNotificationConfigurationException
  kOAuthTokenRequest,  ///< OAuthTokenRequestFailedException
  kPushByStatus,       ///< PushNotificationTransientException when Exchange would retry
                       ///< the failure (404, 408, 500, 502-504, sockets), else ...Permanent...
};

/// \brief What every part of the program needs to know about one stage, in
/// one place: adding a stage means adding one StageInfo (every field is a
/// constructor argument, so none can be forgotten), one StageId and one
/// StageDef in probe/engine/stages.h.
struct StageInfo {
  constexpr StageInfo(StageId stage_id, std::string_view stage_name, ExchangeException exception,
                      bool http, std::string_view endpoint)
      : id(stage_id),
        name(stage_name),
        exchange_exception(exception),
        makes_http_requests(http),
        tls_endpoint(endpoint) {}

  StageId id;
  /// The stable lower-case name used in metrics labels, JSON and option values.
  std::string_view name;
  ExchangeException exchange_exception;
  /// Whether the stage sends HTTP requests (and so has per-phase timings).
  bool makes_http_requests;
  /// The server its requests reach, as a key of ProbeFacts::tls_leaf and the
  /// `endpoint` label ("metadata", "token", "publish"); empty when none.
  std::string_view tls_endpoint;
};

/// The stages in the order they run (docs/protocol.md section 2). The challenge
/// posts to the publish URL, so it reaches the "publish" server first.
inline constexpr std::array<StageInfo, 6> kStageInfos = {{
    {StageId::kConfiguration, "configuration", ExchangeException::kPushConfiguration, false, ""},
    {StageId::kCertificate, "certificate", ExchangeException::kOAuthTokenRequest, false, ""},
    {StageId::kMetadata, "metadata", ExchangeException::kOAuthTokenRequest, true, "metadata"},
    {StageId::kChallenge, "challenge", ExchangeException::kPushByStatus, true, "publish"},
    {StageId::kToken, "token", ExchangeException::kOAuthTokenRequest, true, "token"},
    {StageId::kPublish, "publish", ExchangeException::kPushByStatus, true, "publish"},
}};

/// The servers whose TLS leaf certificates are reported, in the order of the
/// plugin's perfdata.
inline constexpr std::array<std::string_view, 3> kTlsEndpoints = {"metadata", "token", "publish"};

constexpr bool StageInfosFollowEnumOrder() {
  for (std::size_t i = 0; i < kStageInfos.size(); ++i) {
    if (static_cast<std::size_t>(kStageInfos[i].id) != i) return false;
    if (kStageInfos[i].name.empty()) return false;
  }
  return true;
}
// Lookups index kStageInfos by the enum's value.
static_assert(StageInfosFollowEnumOrder(), "kStageInfos must list every StageId in enum order");

/// Every stage, in the order they run.
inline constexpr std::array<StageId, kStageInfos.size()> kAllStages = [] {
  std::array<StageId, kStageInfos.size()> ids{};
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = kStageInfos[i].id;
  return ids;
}();

constexpr const StageInfo& InfoOf(StageId id) { return kStageInfos[static_cast<std::size_t>(id)]; }

/// The stable lower-case name used in metrics labels, JSON and option values.
constexpr std::string_view StageName(StageId id) {
  const auto index = static_cast<std::size_t>(id);
  return index < kStageInfos.size() ? kStageInfos[index].name : "unknown";
}

/// The first stage whose requests reach \p endpoint: where the plugin judges
/// that server's TLS certificate.
constexpr std::optional<StageId> FirstStageReaching(std::string_view endpoint) {
  for (const StageInfo& info : kStageInfos) {
    if (info.tls_endpoint == endpoint) return info.id;
  }
  return std::nullopt;
}

/// The stage with the given stable name, if there is one.
inline std::optional<StageId> StageFromName(std::string_view name) {
  for (StageId id : kAllStages) {
    if (StageName(id) == name) return id;
  }
  return std::nullopt;
}

}  // namespace pushprobe
