#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/http_facts.h"
#include "probe/core/reason.h"
#include "probe/core/stage_id.h"

namespace pushprobe {

// One byte, like StageId: the exporter keeps one per stage of each target's latest run.
enum class StageStatus : std::uint8_t { kOk, kFailed, kSkipped };

constexpr std::string_view StageStatusName(StageStatus s) {
  switch (s) {
    case StageStatus::kOk:
      return "ok";
    case StageStatus::kFailed:
      return "failed";
    case StageStatus::kSkipped:
      return "skipped";
  }
  return "skipped";
}

/// \brief One fact a stage found, kept in the order found, for people to read.
struct Fact {
  std::string name;   ///< snake_case key, stable (used in JSON)
  std::string value;  ///< human-readable value; never a secret
};

/// \brief The outcome of one stage of one run.
struct StageResult {
  StageId stage = StageId::kConfiguration;
  StageStatus status = StageStatus::kSkipped;
  Reason reason = Reason::kNone;
  std::string message;         ///< pushprobe's specific explanation; empty when ok
  std::string exchange_error;  ///< the text Exchange itself would report, when it has one
  Duration duration{};
  std::vector<HttpRequestFacts> requests;
  std::vector<Fact> facts;

  bool ok() const { return status == StageStatus::kOk; }
  /// Adds a fact; returns *this so stages can chain.
  StageResult& AddFact(std::string name, std::string value) {
    facts.push_back(Fact{std::move(name), std::move(value)});
    return *this;
  }
  /// Marks the stage failed with a reason and message.
  StageResult& Fail(Reason r, std::string msg) {
    status = StageStatus::kFailed;
    reason = r;
    message = std::move(msg);
    return *this;
  }
};

}  // namespace pushprobe
