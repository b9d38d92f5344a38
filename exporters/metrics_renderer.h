#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>

#include "probe/core/probe_result.h"

namespace pushprobe::exporter {

/// The Content-Type of the text exposition format served on /metrics and /probe.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

/// \brief Where a result came from; it decides the HELP texts and which
/// families are present (counters exist only for scheduled runs).
enum class MetricsSource { kScheduled, kOnDemand };

/// \brief What a target accumulates across its scheduled runs.
struct TargetCounters {
  std::uint64_t runs = 0;
  /// Failed runs by failing stage and reason; only pairs that happened.
  std::map<std::pair<StageId, Reason>, std::uint64_t> failures;
  std::optional<WallTime> last_success;  ///< start of the latest successful run
};

/// \brief The families a target's series belong to, in exposition order.
enum class TargetFamily : std::size_t {
  kSuccess,
  kDuration,
  kStageSuccess,
  kStageDuration,
  kHttpDuration,
  kFailureInfo,
  kAuthCertificateExpiry,
  kTlsCertificateExpiry,
  kTokenExpiry,
  kClockSkew,
  kLastRun,
  kLastSuccess,
  kRuns,
  kFailures,
  kCount,
};
inline constexpr std::size_t kTargetFamilyCount = static_cast<std::size_t>(TargetFamily::kCount);

/// \brief One target's series for /metrics, already in text form, cut by family.
///
/// Rendered once when a run completes, so a scrape only concatenates: the
/// slice of family f is text[offsets[f], offsets[f + 1]).
struct RenderedTarget {
  std::string text;
  std::array<std::uint32_t, kTargetFamilyCount + 1> offsets{};

  std::string_view Slice(std::size_t family) const {
    return std::string_view(text).substr(offsets[family], offsets[family + 1] - offsets[family]);
  }
};

/// \brief Turns ProbeResults into Prometheus metric families and text.
///
/// Every series carries `target`. Stage series exist for every stage (a
/// skipped stage shows 0), HTTP phase series for every phase of every stage
/// that makes HTTP requests; labels come from fixed sets (StageName,
/// ReasonName, ExchangeCategoryName), so cardinality is bounded. Pure and
/// deterministic: the same input always gives the same bytes.
class MetricsRenderer {
 public:
  /// The families of one result. \p counters is required for kScheduled and
  /// ignored for kOnDemand. Families without a sample are included (empty).
  static std::vector<prometheus::MetricFamily> TargetFamilies(const ProbeResult& result,
                                                              const TargetCounters* counters,
                                                              MetricsSource source);

  /// The body of a /probe answer: the on-demand families with samples,
  /// serialized by prometheus::TextSerializer.
  static std::string ProbeExposition(const ProbeResult& result);

  /// One target's scheduled series, cut by family, for WriteExposition.
  static RenderedTarget RenderScheduled(const ProbeResult& result, const TargetCounters& counters);

  /// The HELP and TYPE lines of target family \p family on /metrics.
  static const std::string& ScheduledHeader(std::size_t family);

  /// Writes the target part of /metrics: for each family with at least one
  /// sample, its header and every target's slice, in \p targets order.
  static void WriteExposition(std::ostream& out,
                              const std::vector<std::shared_ptr<const RenderedTarget>>& targets);
  /// The exact number of bytes WriteExposition writes (for Content-Length).
  static std::size_t ExpositionSize(
      const std::vector<std::shared_ptr<const RenderedTarget>>& targets);

  /// Serializes \p families with prometheus::TextSerializer, leaving out
  /// families without samples.
  static std::string Serialize(const std::vector<prometheus::MetricFamily>& families);
};

}  // namespace pushprobe::exporter
