#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "exporters/metrics_renderer.h"
#include "probe/core/expected.h"
#include "probe/core/probe_result.h"

namespace pushprobe::exporter {

/// \brief The body of a /metrics answer: the targets' rendered series and the
/// exporter's own, written straight to the socket so a scrape of 10,000
/// targets never builds one big string.
struct MetricsBody {
  std::vector<std::shared_ptr<const RenderedGroup>> targets;
  std::string own;  ///< the exporter's own families, already serialized
  /// Held while the body is written: the scheduler's due runs wait meanwhile
  /// (Scheduler::HoldStarts). Null when nothing is held.
  std::shared_ptr<const void> hold;

  std::size_t size() const { return MetricsRenderer::ExpositionSize(targets) + own.size(); }
  void Write(std::ostream& out) const {
    MetricsRenderer::WriteExposition(out, targets);
    out << own;
  }
};

/// \brief What the HTTP endpoints need from the running exporter.
///
/// The HTTP router is written against this interface, so its tests use a
/// fake and the exporter app supplies the real thing. Implementations are
/// thread-safe: the HTTP server calls them from several threads.
class ExporterBackend {
 public:
  virtual ~ExporterBackend() = default;
  /// The latest scheduled results of every target plus the exporter's own metrics.
  virtual MetricsBody Metrics() = 0;
  /// Runs the configured target \p name now, within \p budget when given
  /// (on top of the target's own timeout). nullopt when no such target is
  /// configured. Never throws.
  virtual std::optional<ProbeResult> RunProbe(const std::string& name,
                                              std::optional<Duration> budget) = 0;
  /// The human-readable transcript of a run, for /probe?debug=true.
  virtual std::string Transcript(const ProbeResult& result) = 0;
  /// The status page; \p auto_refresh adds the page's own periodic reload.
  virtual std::string StatusPageHtml(bool auto_refresh) = 0;
  /// One target's page, or nullopt when no such target is configured.
  virtual std::optional<std::string> TargetPageHtml(const std::string& name, bool auto_refresh) = 0;
  /// The effective configuration with secrets redacted.
  virtual std::string ConfigYaml() = 0;
  /// Reloads the configuration file; a bad file keeps the running
  /// configuration and the error is every loader error, one per line.
  virtual Expected<void> Reload() = 0;
  /// Whether the exporter has a configuration and serves requests.
  virtual bool Ready() = 0;
  /// Counts a request for the exporter's own metrics.
  virtual void CountRequest(const std::string& handler) = 0;
};

}  // namespace pushprobe::exporter
