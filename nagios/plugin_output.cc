#include "nagios/plugin_output.h"

#include <algorithm>

#include "nagios/number_format.h"
#include "nagios/truncate_utf8.h"
#include "probe/render/format.h"
#include "probe/render/text_renderer.h"

namespace pushprobe::nagios {
namespace {

// Room kept for the first line's summary text; the rest of the line is the
// fixed-size perfdata.
constexpr std::size_t kMaxSummaryBytes = 1000;
constexpr std::string_view kTruncatedLine = "(output truncated at 4 KB)\n";
// Decimals for seconds in perfdata: microseconds, what the engine measures.
constexpr int kSecondsDecimals = 6;
constexpr int kTranscriptVerbosity = 2;

// Nagios reads "|" as the start of perfdata on any line, and a line break
// would start a new one, so neither may appear inside a text.
std::string Clean(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '|') c = '/';
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string StateTag(const Subcheck& check) {
  if (!check.state) return "[SKIPPED]";
  return "[" + std::string(StateName(*check.state)) + "]";
}

void AppendSubcheck(const Subcheck& check, int depth, int verbosity,
                    std::vector<std::string>& lines) {
  std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  std::string line = indent + "\\_" + StateTag(check) + " " + Clean(check.name);
  if (!check.text.empty()) line += " " + Clean(check.text);
  lines.push_back(line);
  if (verbosity >= 2) {
    for (const std::string& detail : check.details) {
      lines.push_back(indent + "    " + Clean(detail));
    }
  }
  for (const Subcheck& child : check.children) {
    AppendSubcheck(child, depth + 1, verbosity, lines);
  }
}

void AppendTranscript(const ProbeResult& result, std::vector<std::string>& lines) {
  render::TextOptions options;
  options.verbosity = kTranscriptVerbosity;
  std::string transcript = render::RenderText(result, options);
  lines.emplace_back();
  std::size_t start = 0;
  while (start < transcript.size()) {
    std::size_t end = transcript.find('\n', start);
    if (end == std::string::npos) end = transcript.size();
    lines.push_back(Clean(std::string_view(transcript).substr(start, end - start)));
    start = end + 1;
  }
}

std::string FormatValue(const PerfDatum& datum) {
  if (!datum.value) return "U";
  int decimals = datum.uom == "s" ? kSecondsDecimals : 0;
  return FormatTrimmed(*datum.value, decimals) + datum.uom;
}

}  // namespace

std::string FormatPerfdata(const std::vector<PerfDatum>& perfdata) {
  std::string out;
  for (const PerfDatum& datum : perfdata) {
    std::vector<std::string> fields = {FormatValue(datum), datum.warning, datum.critical,
                                       datum.min ? FormatShortest(*datum.min) : std::string(),
                                       datum.max ? FormatShortest(*datum.max) : std::string()};
    while (fields.size() > 1 && fields.back().empty()) fields.pop_back();
    if (!out.empty()) out += ' ';
    out += "'" + datum.label + "'=" + fields[0];
    for (std::size_t i = 1; i < fields.size(); ++i) out += ";" + fields[i];
  }
  return out;
}

std::string FormatUnknown(std::string_view message) {
  return std::string(kServiceName) + " UNKNOWN - " +
         TruncateUtf8(render::TrimRight(Clean(message)), kMaxSummaryBytes) + "\n";
}

std::string FormatPluginOutput(const CheckEvaluation& evaluation, const ProbeResult& result,
                               int verbosity) {
  std::string out = std::string(kServiceName) + " " + std::string(StateName(evaluation.state)) +
                    " - " +
                    TruncateUtf8(render::TrimRight(Clean(evaluation.summary)), kMaxSummaryBytes);
  std::string perfdata = FormatPerfdata(evaluation.perfdata);
  if (!perfdata.empty()) out += " | " + perfdata;
  out += "\n";

  std::vector<std::string> lines;
  if (verbosity >= 1) {
    for (const Subcheck& check : evaluation.subchecks) {
      AppendSubcheck(check, 0, verbosity, lines);
    }
  }
  if (verbosity >= 3) AppendTranscript(result, lines);

  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = render::TrimRight(lines[i]);
    bool last = i + 1 == lines.size();
    std::size_t reserve = last ? 0 : kTruncatedLine.size();
    if (out.size() + line.size() + 1 + reserve > kMaxOutputBytes) {
      out += kTruncatedLine;
      break;
    }
    out.append(line.data(), line.size());
    out += '\n';
  }
  return out;
}

}  // namespace pushprobe::nagios
