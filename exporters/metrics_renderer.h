#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
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
  kNextAuthCertificateRegistered,
  kNextAuthCertificateExpiry,
  kNextAuthCertificateEffective,
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

/// \brief One target's series for /metrics, kept compactly, cut by family.
///
/// Made once when a run completes (RenderScheduled); the store copies it into
/// the target's RenderedGroup, which a scrape reads. A series line is
/// `name{target="T"<tail>value\n`: the name is the family's, `target="T"` is stored once per
/// target, the tail (the other labels) is shared with every target through LabelTextPool, and only
/// the value text is the series' own. A target that succeeds has 43 series
/// with the HTTP phases: about 600 bytes this way instead of 3.3 KB of text. MetricsRenderer puts
/// the lines back together, byte for byte, at scrape time. Without
/// --metrics.http-phases a successful target has 23 series (docs/metrics.md).
class RenderedTarget {
 public:
  /// The size of the target's series text (MetricsRenderer::SeriesText) in bytes.
  std::size_t text_size() const { return text_size_; }
  /// The memory the series take, this object included.
  std::size_t stored_bytes() const { return sizeof(*this) + data_.capacity(); }

 private:
  friend class MetricsRenderer;
  friend class RenderedGroup;

  /// `target="T"`, then per series: its LabelTextPool id (2 bytes, native
  /// order), the length of the rest (1 byte), its value text and '\n'; then
  /// 15 zero bytes, so that SeriesText copies values in 16-byte steps (a
  /// RenderedGroup has its own room after its data).
  /// Family f's series are data_[offsets_[f], offsets_[f + 1]).
  std::string data_;
  std::array<std::uint32_t, kTargetFamilyCount + 1> offsets_{};
  std::uint32_t text_size_ = 0;
};

/// \brief The series of up to kTargets consecutive targets (in name order),
/// copied into one buffer family by family: what /metrics is written from.
///
/// A scrape writes each family's series for every target before the next
/// family's. When each target's series lay in its own RenderedTarget,
/// wherever the worker that recorded its run got memory, nearly every read
/// of a scrape of 50,000 targets missed the cache. A group keeps its
/// targets' labels side by side, then their series of the first family side
/// by side, then of the second, and so on, so that a scrape reads each group
/// in order, once per family (bench/exporter/RESULTS.md, session 11). It is
/// immutable: a run's series replace its target's in a copy of the group
/// (With, about 50 KB), so a scrape in progress keeps reading the groups it
/// took.
class RenderedGroup {
 public:
  static constexpr std::size_t kTargets = 64;

  /// Makes a group from targets taken one by one, each from a
  /// RenderedTarget, from another group, or empty (a target without a run).
  class Builder {
   public:
    void Add(RenderedTarget target);
    /// Target \p index of \p group, which must outlive Build.
    void Add(const RenderedGroup& group, std::size_t index);
    void AddEmpty();
    std::size_t size() const { return members_.size(); }
    /// The group of the targets added since the last Build.
    std::shared_ptr<const RenderedGroup> Build();

   private:
    struct Member {
      const RenderedGroup* group = nullptr;  ///< null: owned_[index], or empty when !owned
      std::size_t index = 0;
      bool owned = false;
    };
    std::vector<Member> members_;
    std::vector<RenderedTarget> owned_;
  };

  /// A copy with target \p index's series replaced by \p target's.
  std::shared_ptr<const RenderedGroup> With(std::size_t index, const RenderedTarget& target) const;

  /// Targets in the group, those without a run included.
  std::size_t size() const { return size_; }
  /// The size of the targets' series text, without HELP and TYPE lines.
  std::size_t text_size() const { return text_size_; }
  /// Bit f set when a target of the group has a series in family f: a
  /// scrape learns which headers to write, and which groups a family's pass
  /// can skip, from one word per group.
  std::uint32_t families() const { return families_; }

 private:
  friend class MetricsRenderer;

  /// Region 0 of a target is its label (`target="T"`), region 1 + f its
  /// packed series of family f (RenderedTarget's format).
  static constexpr std::size_t kRegions = kTargetFamilyCount + 1;
  struct Pieces {
    std::array<std::string_view, kRegions> regions;
    std::uint32_t text_size = 0;
  };
  static Pieces PiecesOf(const RenderedTarget& target);
  Pieces PiecesOf(std::size_t index) const;
  static std::shared_ptr<const RenderedGroup> Of(const std::vector<Pieces>& targets);
  std::string_view Region(std::size_t region, std::size_t index) const {
    const std::size_t at = region * size_ + index;
    return std::string_view(data_.data() + starts_.at(at), starts_.at(at + 1) - starts_.at(at));
  }

  std::size_t size_ = 0;
  /// Region r of target k is data_[starts_[r * size_ + k], starts_[r * size_ + k + 1]):
  /// the regions follow each other, region by region, and data_ has kSlack
  /// zero bytes after the last, so that a scrape copies any piece with
  /// PutPadded.
  std::vector<std::uint32_t> starts_;
  std::vector<std::uint32_t> text_sizes_;  ///< per target
  std::string data_;
  std::size_t text_size_ = 0;
  std::uint32_t families_ = 0;
  static_assert(kTargetFamilyCount <= 32, "families_ has a bit per family");
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

  /// The body of a /probe answer: the on-demand families with samples, the
  /// bytes prometheus::TextSerializer writes for TargetFamilies (kOnDemand),
  /// written directly.
  static std::string ProbeExposition(const ProbeResult& result);

  /// One target's scheduled series, cut by family, for WriteExposition.
  /// \p http_phases keeps probe_http_duration_seconds (20 of a successful
  /// target's 43 series; --metrics.http-phases); /probe always has them.
  /// \throw std::logic_error if the serializer's text is not one
  /// `name{target="...",...} value` line per sample (a programming error).
  static RenderedTarget RenderScheduled(const ProbeResult& result, const TargetCounters& counters,
                                        bool http_phases);

  /// \p target's series of every family as /metrics shows them, without the
  /// HELP and TYPE lines.
  static std::string SeriesText(const RenderedTarget& target);

  /// The HELP and TYPE lines of target family \p family on /metrics.
  static const std::string& ScheduledHeader(std::size_t family);

  /// Writes the target part of /metrics: for each family with at least one
  /// sample, its header and every target's series of it, in \p groups order.
  /// Writes to \p out in blocks of 256 KB (ChunkStreamBuf passes them on uncopied).
  static void WriteExposition(std::ostream& out,
                              const std::vector<std::shared_ptr<const RenderedGroup>>& groups);
  /// The exact number of bytes WriteExposition writes (for Content-Length).
  static std::size_t ExpositionSize(
      const std::vector<std::shared_ptr<const RenderedGroup>>& groups);

  /// Serializes \p families with prometheus::TextSerializer, leaving out
  /// families without samples.
  static std::string Serialize(const std::vector<prometheus::MetricFamily>& families);

 private:
  class Block;
  class PaddedTails;
  /// Appends the lines of one target's family to \p out: \p open is the
  /// family's `name{` and \p label the target's `target="T"`, each followed by
  /// at least 64 readable bytes; [\p p, \p end) its packed series, within
  /// data with at least 15 readable bytes after \p end; \p tails the label texts
  /// of LabelTextPool taken after the target was rendered.
  static void AppendSeries(Block& out, std::string_view open, std::string_view label, const char* p,
                           const char* end, const PaddedTails& tails);
};

}  // namespace pushprobe::exporter
