#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "exporters/result_store.h"
#include "probe/core/clock.h"

namespace pushprobe::exporter {

/// \brief Everything the status page shows besides the targets.
struct StatusPageInfo {
  std::string version;
  std::string config_file;
  bool last_reload_successful = true;
  std::string last_reload_error;  ///< the loader's first error, when the last reload failed
  WallTime now{};
  /// Prefix of the page's links ("" for links relative to the page, else a
  /// URL or path ending in '/': --web.external-url or --web.route-prefix).
  std::string link_base;
  std::string telemetry_path = "/metrics";  ///< --web.telemetry-path
};

/// \brief Renders the exporter's `/` page: one row per target (state, failing
/// stage and reason, last success, Auth certificate days left), a waterfall
/// of the last run's stage timings and the recent run history.
///
/// Plain HTML with inline CSS: no scripts, no external assets, so it works
/// air-gapped and under a strict Content-Security-Policy. Every text from a
/// result or the configuration is HTML-escaped. Deterministic.
class StatusPage {
 public:
  static std::string Render(const std::vector<TargetSnapshot>& targets, const StatusPageInfo& info);
  /// \p s with & < > " ' escaped for HTML text and attribute values.
  static std::string Escape(std::string_view s);
};

}  // namespace pushprobe::exporter
