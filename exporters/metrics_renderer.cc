#include "exporters/metrics_renderer.h"

#include <prometheus/text_serializer.h>

#include <sstream>

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

constexpr std::array<StageId, 4> kHttpStages = {StageId::kMetadata, StageId::kChallenge,
                                                StageId::kToken, StageId::kPublish};
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

ClientMetric Sample(const std::string& target, double value,
                    std::initializer_list<std::pair<const char*, std::string>> labels = {}) {
  ClientMetric m;
  m.label.push_back({"target", target});
  for (const auto& [name, v] : labels) m.label.push_back({name, v});
  m.gauge.value = value;
  m.counter.value = value;
  return m;
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
  auto family = [&families](TargetFamily f) -> std::vector<ClientMetric>& {
    return families[static_cast<std::size_t>(f)].metric;
  };
  const std::string& t = r.target;

  family(TargetFamily::kSuccess).push_back(Sample(t, r.succeeded() ? 1 : 0));
  family(TargetFamily::kDuration).push_back(Sample(t, Seconds(r.duration)));
  for (StageId id : kAllStages) {
    const std::string stage(StageName(id));
    const auto index = static_cast<std::size_t>(id);
    const StageResult* s = index < r.stages.size() ? &r.stages[index] : nullptr;
    family(TargetFamily::kStageSuccess)
        .push_back(Sample(t, s && s->ok() ? 1 : 0, {{"stage", stage}}));
    family(TargetFamily::kStageDuration)
        .push_back(Sample(t, s ? Seconds(s->duration) : 0, {{"stage", stage}}));
  }
  for (StageId id : kHttpStages) {
    const std::string stage(StageName(id));
    const auto index = static_cast<std::size_t>(id);
    const StageResult* s = index < r.stages.size() ? &r.stages[index] : nullptr;
    for (std::size_t p = 0; p < kPhases.size(); ++p) {
      Duration total{};
      if (s) {
        for (const HttpRequestFacts& req : s->requests) total += PhaseTime(req.timings, p);
      }
      family(TargetFamily::kHttpDuration)
          .push_back(Sample(t, Seconds(total), {{"stage", stage}, {"phase", kPhases[p]}}));
    }
  }
  if (!r.succeeded()) {
    const std::string stage = r.failed_stage ? std::string(StageName(*r.failed_stage)) : "";
    std::string category(ExchangeCategoryName(r.category));
    family(TargetFamily::kFailureInfo)
        .push_back(Sample(t, 1,
                          {{"stage", stage},
                           {"reason", std::string(ReasonName(r.reason))},
                           {"category", category}}));
  }
  const ProbeFacts& f = r.facts;
  if (f.auth_cert_not_after) {
    family(TargetFamily::kAuthCertificateExpiry)
        .push_back(Sample(t, ToUnixSeconds(*f.auth_cert_not_after)));
  }
  for (const auto& [endpoint, cert] : f.tls_leaf) {
    family(TargetFamily::kTlsCertificateExpiry)
        .push_back(Sample(t, ToUnixSeconds(cert.not_after), {{"endpoint", endpoint}}));
  }
  if (f.token_expires_at) {
    family(TargetFamily::kTokenExpiry).push_back(Sample(t, ToUnixSeconds(*f.token_expires_at)));
  }
  if (f.clock_skew) family(TargetFamily::kClockSkew).push_back(Sample(t, Seconds(*f.clock_skew)));
  family(TargetFamily::kLastRun).push_back(Sample(t, ToUnixSeconds(r.started_at)));

  if (source == MetricsSource::kScheduled && counters) {
    if (counters->last_success) {
      family(TargetFamily::kLastSuccess)
          .push_back(Sample(t, ToUnixSeconds(*counters->last_success)));
    }
    family(TargetFamily::kRuns).push_back(Sample(t, static_cast<double>(counters->runs)));
    for (const auto& [key, count] : counters->failures) {
      family(TargetFamily::kFailures)
          .push_back(Sample(t, static_cast<double>(count),
                            {{"stage", std::string(StageName(key.first))},
                             {"reason", std::string(ReasonName(key.second))}}));
    }
  } else {
    for (std::size_t i = 0; i < kTargetFamilyCount; ++i) {
      if (kFamilies[i].scheduled_only) families[i].metric.clear();
    }
  }
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
  return Serialize(TargetFamilies(result, nullptr, MetricsSource::kOnDemand));
}

RenderedTarget MetricsRenderer::RenderScheduled(const ProbeResult& result,
                                                const TargetCounters& counters) {
  std::vector<MetricFamily> families = TargetFamilies(result, &counters, MetricsSource::kScheduled);
  RenderedTarget rendered;
  const prometheus::TextSerializer serializer;
  for (std::size_t i = 0; i < kTargetFamilyCount; ++i) {
    rendered.offsets[i] = static_cast<std::uint32_t>(rendered.text.size());
    if (families[i].metric.empty()) continue;
    // The serializer writes the HELP and TYPE lines first; /metrics writes
    // them once per family, so each target keeps only its samples.
    families[i].help.clear();
    std::ostringstream out;
    serializer.Serialize(out, {families[i]});
    std::string text = out.str();
    std::size_t samples = 0;
    while (samples < text.size() && text[samples] == '#') {
      samples = text.find('\n', samples);
      samples = samples == std::string::npos ? text.size() : samples + 1;
    }
    rendered.text.append(text, samples, std::string::npos);
  }
  rendered.offsets[kTargetFamilyCount] = static_cast<std::uint32_t>(rendered.text.size());
  rendered.text.shrink_to_fit();
  return rendered;
}

const std::string& MetricsRenderer::ScheduledHeader(std::size_t family) {
  static const std::array<std::string, kTargetFamilyCount> headers = [] {
    std::array<std::string, kTargetFamilyCount> h;
    for (std::size_t i = 0; i < kTargetFamilyCount; ++i) {
      MetricFamily f;
      f.name = kFamilies[i].name;
      f.type = kFamilies[i].type;
      f.help = Help(kFamilies[i], MetricsSource::kScheduled);
      std::ostringstream out;
      prometheus::TextSerializer().Serialize(out, {f});
      h[i] = out.str();
    }
    return h;
  }();
  return headers.at(family);
}

void MetricsRenderer::WriteExposition(
    std::ostream& out, const std::vector<std::shared_ptr<const RenderedTarget>>& targets) {
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    bool header = false;
    for (const auto& t : targets) {
      std::string_view slice = t->Slice(f);
      if (slice.empty()) continue;
      if (!header) {
        out << ScheduledHeader(f);
        header = true;
      }
      out.write(slice.data(), static_cast<std::streamsize>(slice.size()));
    }
  }
}

std::size_t MetricsRenderer::ExpositionSize(
    const std::vector<std::shared_ptr<const RenderedTarget>>& targets) {
  std::size_t size = 0;
  for (std::size_t f = 0; f < kTargetFamilyCount; ++f) {
    bool header = false;
    for (const auto& t : targets) {
      std::size_t n = t->offsets[f + 1] - t->offsets[f];
      if (n == 0) continue;
      if (!header) {
        size += ScheduledHeader(f).size();
        header = true;
      }
      size += n;
    }
  }
  return size;
}

}  // namespace pushprobe::exporter
