#include "nagios/plugin_output.h"

#include <algorithm>

#include "nagios/number_format.h"
#include "nagios/truncate_utf8.h"
#include "probe/core/redact.h"
#include "probe/render/format.h"
#include "probe/render/hints.h"
#include "probe/render/text_renderer.h"

namespace pushprobe::nagios {
namespace {

// Room kept for the first line's summary text; the rest of the line is the
// fixed-size perfdata.
constexpr std::size_t kMaxSummaryBytes = 1000;
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

// How much a line is worth when the output must shrink to 4 KB: the higher,
// the sooner it goes. What says what is wrong and what to do stays longest.
enum class Worth {
  kEssential,         // the failing stage's line and the hint
  kSubcheck,          // the other subchecks' lines
  kFailedTranscript,  // the failed stage's part of the transcript, the Result line
  kDetail,            // -vv facts under each subcheck
  kTranscript,        // the rest of the transcript
};

struct Line {
  std::string text;
  Worth worth;
};

bool IsFailedStage(const Subcheck& check, const ProbeResult& result) {
  return result.failed_stage && check.name == StageName(*result.failed_stage);
}

void AppendSubcheck(const Subcheck& check, int depth, int verbosity, Worth worth,
                    std::vector<Line>& lines) {
  std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  std::string line = indent + "\\_" + StateTag(check) + " " + Clean(check.name);
  if (!check.text.empty()) line += " " + Clean(check.text);
  lines.push_back({line, worth});
  if (verbosity >= 2) {
    for (const std::string& detail : check.details) {
      lines.push_back({indent + "    " + Clean(detail), Worth::kDetail});
    }
  }
  for (const Subcheck& child : check.children) {
    AppendSubcheck(child, depth + 1, verbosity, Worth::kSubcheck, lines);
  }
}

// The hint as the transcript gives it, "Hint: " and its continuation lines.
void AppendHint(const ProbeResult& result, std::vector<Line>& lines) {
  const std::string hint = render::HintFor(result);
  std::size_t start = 0;
  while (start < hint.size()) {
    std::size_t end = hint.find('\n', start);
    if (end == std::string::npos) end = hint.size();
    const std::string text = Clean(std::string_view(hint).substr(start, end - start));
    lines.push_back({start == 0 ? "Hint: " + text : text, Worth::kEssential});
    start = end + 1;
  }
}

void AppendTranscript(const ProbeResult& result, std::vector<Line>& lines) {
  render::TextOptions options;
  options.verbosity = kTranscriptVerbosity;
  std::string transcript = render::RenderText(result, options);
  lines.push_back({"", Worth::kTranscript});
  // Stage lines start with "  [" (see RenderText); the failed one is tagged
  // [FAIL], and its details follow it until the next stage or the result.
  bool in_failed = false;
  std::size_t start = 0;
  while (start < transcript.size()) {
    std::size_t end = transcript.find('\n', start);
    if (end == std::string::npos) end = transcript.size();
    std::string_view line = std::string_view(transcript).substr(start, end - start);
    if (line.substr(0, 3) == "  [") in_failed = line.substr(2, 6) == "[FAIL]";
    const bool result_line = line.substr(0, 7) == "Result:";
    if (result_line || line.substr(0, 5) == "Hint:") in_failed = false;
    lines.push_back(
        {Clean(line), in_failed || result_line ? Worth::kFailedTranscript : Worth::kTranscript});
    start = end + 1;
  }
}

std::string FormatValue(const PerfDatum& datum) {
  int decimals = datum.uom == "s" ? kSecondsDecimals : 0;
  return FormatTrimmed(*datum.value, decimals) + datum.uom;
}

}  // namespace

std::string FormatPerfdata(const std::vector<PerfDatum>& perfdata) {
  std::string out;
  for (const PerfDatum& datum : perfdata) {
    // Not measured (a skipped stage, a certificate never seen): left out.
    // Icinga 2 rejects a `U` value as invalid perfdata (and its writers log a
    // warning for every check result); graphers show the gap.
    if (!datum.value) continue;
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
  // Redacted before it is cut: a URL cut mid-password would not be found.
  return std::string(kServiceName) + " UNKNOWN - " +
         TruncateUtf8(render::TrimRight(Clean(RedactUrlCredentials(message))), kMaxSummaryBytes) +
         "\n";
}

std::string FormatPluginOutput(const CheckEvaluation& evaluation, const ProbeResult& result,
                               int verbosity, const std::vector<std::string>& warnings) {
  std::string out = std::string(kServiceName) + " " + std::string(StateName(evaluation.state)) +
                    " - " +
                    TruncateUtf8(render::TrimRight(Clean(RedactUrlCredentials(evaluation.summary))),
                                 kMaxSummaryBytes);
  std::string perfdata = FormatPerfdata(evaluation.perfdata);
  if (!perfdata.empty()) out += " | " + perfdata;
  out += "\n";

  std::vector<Line> lines;
  if (verbosity >= 1) {
    for (const std::string& warning : warnings) {
      lines.push_back({"WARNING: " + Clean(warning), Worth::kEssential});
    }
    for (const Subcheck& check : evaluation.subchecks) {
      AppendSubcheck(check, 0, verbosity,
                     IsFailedStage(check, result) ? Worth::kEssential : Worth::kSubcheck, lines);
    }
    AppendHint(result, lines);
  }
  if (verbosity >= 3) AppendTranscript(result, lines);

  std::size_t total = out.size();
  for (Line& line : lines) {
    line.text = std::string(render::TrimRight(RedactUrlCredentials(line.text)));
    total += line.text.size() + 1;
  }
  // Over the bound: leave out the least worth first, the last of them first,
  // and say how many went. The first line is never touched.
  std::vector<bool> kept(lines.size(), true);
  std::size_t dropped = 0;
  const auto note = [&dropped] {
    return "(output cut to 4 KB: " + std::to_string(dropped) + " less useful lines left out)\n";
  };
  for (int worth = static_cast<int>(Worth::kTranscript);
       worth >= 0 && total > kMaxOutputBytes - (dropped > 0 ? note().size() : 0); --worth) {
    for (std::size_t i = lines.size(); i-- > 0;) {
      if (!kept[i] || static_cast<int>(lines[i].worth) != worth) continue;
      kept[i] = false;
      ++dropped;
      total -= lines[i].text.size() + 1;
      if (total + note().size() <= kMaxOutputBytes) break;
    }
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (kept[i]) out += lines[i].text + "\n";
  }
  if (dropped > 0) out += note();
  return out;
}

}  // namespace pushprobe::nagios
