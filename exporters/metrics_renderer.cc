#include "exporters/metrics_renderer.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "exporters/label_text_pool.h"

namespace pushprobe::exporter {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

struct FamilySpec {
  const char* name;
  MetricType type;
  const char* help;
  bool scheduled_only;
};

// HELP texts end without a period so the source suffix reads as one sentence.
constexpr std::array<FamilySpec, kTargetFamilyCount> kFamilies = {{
    {"probe_success", MetricType::Gauge, "Whether the check succeeded (1) or failed (0)", false},
    {"probe_duration_seconds", MetricType::Gauge, "How long the check took in seconds", false},
    {"probe_stage_success", MetricType::Gauge,
     "Whether the stage succeeded (1) or failed or was skipped (0)", false},
    {"probe_stage_duration_seconds", MetricType::Gauge,
     "How long the stage took in seconds, 0 when skipped", false},
    {"probe_http_duration_seconds", MetricType::Gauge,
     "Seconds spent in each phase of the stage's HTTP requests (dns, connect, tls, request, "
     "response), 0 for a phase that did not happen",
     false},
    {"probe_failure_info", MetricType::Gauge,
     "Present with value 1 when the check failed: the failing stage, the reason and Exchange's "
     "category",
     false},
    {"probe_auth_certificate_expiry_timestamp_seconds", MetricType::Gauge,
     "Unix time at which the Auth (OAuth signing) certificate expires", false},
    {"probe_next_auth_certificate_registered", MetricType::Gauge,
     "Whether the token issuer accepted an assertion signed with the next Auth certificate (1) "
     "or refused it (0), only for targets with a next certificate",
     false},
    {"probe_next_auth_certificate_expiry_timestamp_seconds", MetricType::Gauge,
     "Unix time at which the next Auth certificate expires", false},
    {"probe_next_auth_certificate_effective_timestamp_seconds", MetricType::Gauge,
     "Unix time at which the next Auth certificate becomes effective (next_effective_date)", false},
    {"probe_tls_certificate_expiry_timestamp_seconds", MetricType::Gauge,
     "Unix time at which the TLS server certificate of each endpoint expires, also when it "
     "failed verification",
     false},
    {"probe_token_expiry_timestamp_seconds", MetricType::Gauge,
     "Unix time at which the access token obtained by the check expires", false},
    {"probe_clock_skew_seconds", MetricType::Gauge,
     "Server Date header minus local time in seconds, from the latest response that had one",
     false},
    {"probe_last_run_timestamp_seconds", MetricType::Gauge, "Unix time at which the check started",
     false},
    {"probe_last_success_timestamp_seconds", MetricType::Gauge,
     "Unix time at which the latest successful check started", true},
    {"probe_runs_total", MetricType::Counter, "Checks run since the exporter started", true},
    {"probe_failures_total", MetricType::Counter,
     "Failed checks since the exporter started, by failing stage and reason", true},
}};

constexpr std::array<const char*, 5> kPhases = {"dns", "connect", "tls", "request", "response"};

std::string Help(const FamilySpec& spec, MetricsSource source) {
  std::string help = spec.help;
  help += source == MetricsSource::kScheduled
              ? ", from the latest scheduled run (use /probe to run a check on demand)."
              : ", from this on-demand run.";
  if (spec.type == MetricType::Counter) {
    help = spec.help;
    help += ", counting scheduled runs only.";
  }
  return help;
}

double Seconds(Duration d) { return ToSeconds(d); }

Duration PhaseTime(const HttpPhaseTimings& t, std::size_t phase) {
  switch (phase) {
    case 0:
      return t.dns;
    case 1:
      return t.connect;
    case 2:
      return t.tls;
    case 3:
      return t.request;
    default:
      return t.response;
  }
}

// Bytes that a padded copy (PutPadded below) may read and write past the end
// of a piece: every source and destination it is used on has that many more.
constexpr std::size_t kSlack = 64;
// Bytes after a RenderedTarget's last value: PutPadded<16> reads a value in
// 16-byte steps, so up to 15 bytes past its end.
constexpr std::size_t kValuePad = 15;

// `name{` of each target family, where every series line of it begins,
// followed by kSlack bytes so that a scrape may copy it with PutPadded.
std::string_view FamilyOpen(std::size_t family) {
  static const std::array<std::string, kTargetFamilyCount> kPadded = [] {
    std::array<std::string, kTargetFamilyCount> o;
    for (std::size_t i = 0; i < kTargetFamilyCount; ++i) {
      o[i] = std::string(kFamilies[i].name) + "{" + std::string(kSlack, '\0');
    }
    return o;
  }();
  return std::string_view(kPadded[family].data(), kPadded[family].size() - kSlack);
}

}  // namespace

namespace {

// The labels of a series besides `target`, in order.
using SeriesLabels = std::initializer_list<std::pair<const char*, std::string_view>>;

// Calls sink(family, value, labels) for every series of \p r, family by
// family in TargetFamily order and each family's series in order: the one
// home of which series a result has (TargetFamilies and ProbeExposition are
// both made from it). Scheduled-only families only with kScheduled and
// \p counters.
template <typename Sink>
void VisitSeries(const ProbeResult& r, const TargetCounters* counters, MetricsSource source,
                 Sink& sink) {
  sink(TargetFamily::kSuccess, r.succeeded() ? 1 : 0, {});
  sink(TargetFamily::kDuration, Seconds(r.duration), {});
  auto stage_of = [&r](StageId id) -> const StageResult* {
    const auto index = static_cast<std::size_t>(id);
    return index < r.stages.size() ? &r.stages[index] : nullptr;
  };
  for (StageId id : kAllStages) {
    const StageResult* s = stage_of(id);
    sink(TargetFamily::kStageSuccess, s && s->ok() ? 1 : 0, {{"stage", StageName(id)}});
  }
  for (StageId id : kAllStages) {
    const StageResult* s = stage_of(id);
    sink(TargetFamily::kStageDuration, s ? Seconds(s->duration) : 0, {{"stage", StageName(id)}});
  }
  for (const StageInfo& info : kStageInfos) {
    if (!info.makes_http_requests) continue;
    const StageResult* s = stage_of(info.id);
    for (std::size_t p = 0; p < kPhases.size(); ++p) {
      Duration total{};
      if (s) {
        for (const HttpRequestFacts& req : s->requests) total += PhaseTime(req.timings, p);
      }
      sink(TargetFamily::kHttpDuration, Seconds(total),
           {{"stage", info.name}, {"phase", kPhases[p]}});
    }
  }
  if (!r.succeeded()) {
    sink(TargetFamily::kFailureInfo, 1,
         {{"stage", r.failed_stage ? StageName(*r.failed_stage) : std::string_view()},
          {"reason", ReasonName(r.reason)},
          {"category", ExchangeCategoryName(r.category)}});
  }
  const ProbeFacts& f = r.facts;
  if (f.auth_cert_not_after) {
    sink(TargetFamily::kAuthCertificateExpiry, ToUnixSeconds(*f.auth_cert_not_after), {});
  }
  if (f.next_auth_cert_registered) {
    sink(TargetFamily::kNextAuthCertificateRegistered, *f.next_auth_cert_registered ? 1 : 0, {});
  }
  if (f.next_auth_cert_not_after) {
    sink(TargetFamily::kNextAuthCertificateExpiry, ToUnixSeconds(*f.next_auth_cert_not_after), {});
  }
  if (f.next_auth_cert_effective) {
    sink(TargetFamily::kNextAuthCertificateEffective, ToUnixSeconds(*f.next_auth_cert_effective),
         {});
  }
  for (const auto& [endpoint, cert] : f.tls_leaf) {
    sink(TargetFamily::kTlsCertificateExpiry, ToUnixSeconds(cert.not_after),
         {{"endpoint", endpoint}});
  }
  if (f.token_expires_at) {
    sink(TargetFamily::kTokenExpiry, ToUnixSeconds(*f.token_expires_at), {});
  }
  if (f.clock_skew) sink(TargetFamily::kClockSkew, Seconds(*f.clock_skew), {});
  sink(TargetFamily::kLastRun, ToUnixSeconds(r.started_at), {});

  if (source != MetricsSource::kScheduled || counters == nullptr) return;
  if (counters->last_success) {
    sink(TargetFamily::kLastSuccess, ToUnixSeconds(*counters->last_success), {});
  }
  sink(TargetFamily::kRuns, static_cast<double>(counters->runs), {});
  for (const auto& [key, count] : counters->failures) {
    sink(TargetFamily::kFailures, static_cast<double>(count),
         {{"stage", StageName(key.first)}, {"reason", ReasonName(key.second)}});
  }
}

// Appends \p value as a label value: backslash, double quote and newline
// escaped as the text format (and prometheus::TextSerializer) has them.
void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// Appends what follows `target="T"` in a sample line up to the value: the
// series' other labels, each `,name="value"`, and "} ".
void AppendLabelTail(std::string& out, SeriesLabels labels) {
  for (const auto& [name, v] : labels) {
    out += ',';
    out += name;
    out += "=\"";
    AppendLabelValue(out, v);
    out += '"';
  }
  out += "} ";
}

// Appends \p value as prometheus::TextSerializer writes a sample value: 16
// significant digits, as printf's %.16g ("C" locale), Nan and +Inf/-Inf.
void AppendSampleValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "Nan";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-Inf" : "+Inf";
  } else {
    char buffer[32];
    const std::to_chars_result end =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 16);
    out.append(buffer, end.ptr);
  }
}

// The HELP and TYPE lines of target family \p family for \p source.
std::string Header(std::size_t family, MetricsSource source) {
  const FamilySpec& spec = kFamilies[family];
  return std::string("# HELP ") + spec.name + " " + Help(spec, source) + "\n# TYPE " + spec.name +
         (spec.type == MetricType::Counter ? " counter\n" : " gauge\n");
}

}  // namespace

std::vector<MetricFamily> MetricsRenderer::TargetFamilies(const ProbeResult& r,
                                                          const TargetCounters* counters,
                                                          MetricsSource source) {
  std::vector<MetricFamily> families(kTargetFamilyCount);
  for (std::size_t i = 0; i < kTargetFamilyCount; ++i) {
    families[i].name = kFamilies[i].name;
    families[i].type = kFamilies[i].type;
    families[i].help = Help(kFamilies[i], source);
  }
  auto add = [&families, &r](TargetFamily f, double value, SeriesLabels labels) {
    ClientMetric m;
    m.label.reserve(labels.size() + 1);
    m.label.push_back({"target", r.target});
    for (const auto& [name, v] : labels) m.label.push_back({name, std::string(v)});
    m.gauge.value = value;
    m.counter.value = value;
    families[static_cast<std::size_t>(f)].metric.push_back(std::move(m));
  };
  VisitSeries(r, counters, source, add);
  return families;
}

std::string MetricsRenderer::Serialize(const std::vector<MetricFamily>& families) {
  std::vector<MetricFamily> present;
  for (const MetricFamily& f : families) {
    if (!f.metric.empty()) present.push_back(f);
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, present);
  return out.str();
}

std::string MetricsRenderer::ProbeExposition(const ProbeResult& result) {
  static const std::array<std::string, kTargetFamilyCount> kHeaders = [] {
    std::array<std::string, kTargetFamilyCount> h;
    for (std::size_t i = 0; i < kTargetFamilyCount; ++i) h[i] = Header(i, MetricsSource::kOnDemand);
    return h;
  }();
  // Written directly rather than through MetricFamily objects and the
  // serializer (a tenth of the instructions); the same bytes, which
  // MetricsRendererTest.ProbeExpositionIsTheSerializersText pins.
  std::string target = "target=\"";
  AppendLabelValue(target, result.target);
  target += '"';
  std::string out;
  out.reserve(4096);
  std::size_t current = kTargetFamilyCount;
  auto write = [&](TargetFamily f, double value, SeriesLabels labels) {
    const auto family = static_cast<std::size_t>(f);
    if (family != current) {
      out += kHeaders[family];
      current = family;
    }
    out += kFamilies[family].name;
    out += '{';
    out += target;
    AppendLabelTail(out, labels);
    AppendSampleValue(out, value);
    out += '\n';
  };
  VisitSeries(result, nullptr, MetricsSource::kOnDemand, write);
  return out;
}

RenderedTarget MetricsRenderer::RenderScheduled(const ProbeResult& result,
                                                const TargetCounters& counters, bool http_phases) {
  // Written from the series directly (VisitSeries), as ProbeExposition is:
  // building prometheus-cpp's family objects, serializing them and parsing
  // the text back took some 140 allocations a run. The same bytes, which
  // the goldens and CompactSeriesGiveBackTheSerializersTextForAnyTargetName
  // pin against the serializer.
  std::string label = "target=\"";
  AppendLabelValue(label, result.target);
  label += '"';
  // Every series' tail (its other labels and "} ") and value, one after
  // another; the views into them are taken once both stop growing.
  std::string tails_text;
  std::string values_text;
  tails_text.reserve(1024);
  values_text.reserve(512);
  std::vector<std::size_t> tail_ends;
  std::vector<std::size_t> value_ends;
  tail_ends.reserve(kTargetFamilyCount * 2);
  value_ends.reserve(kTargetFamilyCount * 2);
  std::array<std::size_t, kTargetFamilyCount> count{};
  std::size_t current = 0;
  std::size_t samples_bytes = 0;
  auto add = [&](TargetFamily f, double value, SeriesLabels labels) {
    const auto family = static_cast<std::size_t>(f);
    // A family's series must follow each other: the packed form keeps one
    // range per family.
    if (family < current) {
      throw std::logic_error("series out of family order for target " + result.target);
    }
    current = family;
    if (f == TargetFamily::kHttpDuration && !http_phases) return;
    const std::size_t tail_begin = tails_text.size();
    AppendLabelTail(tails_text, labels);
    tail_ends.push_back(tails_text.size());
    const std::size_t value_begin = values_text.size();
    AppendSampleValue(values_text, value);
    value_ends.push_back(values_text.size());
    ++count[family];
    // The line `name{target="T"<tail><value>\n`.
    samples_bytes += FamilyOpen(family).size() + label.size() + (tails_text.size() - tail_begin) +
                     (values_text.size() - value_begin) + 1;
  };
  VisitSeries(result, &counters, MetricsSource::kScheduled, add);
  std::array<std::size_t, kTargetFamilyCount + 1> first{};  // index of each family's first series
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) first[f + 1] = first[f] + count[f];
  std::vector<std::string_view> tails;
  std::vector<std::string_view> values;
  tails.reserve(tail_ends.size());
  values.reserve(value_ends.size());
  for (std::size_t i = 0; i < tail_ends.size(); ++i) {
    const std::size_t tail_begin = i == 0 ? 0 : tail_ends[i - 1];
    const std::size_t value_begin = i == 0 ? 0 : value_ends[i - 1];
    tails.push_back(std::string_view(tails_text).substr(tail_begin, tail_ends[i] - tail_begin));
    values.push_back(
        std::string_view(values_text).substr(value_begin, value_ends[i] - value_begin));
  }

  std::vector<LabelTextPool::Id> ids;
  ids.reserve(tails.size());
  LabelTextPool::Shared().Intern(tails, &ids);

  RenderedTarget rendered;
  std::size_t size = label.size() + kValuePad;
  for (std::string_view v : values) size += sizeof(LabelTextPool::Id) + 1 + v.size() + 1;
  rendered.data_.reserve(size);
  rendered.data_.append(label);
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    rendered.offsets_[f] = static_cast<std::uint32_t>(rendered.data_.size());
    for (std::size_t i = first[f]; i < first[f + 1]; ++i) {
      char id[sizeof(LabelTextPool::Id)];
      std::memcpy(id, &ids[i], sizeof id);
      rendered.data_.append(id, sizeof id);
      // A length byte, so that a scrape copies the value without searching
      // for its end. Numbers are far shorter than 255 characters.
      if (values[i].size() + 1 > 255) {
        throw std::logic_error("a sample value of " + std::to_string(values[i].size()) +
                               " characters");
      }
      rendered.data_.push_back(static_cast<char>(values[i].size() + 1));
      rendered.data_.append(values[i]);
      rendered.data_.push_back('\n');
    }
  }
  rendered.offsets_[kTargetFamilyCount] = static_cast<std::uint32_t>(rendered.data_.size());
  // Room after the last value, so that SeriesText copies every value with
  // PutPadded without looking at where the data ends.
  rendered.data_.append(kValuePad, '\0');
  rendered.text_size_ = static_cast<std::uint32_t>(samples_bytes);
  return rendered;
}

namespace {

template <std::size_t N>
inline void CopyFixed(char* w, const char* s) {
  char t[N];
  std::memcpy(t, s, N);
  std::memcpy(w, t, N);
}

// Copies [s, s + n) and returns w + n: the first K bytes in one fixed-size
// copy, the rest in 16-byte steps, so it reads up to kSlack bytes past s + n
// and writes as many past w + n, which the next piece overwrites (or the
// block never sends). Where both sides have that room, a piece of up to K
// bytes is a few loads and stores and one branch, where a copy by its length
// would choose among several ways. K is the usual piece's size rounded up: 64
// for `name{` and for `name{target="T"`, 32 for a label tail, 16 for a value.
template <std::size_t K>
inline char* PutPadded(char* w, const char* s, std::size_t n) {
  static_assert(K <= kSlack && K % 16 == 0, "a step may go up to kSlack past the end");
  CopyFixed<K>(w, s);
  for (std::size_t i = K; i < n; i += 16) CopyFixed<16>(w + i, s + i);
  return w + n;
}

}  // namespace

// The label texts of LabelTextPool (the tails of series lines) copied once
// per scrape into one string with kSlack bytes after the last, so that every
// tail can be copied with PutPadded.
class MetricsRenderer::PaddedTails {
 public:
  PaddedTails() {
    const std::vector<std::string_view> tails = LabelTextPool::Shared().Texts();
    std::size_t size = kSlack;
    for (std::string_view t : tails) {
      size += t.size();
      longest_ = std::max(longest_, t.size());
    }
    text_.reserve(size);
    for (std::string_view t : tails) text_.append(t);
    text_.append(kSlack, '\0');
    views_.reserve(tails.size());
    std::size_t at = 0;
    for (std::string_view t : tails) {
      views_.emplace_back(text_.data() + at, t.size());
      at += t.size();
    }
  }
  PaddedTails(const PaddedTails&) = delete;
  PaddedTails& operator=(const PaddedTails&) = delete;

  const std::string_view* views() const { return views_.data(); }
  std::size_t longest() const { return longest_; }

 private:
  std::string text_;
  std::vector<std::string_view> views_;
  std::size_t longest_ = 0;
};

// Collects output in a buffer and hands it to the stream in large blocks:
// a scrape of 10,000 targets appends some 3 million pieces of a few bytes,
// and a bounds check per target and family is all the bookkeeping that
// allows. A block as large as the HTTP server's send buffer (256 KB) goes to
// the socket without being copied into that buffer first (ChunkStreamBuf).
// The buffer has kSlack bytes past its size() for PutPadded's overrun.
class MetricsRenderer::Block {
 public:
  static constexpr std::size_t kExpositionSize = 256 * 1024;

  // Left uninitialized: zeroing 256 KB per scrape would be one more pass.
  Block(std::ostream& out, std::size_t size)
      : out_(out), size_(size), buffer_(new char[size + kSlack]), pos_(0) {}
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  /// Room for \p n more bytes (and kSlack past them); write them, then Commit.
  char* Reserve(std::size_t n) {
    if (n > size_ - pos_) {
      Flush();
      if (n > size_) {
        size_ = n;
        buffer_.reset(new char[n + kSlack]);  // empty after Flush: nothing to keep
      }
    }
    return buffer_.get() + pos_;
  }
  void Commit(const char* end) { pos_ = static_cast<std::size_t>(end - buffer_.get()); }
  void Append(std::string_view s) {
    char* p = Reserve(s.size());
    std::memcpy(p, s.data(), s.size());
    Commit(p + s.size());
  }
  void Flush() {
    out_.write(buffer_.get(), static_cast<std::streamsize>(pos_));
    pos_ = 0;
  }

 private:
  std::ostream& out_;
  std::size_t size_;
  std::unique_ptr<char[]> buffer_;
  std::size_t pos_;
};

// Inlined into the family loop: a call per target and family costs as much
// as one of its lines.
[[gnu::always_inline]] inline void MetricsRenderer::AppendSeries(Block& out, std::string_view open,
                                                                 std::string_view label,
                                                                 const char* p, const char* end,
                                                                 const PaddedTails& tails) {
  if (p == end) return;
  // Room for every line: a packed series takes at least 4 bytes (id, length,
  // a value of at least its '\n'), and its line adds the prefix and a tail.
  const std::size_t bytes = static_cast<std::size_t>(end - p);
  const std::size_t lines = bytes / (sizeof(LabelTextPool::Id) + 2);
  char* w = out.Reserve(bytes + lines * (open.size() + label.size() + tails.longest()));
  // The first line's `name{target="T"` is written from its pieces, every
  // further line's copied whole from the first (a target's lines of one
  // family follow each other).
  char* const first = w;
  w = PutPadded<64>(w, open.data(), open.size());
  w = PutPadded<32>(w, label.data(), label.size());
  const std::size_t prefix = static_cast<std::size_t>(w - first);
  const std::string_view* const texts = tails.views();
  for (;;) {
    LabelTextPool::Id id;
    std::memcpy(&id, p, sizeof id);
    const std::size_t value = static_cast<unsigned char>(p[sizeof id]);
    p += sizeof id + 1;
    const std::string_view tail = texts[id];
    w = PutPadded<32>(w, tail.data(), tail.size());
    w = PutPadded<16>(w, p, value);  // the data has at least kValuePad bytes after it
    p += value;
    if (p >= end) break;
    w = PutPadded<64>(w, first, prefix);
  }
  out.Commit(w);
}

std::string MetricsRenderer::SeriesText(const RenderedTarget& target) {
  const PaddedTails tails;
  const char* const data = target.data_.data();
  // The label with AppendSeries' room after it.
  const std::string label = std::string(data, target.offsets_[0]) + std::string(kSlack, '\0');
  std::ostringstream text;
  Block block(text, 4096);
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    AppendSeries(block, FamilyOpen(f), std::string_view(label.data(), target.offsets_[0]),
                 data + target.offsets_[f], data + target.offsets_[f + 1], tails);
  }
  block.Flush();
  return text.str();
}

const std::string& MetricsRenderer::ScheduledHeader(std::size_t family) {
  static const std::array<std::string, kTargetFamilyCount> kHeaders = [] {
    std::array<std::string, kTargetFamilyCount> h;
    for (std::size_t i = 0; i < kTargetFamilyCount; ++i)
      h[i] = Header(i, MetricsSource::kScheduled);
    return h;
  }();
  return kHeaders.at(family);
}

RenderedGroup::Pieces RenderedGroup::PiecesOf(const RenderedTarget& target) {
  Pieces p;
  const std::string_view data(target.data_);
  p.regions[0] = data.substr(0, target.offsets_[0]);
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    p.regions[1 + f] = data.substr(target.offsets_[f], target.offsets_[f + 1] - target.offsets_[f]);
  }
  p.text_size = target.text_size_;
  return p;
}

RenderedGroup::Pieces RenderedGroup::PiecesOf(std::size_t index) const {
  Pieces p;
  for (std::size_t r = 0; r < kRegions; ++r) p.regions[r] = Region(r, index);
  p.text_size = text_sizes_.at(index);
  return p;
}

std::shared_ptr<const RenderedGroup> RenderedGroup::Of(const std::vector<Pieces>& targets) {
  auto g = std::make_shared<RenderedGroup>();
  const std::size_t n = targets.size();
  g->size_ = n;
  std::size_t bytes = kSlack;
  for (const Pieces& t : targets) {
    for (std::string_view r : t.regions) bytes += r.size();
  }
  g->data_.reserve(bytes);
  g->starts_.resize(kRegions * n + 1);
  for (std::size_t r = 0; r < kRegions; ++r) {
    for (std::size_t k = 0; k < n; ++k) {
      g->starts_[r * n + k] = static_cast<std::uint32_t>(g->data_.size());
      g->data_.append(targets[k].regions[r]);
      if (r > 0 && !targets[k].regions[r].empty()) g->families_ |= 1u << (r - 1);
    }
  }
  g->starts_[kRegions * n] = static_cast<std::uint32_t>(g->data_.size());
  g->data_.append(kSlack, '\0');
  g->text_sizes_.reserve(n);
  for (const Pieces& t : targets) {
    g->text_sizes_.push_back(t.text_size);
    g->text_size_ += t.text_size;
  }
  return g;
}

void RenderedGroup::Builder::Add(RenderedTarget target) {
  members_.push_back(Member{nullptr, owned_.size(), true});
  owned_.push_back(std::move(target));
}

void RenderedGroup::Builder::Add(const RenderedGroup& group, std::size_t index) {
  members_.push_back(Member{&group, index, false});
}

void RenderedGroup::Builder::AddEmpty() { members_.push_back(Member{}); }

std::shared_ptr<const RenderedGroup> RenderedGroup::Builder::Build() {
  std::vector<Pieces> pieces;
  pieces.reserve(members_.size());
  for (const Member& m : members_) {
    if (m.group != nullptr) {
      pieces.push_back(m.group->PiecesOf(m.index));
    } else if (m.owned) {
      pieces.push_back(PiecesOf(owned_[m.index]));
    } else {
      pieces.emplace_back();
    }
  }
  std::shared_ptr<const RenderedGroup> built = Of(pieces);
  members_.clear();
  owned_.clear();
  return built;
}

std::shared_ptr<const RenderedGroup> RenderedGroup::With(std::size_t index,
                                                         const RenderedTarget& target) const {
  std::vector<Pieces> pieces;
  pieces.reserve(size_);
  for (std::size_t k = 0; k < size_; ++k) {
    pieces.push_back(k == index ? PiecesOf(target) : PiecesOf(k));
  }
  return Of(pieces);
}

void MetricsRenderer::WriteExposition(
    std::ostream& out, const std::vector<std::shared_ptr<const RenderedGroup>>& groups) {
  // Taken after the groups were collected, so it covers every id they use.
  const PaddedTails tails;
  std::uint32_t present = 0;
  for (const auto& g : groups) present |= g->families();
  Block block(out, Block::kExpositionSize);
  // A family no target has (the phases without --metrics.http-phases,
  // failures when all succeed) is not visited at all; nor is a group none
  // of whose targets has the family. Within a group, the targets' labels
  // and their series of the family are each read in order.
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    if (((present >> f) & 1u) == 0) continue;
    block.Append(ScheduledHeader(f));
    const std::string_view open = FamilyOpen(f);
    for (const auto& group : groups) {
      const RenderedGroup& g = *group;
      if (((g.families_ >> f) & 1u) == 0) continue;
      const char* const data = g.data_.data();
      const std::uint32_t* const labels = g.starts_.data();
      const std::uint32_t* const series = labels + (1 + f) * g.size_;
      for (std::size_t k = 0; k < g.size_; ++k) {
        if (series[k] == series[k + 1]) continue;
        AppendSeries(block, open, std::string_view(data + labels[k], labels[k + 1] - labels[k]),
                     data + series[k], data + series[k + 1], tails);
      }
    }
  }
  block.Flush();
}

std::size_t MetricsRenderer::ExpositionSize(
    const std::vector<std::shared_ptr<const RenderedGroup>>& groups) {
  std::size_t size = 0;
  std::uint32_t present = 0;
  for (const auto& g : groups) {
    size += g->text_size();
    present |= g->families();
  }
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    if ((present >> f) & 1u) size += ScheduledHeader(f).size();
  }
  return size;
}

}  // namespace pushprobe::exporter
