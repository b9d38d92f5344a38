#pragma once

#include <string>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/probe_result.h"

namespace pushprobe::samples {

/// \brief Fixed ProbeResults for golden-text tests of every face (text,
/// JSON, Exchange list, exporter, plugin). Every time in them is fixed, so
/// renderings are byte-for-byte stable.

/// The start of every sample run: 2026-11-25T11:20:56Z.
WallTime SampleStart();

/// \brief Builds a ProbeResult stage by stage, the way the engine fills one:
/// stages not set explicitly are skipped, and Build() derives result_type,
/// failed_stage, reason, category and (when not set) the total duration.
class ProbeResultBuilder {
 public:
  ProbeResultBuilder(std::string target, std::string organization, WallTime started_at);

  /// Marks \p id ok with \p duration; returns the stage to add facts/requests.
  StageResult& Ok(StageId id, Duration duration);
  /// Marks \p id failed; stages after it are skipped with "<id> failed".
  StageResult& Fail(StageId id, Reason reason, std::string message, Duration duration);
  /// The typed facts, to fill directly.
  ProbeFacts& facts() { return result_.facts; }
  ProbeResultBuilder& Error(std::string error, std::string exception);
  /// Overrides the total duration (default: the sum of the stages plus 1 ms).
  ProbeResultBuilder& TotalDuration(Duration d);

  ProbeResult Build() const;

 private:
  ProbeResult result_;
  std::optional<Duration> total_;
};

/// Every stage ok, every typed fact and request fact filled.
ProbeResult SucceededResult();
/// The token issuer refuses the assertion: AADSTS700027 (key not registered).
ProbeResult TokenFailureAadsts700027Result();
/// The publish POST gets no answer before the deadline: ResultType TimedOut.
ProbeResult TimedOutAtPublishResult();
/// A TLS-inspecting proxy presents its own chain for the metadata host.
ProbeResult TlsUntrustedMetadataResult();
/// The organization is not configured.
ProbeResult ConfigFailureResult();

/// The password that UrlCredentialsResult's URLs hold; no output may show it.
inline constexpr const char* kUrlSecret = "s3cret-in-a-url";
/// A failure whose message, error, exception, facts and request URL all quote
/// URLs with user:password@ (the leak of a proxy URL with credentials). Not in
/// AllSamples: it is for the redaction tests of every face.
ProbeResult UrlCredentialsResult();

struct NamedSample {
  std::string name;  ///< snake_case, used for golden file names
  ProbeResult result;
};

/// All of the above, in a fixed order.
std::vector<NamedSample> AllSamples();

}  // namespace pushprobe::samples
