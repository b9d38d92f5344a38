#include "exporters/status_page.h"

#include <algorithm>
#include <cstdio>

#include "probe/core/time_format.h"

namespace pushprobe::exporter {

namespace {

// The only styling; kept inline so the page needs nothing but itself.
constexpr const char* kCss = R"(body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#666;margin-bottom:1em}
.warn{background:#fff3cd;border:1px solid #e0c36c;padding:.5em;margin-bottom:1em}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}
.ok{color:#176f2c;font-weight:600}.fail{color:#b00020;font-weight:600}.none{color:#888}
.wf{position:relative;width:260px;height:14px;background:#f0f0f0}
.bar{position:absolute;top:0;height:14px;min-width:1px}
.s-ok{background:#4caf50}.s-failed{background:#e53935}.s-skipped{background:#ccc}
details summary{cursor:pointer;color:#555}
.hist td{border:none;padding:.1em .5em;font-size:.9em}
code{font-size:.9em})";

std::string Seconds(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", ToSeconds(d));
  return buf;
}

std::string Waterfall(const RunRecord& run) {
  // Stages run one after another, so each bar starts where the previous
  // ended; widths are shares of the whole run.
  const double total = std::max(ToSeconds(run.duration), 1e-9);
  std::string out = "<div class=\"wf\">";
  double start = 0;
  for (std::size_t i = 0; i < kAllStages.size(); ++i) {
    const double d = ToSeconds(run.stage_duration[i]);
    const std::string_view status = StageStatusName(run.stage_status[i]);
    char style[96];
    std::snprintf(style, sizeof style, "left:%.2f%%;width:%.2f%%",
                  std::min(100.0, 100 * start / total), std::min(100.0, 100 * d / total));
    out += "<div class=\"bar s-" + std::string(status) + "\" style=\"" + style + "\" title=\"" +
           std::string(StageName(kAllStages[i])) + " " + std::string(status) + " " +
           Seconds(run.stage_duration[i]) + "\"></div>";
    start += d;
  }
  out += "</div>";
  return out;
}

std::string State(const RunSummary& run) {
  if (run.succeeded()) return "<span class=\"ok\">OK</span>";
  return "<span class=\"fail\">" + std::string(ResultTypeName(run.result_type)) + "</span>";
}

std::string FailedWhere(const RunSummary& run) {
  if (run.succeeded() || !run.failed_stage) return "";
  return StatusPage::Escape(StageName(*run.failed_stage)) + " / <code>" +
         StatusPage::Escape(ReasonName(run.reason)) + "</code>";
}

}  // namespace

std::string StatusPage::Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string StatusPage::Render(const std::vector<TargetSnapshot>& targets,
                               const StatusPageInfo& info) {
  std::size_t failing = 0;
  for (const TargetSnapshot& t : targets) {
    if (t.last && !t.last->succeeded()) ++failing;
  }
  std::string out;
  out.reserve(2048 + targets.size() * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<title>pushprobe exporter</title><style>";
  out += kCss;
  out += "</style></head><body>\n<h1>pushprobe exporter</h1>\n<div class=\"meta\">version ";
  out += Escape(info.version) + " &middot; config <code>" + Escape(info.config_file) +
         "</code> &middot; " + std::to_string(targets.size()) + " targets, " +
         std::to_string(failing) + " failing &middot; " + FormatRfc3339(info.now) +
         " &middot; <a href=\"" + Escape(info.link_base + info.telemetry_path.substr(1)) +
         "\">metrics</a> &middot; <a href=\"" + Escape(info.link_base) +
         "config\">config</a></div>\n";
  if (!info.last_reload_successful) {
    out +=
        "<div class=\"warn\">The last configuration reload failed; the previous "
        "configuration is still running: <code>" +
        Escape(info.last_reload_error) + "</code></div>\n";
  }
  out +=
      "<table>\n<tr><th>Target</th><th>Organization</th><th>State</th><th>Failed at</th>"
      "<th>Error</th><th>Last run</th><th>Last success</th><th>Auth cert</th>"
      "<th>Stages (last run)</th><th>History</th></tr>\n";
  for (const TargetSnapshot& t : targets) {
    out += "<tr><td><a href=\"" + Escape(info.link_base) + "probe?target=" + Escape(t.name) +
           "&amp;debug=true\">" + Escape(t.name) + "</a></td><td>" + Escape(t.organization) +
           "</td>";
    if (!t.last) {
      out += "<td class=\"none\">pending</td><td></td><td></td><td></td>";
    } else {
      const RunRecord& r = *t.last;
      out += "<td>" + State(r) + "</td><td>" + FailedWhere(r) + "</td><td>" +
             (r.error ? Escape(*r.error) : "") + "</td><td>" + FormatRfc3339(r.started_at) + " (" +
             Seconds(r.duration) + ")</td>";
    }
    out += "<td>" + (t.counters.last_success ? FormatRfc3339(*t.counters.last_success) : "never") +
           "</td><td>";
    if (t.auth_cert_not_after) {
      const long long days = DaysLeft(*t.auth_cert_not_after, info.now);
      out += std::string(days < 30 ? "<span class=\"fail\">" : "<span>") + std::to_string(days) +
             " days</span>";
    }
    out += "</td><td>" + (t.last ? Waterfall(*t.last) : std::string()) + "</td><td>";
    if (!t.history.empty()) {
      out += "<details><summary>" + std::to_string(t.history.size()) +
             " runs</summary><table class=\"hist\">";
      for (const RunSummary& h : t.history) {
        out += "<tr><td>" + FormatRfc3339(h.started_at) + "</td><td>" + State(h) + "</td><td>" +
               Seconds(h.duration) + "</td><td>" + FailedWhere(h) + "</td><td>" +
               (h.error ? Escape(*h.error) : "") + "</td></tr>";
      }
      out += "</table></details>";
    }
    out += "</td></tr>\n";
  }
  out += "</table>\n</body></html>\n";
  return out;
}

}  // namespace pushprobe::exporter
