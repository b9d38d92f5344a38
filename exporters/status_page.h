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
  std::string shard;  ///< "I/N" when this replica is one of several, else empty
  bool last_reload_successful = true;
  std::string last_reload_error;  ///< the loader's first error, when the last reload failed
  /// Secret files readable beyond the service (SecretFileWarnings), each with its chmod.
  std::vector<std::string> secret_file_warnings;
  WallTime now{};
  /// Whether the page reloads itself (a meta refresh); "?refresh=off" turns it off.
  bool auto_refresh = true;
  /// Prefix of the page's links ("" for links relative to the page, else a
  /// URL or path ending in '/': --web.external-url or --web.route-prefix).
  std::string link_base;
  std::string telemetry_path = "/metrics";  ///< --web.telemetry-path
};

/// \brief Renders the exporter's human pages: `/`, one row per target, and
/// `target/NAME`, one target in full.
///
/// `/`: a summary line (n OK, failing, timed out, pending), the targets that
/// fail first (Failed, then TimedOut, then pending, then OK; by name within),
/// and per target its state, failing stage and reason, pushprobe's own
/// explanation, the one-line hint, the clock skew, the Auth certificate's days
/// left and a labelled waterfall of the last run on a time axis.
///
/// `target/NAME`: the same row in full, the success ratio over the kept
/// history, the last run's transcript and the history with identical
/// consecutive results collapsed into one line.
///
/// Plain HTML with inline CSS: no scripts, no external assets, so it works
/// air-gapped and under a strict Content-Security-Policy; a viewport meta and
/// media queries so it reads at 400 px. Links are relative to the page, or
/// start with StatusPageInfo::link_base when one is set. Every text from a result, a server or the
/// configuration is HTML-escaped. Deterministic.
class StatusPage {
 public:
  /// Seconds between automatic reloads of both pages.
  static constexpr int kRefreshSeconds = 30;

  static std::string Render(const std::vector<TargetSnapshot>& targets, const StatusPageInfo& info);
  static std::string RenderTarget(const TargetSnapshot& target, const StatusPageInfo& info);
  /// \p s with & < > " ' escaped for HTML text and attribute values.
  static std::string Escape(std::string_view s);
  /// \p s percent-encoded for one URL path segment (unreserved characters kept).
  static std::string PathSegment(std::string_view s);
};

}  // namespace pushprobe::exporter
