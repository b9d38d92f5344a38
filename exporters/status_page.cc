#include "exporters/status_page.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "probe/core/redact.h"
#include "probe/core/time_format.h"
#include "probe/render/format.h"
#include "probe/render/hints.h"

namespace pushprobe::exporter {

namespace {

// The only styling; kept inline so the pages need nothing but themselves.
// Below 760 px the table becomes one block per target, labelled by data-label.
constexpr const char* kCss = R"(*{box-sizing:border-box}
body{font:14px/1.4 system-ui,sans-serif;margin:1em;color:#222;overflow-wrap:break-word}
h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.2em 0 .4em}
.meta{color:#555;margin-bottom:.6em}
.summary{font-size:1.1em;margin:.4em 0 .8em}
.warn{background:#fff3cd;border:1px solid #e0c36c;padding:.5em;margin-bottom:1em}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}
.ok{color:#176f2c;font-weight:600}.fail{color:#b00020;font-weight:600}
.to{color:#a15c00;font-weight:600}.none{color:#777}
.detail{margin:.1em 0}.hint{margin:.2em 0;color:#333}.hint b{color:#555}
code,pre{font-size:.9em;overflow-wrap:anywhere;word-break:break-word}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.6em;border:1px solid #e3e3e3}
.nw{white-space:nowrap}.clock{min-width:8em}
.wf{min-width:19em;font-size:12px}
.st,.axis{display:grid;grid-template-columns:7.2em 4.6em 1fr;gap:.4em;align-items:center}
.lb{white-space:nowrap}.tm{text-align:right;white-space:nowrap}
.tr{position:relative;height:10px;background:#eee}
.bar{position:absolute;top:0;height:10px}
.s-ok .bar{background:#4caf50}.s-failed .bar{background:#e53935}
.s-failed .lb{color:#b00020;font-weight:600}
.s-skipped{color:#888;font-style:italic}.s-skipped .tr{background:none;border-top:1px dashed #bbb;height:0}
.axis .tr{background:none;border-top:1px solid #888;height:1.3em;font-size:11px;color:#555}
.axis .tr span{position:absolute;top:.1em}
.hist td{padding:.2em .5em;font-size:.92em;overflow-wrap:anywhere}
.full{white-space:pre-line}
@media (max-width:760px){
body{margin:.5em}
table.targets,table.targets tbody,table.targets tr,table.targets td{display:block;width:100%}
table.targets tr.head{display:none}
table.targets tr{border-bottom:2px solid #ccc;padding:.4em 0}
table.targets td{border:none;padding:.15em 0;white-space:normal}
table.targets td::before{content:attr(data-label);display:inline-block;min-width:6.5em;
color:#666;font-size:.9em}
.wf{min-width:0}
.st,.axis{grid-template-columns:6.6em 4.4em 1fr}
})";

std::string Seconds(Duration d) { return render::FormatSeconds(d) + " s"; }

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", std::clamp(share * 100, 0.0, 100.0));
  return buf;
}

// Milliseconds, the precision the labels show: a bar is never wider than
// its label says (two stages of 40 and 60 us are both "0.000 s", no bars).
long long Millis(Duration d) {
  return std::max<long long>(0, std::chrono::round<std::chrono::milliseconds>(d).count());
}

// Stages run one after another, so each bar starts where the previous one
// ended and is as wide as its measured time on the run's time axis: a stage
// that took 0.000 s has no bar, a skipped stage a dashed line and "skipped".
std::string Waterfall(const RunRecord& run) {
  long long total = 0;
  for (Duration d : run.stage_duration) total += Millis(d);
  total = std::max(total, Millis(run.duration));
  const auto share = [total](long long ms) {
    return total == 0 ? 0.0 : static_cast<double>(ms) / static_cast<double>(total);
  };
  std::string out = "<div class=\"wf\">";
  long long start = 0;
  for (std::size_t i = 0; i < kAllStages.size(); ++i) {
    const StageStatus status = run.stage_status[i];
    const std::string name(StageName(kAllStages[i]));
    out += "<div class=\"st s-" + std::string(StageStatusName(status)) + "\"><span class=\"lb\">" +
           name + "</span>";
    if (status == StageStatus::kSkipped) {
      out += "<span class=\"tm\">skipped</span><span class=\"tr\"></span></div>";
      continue;
    }
    const long long ms = Millis(run.stage_duration[i]);
    out += "<span class=\"tm\">" + Seconds(std::chrono::milliseconds(ms)) +
           "</span><span class=\"tr\"><span class=\"bar\" style=\"left:" + Percent(share(start)) +
           ";width:" + Percent(share(ms)) + "\"></span></span></div>";
    start += ms;
  }
  out +=
      "<div class=\"axis\"><span class=\"lb\"></span><span class=\"tm\">time</span>"
      "<span class=\"tr\"><span style=\"left:0\">0 s</span><span style=\"right:0\">" +
      Seconds(std::chrono::milliseconds(total)) + "</span></span></div></div>";
  return out;
}

enum class Standing { kFailed, kTimedOut, kPending, kOk };

Standing StandingOf(const TargetSnapshot& t) {
  if (!t.last) return Standing::kPending;
  switch (t.last->result_type) {
    case ResultType::kSucceeded:
      return Standing::kOk;
    case ResultType::kTimedOut:
      return Standing::kTimedOut;
    case ResultType::kFailed:
      return Standing::kFailed;
  }
  return Standing::kFailed;
}

std::string State(const RunSummary& run) {
  switch (run.result_type) {
    case ResultType::kSucceeded:
      return "<span class=\"ok\">OK</span>";
    case ResultType::kTimedOut:
      return "<span class=\"to\">TimedOut</span>";
    case ResultType::kFailed:
      break;
  }
  return "<span class=\"fail\">Failed</span>";
}

std::string FailedWhere(const RunSummary& run) {
  if (run.succeeded() || !run.failed_stage) return "";
  return StatusPage::Escape(StageName(*run.failed_stage)) + " / <code>" +
         StatusPage::Escape(ReasonName(run.reason)) + "</code>";
}

// What went wrong in pushprobe's words, and what to do: the hint's first line,
// or all of it (its steps) where there is room.
std::string Problem(const RunRecord& run, bool full_hint) {
  std::string out;
  if (!run.succeeded()) {
    out += "<div class=\"detail\">" + FailedWhere(run);
    if (!run.error.empty()) out += ": " + StatusPage::Escape(run.error);
    out += "</div>";
  }
  if (!run.hint.empty()) {
    const std::string& hint = run.hint;
    out += std::string("<div class=\"hint") + (full_hint ? " full" : "") + "\"><b>Hint:</b> " +
           StatusPage::Escape(full_hint ? hint : hint.substr(0, hint.find('\n'))) + "</div>";
  }
  return out;
}

std::string Clock(const RunRecord& run) {
  if (!run.clock_skew) return "<span class=\"none\">not seen</span>";
  const Duration skew = *run.clock_skew;
  const bool notable = skew >= render::kClockSkewNotice || skew <= -render::kClockSkewNotice;
  if (!notable) {
    return "<span class=\"none\">" + render::FormatSignedSeconds(skew) + " s</span>";
  }
  return "<span class=\"fail\">" + StatusPage::Escape(DescribeClockSkew(skew)) + "</span>";
}

std::string CertDays(const TargetSnapshot& t, WallTime now) {
  if (!t.auth_cert_not_after) return "";
  const long long days = render::DaysLeft(*t.auth_cert_not_after, now);
  return std::string(days < render::kCertRenewalWarningDays ? "<span class=\"fail\">" : "<span>") +
         std::to_string(days) + " days</span>";
}

// A link to \p path (from the exporter's root, no leading '/') on a page
// \p depth levels below the root: relative, unless a link base is set.
std::string Href(const StatusPageInfo& info, const std::string& path, int depth = 0) {
  if (!info.link_base.empty()) return StatusPage::Escape(info.link_base + path);
  std::string up;
  for (int i = 0; i < depth; ++i) up += "../";
  return StatusPage::Escape((up.empty() && path.empty() ? "./" : up) + path);
}

std::string RefreshQuery(const StatusPageInfo& info) {
  return info.auto_refresh ? "" : "?refresh=off";
}

void AppendHead(std::string& out, const std::string& title, const StatusPageInfo& info) {
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  if (info.auto_refresh) {
    out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(StatusPage::kRefreshSeconds) +
           "\">";
  }
  out += "<title>" + StatusPage::Escape(title) + "</title><style>";
  out += kCss;
  out += "</style></head><body>\n";
}

// The link that turns the reload off (or on again), relative to \p self.
std::string RefreshToggle(const StatusPageInfo& info, const std::string& self) {
  if (info.auto_refresh) {
    return "reloads every " + std::to_string(StatusPage::kRefreshSeconds) + " s (<a href=\"" +
           self + "?refresh=off\">turn off</a>)";
  }
  return "auto-refresh off (<a href=\"" + self + "\">turn on</a>)";
}

std::string Cell(const char* label, const std::string& content, const char* css = nullptr) {
  std::string out = std::string("<td data-label=\"") + label + "\"";
  if (css != nullptr) out += std::string(" class=\"") + css + "\"";
  return out + ">" + content + "</td>";
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

std::string StatusPage::PathSegment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string StatusPage::Render(const std::vector<TargetSnapshot>& targets,
                               const StatusPageInfo& info) {
  std::vector<const TargetSnapshot*> order;
  order.reserve(targets.size());
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const TargetSnapshot& t : targets) {
    order.push_back(&t);
    ++counts[static_cast<int>(StandingOf(t))];
  }
  std::stable_sort(
      order.begin(), order.end(), [](const TargetSnapshot* a, const TargetSnapshot* b) {
        return std::make_tuple(StandingOf(*a), a->name) < std::make_tuple(StandingOf(*b), b->name);
      });

  std::string out;
  out.reserve(4096 + targets.size() * 2048);
  AppendHead(out, "pushprobe exporter", info);
  out += "<h1>pushprobe exporter</h1>\n<p class=\"summary\" id=\"summary\">";
  out += "<span class=\"ok\">" + std::to_string(counts[3]) + " OK</span> &middot; <span class=\"" +
         std::string(counts[0] > 0 ? "fail" : "none") + "\">" + std::to_string(counts[0]) +
         " failing</span> &middot; <span class=\"" + (counts[1] > 0 ? "to" : "none") + "\">" +
         std::to_string(counts[1]) + " timed out</span>";
  if (counts[2] > 0) out += " &middot; " + std::to_string(counts[2]) + " pending";
  out += " <span class=\"none\">of " + std::to_string(targets.size()) + " targets</span></p>\n";
  out += "<div class=\"meta\">version " + Escape(info.version) + " &middot; config <code>" +
         Escape(info.config_file) + "</code> &middot; " +
         (info.shard.empty() ? "" : "shard " + Escape(info.shard) + " &middot; ") +
         render::FormatRfc3339(info.now) + " &middot; " + RefreshToggle(info, "./") +
         " &middot; <a href=\"" + Href(info, info.telemetry_path.substr(1)) +
         "\">metrics</a> &middot; <a href=\"" + Href(info, "config") + "\">config</a></div>\n";
  if (!info.last_reload_successful) {
    out +=
        "<div class=\"warn\">The last configuration reload failed; the previous "
        "configuration is still running: <code>" +
        Escape(info.last_reload_error) + "</code></div>\n";
  }
  for (const std::string& warning : info.secret_file_warnings) {
    out += "<div class=\"warn secret\">" + Escape(warning) + "</div>\n";
  }
  out +=
      "<table class=\"targets\">\n<tr class=\"head\"><th>Target</th><th>State</th>"
      "<th>Problem and hint</th><th>Last run</th><th>Clock</th><th>Auth cert</th>"
      "<th>Stages (last run)</th></tr>\n";
  for (const TargetSnapshot* t : order) {
    out += "<tr id=\"t-" + Escape(PathSegment(t->name)) + "\">" +
           Cell("Target",
                "<a href=\"" + Href(info, "target/" + PathSegment(t->name)) + RefreshQuery(info) +
                    "\">" + Escape(t->name) + "</a><br><span " + "class=\"none\">" +
                    Escape(t->organization) + "</span>",
                "nw");
    if (!t->last) {
      out += Cell("State", "<span class=\"none\">pending</span>") + Cell("Problem", "") +
             Cell("Last run", "") + Cell("Clock", "");
    } else {
      const RunRecord& r = *t->last;
      out += Cell("State", State(r), "nw") + Cell("Problem", Problem(r, false)) +
             Cell("Last run",
                  render::FormatRfc3339(r.started_at) + "<br>" + Seconds(r.duration) +
                      "<br><span class=\"none\">last success " +
                      (t->counters.last_success ? render::FormatRfc3339(*t->counters.last_success)
                                                : std::string("never")) +
                      "</span>",
                  "nw") +
             Cell("Clock", Clock(r), "clock");
    }
    out += Cell("Auth cert", CertDays(*t, info.now), "nw") +
           Cell("Stages", t->last ? Waterfall(*t->last) : std::string()) + "</tr>\n";
  }
  out += "</table>\n</body></html>\n";
  return RedactUrlCredentials(out);
}

std::string StatusPage::RenderTarget(const TargetSnapshot& t, const StatusPageInfo& info) {
  std::string out;
  out.reserve(8192);
  AppendHead(out, t.name + " - pushprobe", info);
  const std::string self = Escape(PathSegment(t.name));
  out += "<p class=\"meta\"><a href=\"" + Href(info, "", 1) + RefreshQuery(info) +
         "\">&larr; all targets</a> &middot; " + RefreshToggle(info, self) +
         " &middot; <a href=\"" + Href(info, "probe?target=" + PathSegment(t.name), 1) +
         "&amp;debug=true\">run now (debug)</a></p>\n";
  out += "<h1>" + Escape(t.name) + "</h1>\n<div class=\"meta\">organization " +
         Escape(t.organization) + " &middot; " + render::FormatRfc3339(info.now) + "</div>\n";

  std::size_t successes = 0;
  for (const RunSummary& h : t.history) successes += h.succeeded() ? 1 : 0;
  out += "<p class=\"summary\" id=\"summary\">";
  if (!t.last) {
    out += "<span class=\"none\">pending: no run yet</span>";
  } else {
    out += State(*t.last) + " &middot; last run " + render::FormatRfc3339(t.last->started_at) +
           " in " + Seconds(t.last->duration);
  }
  if (!t.history.empty()) {
    char ratio[16];
    std::snprintf(ratio, sizeof ratio, "%.0f%%",
                  100.0 * static_cast<double>(successes) / static_cast<double>(t.history.size()));
    out += " &middot; <span id=\"ratio\">" + std::to_string(successes) + " of " +
           std::to_string(t.history.size()) + " kept runs succeeded (" + ratio + ")</span>";
  }
  out += "</p>\n";
  if (t.last) {
    const RunRecord& r = *t.last;
    out += Problem(r, true);
    out += "<p>Clock: " + Clock(r) + " &middot; Auth certificate: " + CertDays(t, info.now) +
           "</p>\n<h2>Stages</h2>\n" + Waterfall(r) + "\n";
    if (r.transcript) out += "<h2>Transcript</h2>\n<pre>" + Escape(*r.transcript) + "</pre>\n";
  }
  if (!t.history.empty()) {
    out +=
        "<h2>History</h2>\n<p class=\"none\">Newest first; failures are kept longer than "
        "successes, and identical consecutive results are one line.</p>\n"
        "<table "
        "class=\"hist\"><tr><th>Runs</th><th>Started</th><th>State</th><th>Problem</th></tr>";
    for (std::size_t i = 0; i < t.history.size();) {
      const RunSummary& first = t.history[i];
      std::size_t j = i + 1;
      const auto same = [&first](const RunSummary& h) {
        return h.result_type == first.result_type && h.failed_stage == first.failed_stage &&
               h.reason == first.reason && h.error == first.error;
      };
      while (j < t.history.size() && same(t.history[j])) ++j;
      const std::size_t runs = j - i;
      const RunSummary& oldest = t.history[j - 1];
      std::string when;
      if (runs > 1) {
        when = render::FormatRfc3339(oldest.started_at);
        when += " &ndash; ";
      }
      when += render::FormatRfc3339(first.started_at);
      out += "<tr><td>" + std::string(runs > 1 ? "&times;" + std::to_string(runs) : "1") +
             "</td><td>" + when + "</td><td>" + State(first) + "</td><td>" + FailedWhere(first) +
             (first.error.empty() ? std::string() : ": " + Escape(first.error)) + "</td></tr>";
      i = j;
    }
    out += "</table>\n";
  }
  out += "</body></html>\n";
  return RedactUrlCredentials(out);
}

}  // namespace pushprobe::exporter
