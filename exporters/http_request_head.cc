#include "exporters/http_request_head.h"

#include <algorithm>
#include <optional>

#include "probe/core/ascii.h"
#include "probe/core/http_syntax.h"

namespace pushprobe::exporter {

namespace {

// Each comma-separated element of a header value, trimmed and lower-cased.
std::vector<std::string> ListElements(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    std::string_view element = TrimOws(std::string_view(value).substr(start, comma - start));
    if (!element.empty()) out.push_back(ToLowerAscii(element));
    start = comma + 1;
  }
  return out;
}

// One line of a head: its text without the line end, and where the next
// line starts.
struct HeadLine {
  std::string_view text;
  std::size_t next = 0;
};

// The line starting at \p pos, or nullopt when its end has not arrived.
// RFC 9112 2.2: lines end in CRLF, and a recipient MAY take a bare LF as a
// line end (Go's net/http and nginx do). Taking it answers a head typed by
// hand (printf 'GET / HTTP/1.0\n\n' | nc) at once instead of at the header
// deadline. A CR anywhere but before the LF stays in the text, where the
// checks below refuse it as a control character.
std::optional<HeadLine> NextLine(std::string_view input, std::size_t pos) {
  const std::size_t lf = input.find('\n', pos);
  if (lf == std::string_view::npos) return std::nullopt;
  std::string_view text = input.substr(pos, lf - pos);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return HeadLine{text, lf + 1};
}

HttpRequestHeadParse Error(int status, std::string message) {
  HttpRequestHeadParse p;
  p.status = HttpRequestHeadParse::Status::kError;
  p.error_status = status;
  p.error = std::move(message);
  return p;
}

}  // namespace

const std::string* HttpRequestHead::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

bool HttpRequestHead::KeepAlive() const {
  bool close = false;
  bool keep_alive = false;
  for (const auto& [name, value] : headers) {
    if (name != "connection") continue;
    for (const std::string& option : ListElements(value)) {
      close = close || option == "close";
      keep_alive = keep_alive || option == "keep-alive";
    }
  }
  if (close) return false;
  return minor_version >= 1 || keep_alive;
}

bool HttpRequestHead::AcceptsGzip() const {
  for (const auto& [name, value] : headers) {
    if (name != "accept-encoding") continue;
    for (const std::string& element : ListElements(value)) {
      const std::size_t semicolon = element.find(';');
      if (TrimOws(std::string_view(element).substr(0, semicolon)) != "gzip") continue;
      if (semicolon == std::string::npos) return true;
      // "gzip;q=0" (or 0.0, 0.000) refuses it; any other weight accepts it.
      std::string_view param = TrimOws(std::string_view(element).substr(semicolon + 1));
      if (param.substr(0, 2) != "q=") return true;
      param.remove_prefix(2);
      return param.find_first_not_of("0.") != std::string_view::npos;
    }
  }
  return false;
}

HttpRequestHeadParse ParseHttpRequestHead(std::string_view input, std::size_t max_head_bytes) {
  // RFC 9112 2.2: a server ought to ignore empty lines before the request line.
  std::size_t start = 0;
  std::optional<HeadLine> line = NextLine(input, start);
  while (line && line->text.empty()) {
    start = line->next;
    line = NextLine(input, start);
  }
  std::size_t end = std::string_view::npos;  // just past the empty line that ends the head
  for (std::optional<HeadLine> l = line; l; l = NextLine(input, l->next)) {
    if (l->text.empty()) {
      end = l->next;
      break;
    }
  }
  if (end == std::string_view::npos) {
    if (input.size() > max_head_bytes) {
      return Error(431, "Request header fields too large.");
    }
    return {};
  }
  if (end > max_head_bytes) return Error(431, "Request header fields too large.");

  HttpRequestHeadParse out;
  HttpRequestHead& head = out.head;
  head.head_size = end;
  const std::string_view request_line = line->text;
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Error(400, "Malformed request line.");
  }
  const std::string_view method = request_line.substr(0, sp1);
  const std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = request_line.substr(sp2 + 1);
  if (!IsToken(method)) return Error(400, "Malformed request method.");
  if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7f;
      })) {
    return Error(400, "Malformed request target.");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !IsDigitAscii(version[5]) ||
      version[6] != '.' || !IsDigitAscii(version[7])) {
    return Error(400, "Malformed HTTP version.");
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    return Error(505, "Only HTTP/1.0 and HTTP/1.1 are supported.");
  }
  head.method = std::string(method);
  head.target = std::string(target);
  head.minor_version = version[7] - '0';

  for (line = NextLine(input, line->next); !line->text.empty();
       line = NextLine(input, line->next)) {
    const std::string_view field = line->text;
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos || !IsToken(field.substr(0, colon))) {
      return Error(400, "Malformed header field.");
    }
    const std::string_view value = TrimOws(field.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          const auto u = static_cast<unsigned char>(c);
          return (u < 0x20 && u != '\t') || u == 0x7f;
        })) {
      return Error(400, "Malformed header field value.");
    }
    head.headers.emplace_back(ToLowerAscii(field.substr(0, colon)), std::string(value));
  }
  if (head.minor_version == 1 && head.Header("host") == nullptr) {
    return Error(400, "HTTP/1.1 requests need a Host header.");
  }
  if (std::count_if(head.headers.begin(), head.headers.end(),
                    [](const auto& h) { return h.first == "host"; }) > 1) {
    return Error(400, "More than one Host header.");  // RFC 9112 3.2: a MUST
  }
  out.status = HttpRequestHeadParse::Status::kComplete;
  return out;
}

}  // namespace pushprobe::exporter
