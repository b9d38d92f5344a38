#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace pushprobe {

/// \brief The stages of the enterprise connectivity check, in the order they run
/// (docs/protocol.md section 2).
enum class StageId {
  kConfiguration,
  kCertificate,
  kMetadata,
  kChallenge,
  kToken,
  kPublish,
};

inline constexpr std::array<StageId, 6> kAllStages = {
    StageId::kConfiguration, StageId::kCertificate, StageId::kMetadata,
    StageId::kChallenge,     StageId::kToken,       StageId::kPublish,
};

/// The stable lower-case name used in metrics labels, JSON and option values.
constexpr std::string_view StageName(StageId id) {
  switch (id) {
    case StageId::kConfiguration:
      return "configuration";
    case StageId::kCertificate:
      return "certificate";
    case StageId::kMetadata:
      return "metadata";
    case StageId::kChallenge:
      return "challenge";
    case StageId::kToken:
      return "token";
    case StageId::kPublish:
      return "publish";
  }
  return "unknown";
}

/// The stage with the given stable name, if there is one.
inline std::optional<StageId> StageFromName(std::string_view name) {
  for (StageId id : kAllStages) {
    if (StageName(id) == name) return id;
  }
  return std::nullopt;
}

}  // namespace pushprobe
