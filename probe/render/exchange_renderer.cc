#include "probe/render/exchange_renderer.h"

#include <string_view>

#include "probe/core/redact.h"
#include "probe/render/format.h"

namespace pushprobe::render {
namespace {

// Label width plus " : ", as Format-List computes it for these three labels.
constexpr std::size_t kValueColumn = 13;

void AppendProperty(std::string& out, std::string_view label, std::string_view value) {
  std::string first = std::string(label);
  first.append(kValueColumn - 3 - label.size(), ' ');
  first += " : ";
  // PowerShell's SplitLines: CR is removed, LF separates lines.
  std::size_t start = 0;
  bool first_line = true;
  while (true) {
    const std::size_t end = value.find('\n', start);
    std::string line;
    for (char ch : value.substr(start, end == std::string_view::npos ? end : end - start)) {
      if (ch != '\r') line += ch;
    }
    std::string prefix = first_line ? first : std::string(kValueColumn, ' ');
    out += TrimRight(prefix + line);
    out += '\n';
    first_line = false;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

}  // namespace

std::string RenderExchange(const ProbeResult& result, const ExchangeOptions& options) {
  std::string out;
  if (options.blank_lines) out += "\n\n";
  AppendProperty(out, "ResultType", ResultTypeName(result.result_type));
  AppendProperty(out, "Error", result.error);
  AppendProperty(out, "Exception", result.exception);
  if (options.blank_lines) out += "\n\n\n";
  return RedactUrlCredentials(out);
}

}  // namespace pushprobe::render
