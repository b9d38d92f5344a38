#include "probe/net/response_parser.h"

#include <algorithm>
#include <cctype>

#include "probe/core/ascii.h"
#include "probe/core/decimal.h"
#include "probe/core/http_syntax.h"

namespace pushprobe::net_internal {
namespace {

constexpr std::size_t kMaxChunkLine = 4096;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Shows untrusted text in a message without letting it inject lines or
// flood the output.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) {
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  if (s.size() > 80) out += "...";
  return out;
}

// One Content-Length value: digits only, at most 18 of them (more than
// any body this parser reads).
Expected<std::uint64_t, DecimalError> ParseContentLength(std::string_view s) {
  if (s.size() > 18) return Expected<std::uint64_t, DecimalError>::Error(DecimalError::kDigitCount);
  return ParseDecimal(s);
}

}  // namespace

ResponseParser::ResponseParser(bool head_request, std::size_t max_body_bytes)
    : head_request_(head_request), max_body_(max_body_bytes) {}

void ResponseParser::Fail(std::string message) {
  state_ = State::kError;
  error_ = std::move(message);
  buffer_.clear();
}

void ResponseParser::Feed(std::string_view data) {
  if (state_ == State::kDone || state_ == State::kError) {
    trailing_bytes_ = trailing_bytes_ || !data.empty();
    return;
  }
  received_ += data.size();
  buffer_.append(data.data(), data.size());
  Process();
}

bool ResponseParser::TakeLine(std::string* line) {
  const auto nl = buffer_.find('\n');
  if (nl == std::string::npos) return false;
  std::size_t end = nl;
  if (end > 0 && buffer_[end - 1] == '\r') --end;
  line->assign(buffer_, 0, end);
  buffer_.erase(0, nl + 1);
  return true;
}

bool ResponseParser::AppendBody(std::string_view data) {
  if (response_.body.size() + data.size() > max_body_) {
    Fail("response body exceeds " + std::to_string(max_body_) + " bytes");
    return false;
  }
  response_.body.append(data.data(), data.size());
  return true;
}

void ResponseParser::Process() {
  for (;;) {
    switch (state_) {
      case State::kHead: {
        // Headers end at the first empty line; accept bare LF as well as CRLF.
        std::size_t end = std::string::npos;
        std::size_t body_start = 0;
        for (std::size_t i = buffer_.find('\n'); i != std::string::npos;
             i = buffer_.find('\n', i + 1)) {
          if (i + 1 < buffer_.size() && buffer_[i + 1] == '\n') {
            end = i + 1;
            body_start = i + 2;
            break;
          }
          if (i + 2 < buffer_.size() && buffer_[i + 1] == '\r' && buffer_[i + 2] == '\n') {
            end = i + 1;
            body_start = i + 3;
            break;
          }
        }
        if (end == std::string::npos) {
          if (buffer_.size() > kMaxHeaderBytes) {
            Fail("response header block exceeds " + std::to_string(kMaxHeaderBytes) + " bytes");
          } else if (buffer_.size() >= 5 && buffer_.compare(0, 5, "HTTP/") != 0) {
            std::string_view first_line = std::string_view(buffer_).substr(0, buffer_.find('\n'));
            if (!first_line.empty() && first_line.back() == '\r') first_line.remove_suffix(1);
            Fail("malformed status line \"" + Printable(first_line) + "\"");
          }
          return;
        }
        if (end > kMaxHeaderBytes) {
          Fail("response header block exceeds " + std::to_string(kMaxHeaderBytes) + " bytes");
          return;
        }
        const std::string head = buffer_.substr(0, end);
        buffer_.erase(0, body_start);
        if (!ParseHead(head)) return;
        if (response_.status >= 100 && response_.status < 200 && response_.status != 101) {
          response_ = HttpResponse{};
          continue;
        }
        head_complete_ = true;
        StartBody();
        break;
      }
      case State::kBodyLength: {
        const std::size_t take = std::min(remaining_, buffer_.size());
        if (take == 0) return;
        response_.body.append(buffer_, 0, take);
        buffer_.erase(0, take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDone;
        break;
      }
      case State::kBodyToClose: {
        if (buffer_.empty()) return;
        if (!AppendBody(buffer_)) return;
        buffer_.clear();
        return;
      }
      case State::kChunkSize: {
        std::string line;
        if (!TakeLine(&line)) {
          if (buffer_.size() > kMaxChunkLine) Fail("chunk size line too long");
          return;
        }
        std::string_view size_text = Trim(std::string_view(line).substr(0, line.find(';')));
        std::size_t size = 0;
        if (size_text.empty() || size_text.size() > 15) {
          Fail("malformed chunk size \"" + Printable(line) + "\"");
          return;
        }
        for (char c : size_text) {
          if (!std::isxdigit(static_cast<unsigned char>(c))) {
            Fail("malformed chunk size \"" + Printable(line) + "\"");
            return;
          }
          const int digit = std::isdigit(static_cast<unsigned char>(c))
                                ? c - '0'
                                : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
          size = size * 16 + static_cast<std::size_t>(digit);
        }
        if (size == 0) {
          state_ = State::kTrailers;
        } else if (size > max_body_ || response_.body.size() + size > max_body_) {
          Fail("response body exceeds " + std::to_string(max_body_) + " bytes");
          return;
        } else {
          remaining_ = size;
          state_ = State::kChunkData;
        }
        break;
      }
      case State::kChunkData: {
        const std::size_t take = std::min(remaining_, buffer_.size());
        if (take == 0) return;
        response_.body.append(buffer_, 0, take);
        buffer_.erase(0, take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kChunkDataEnd;
        break;
      }
      case State::kChunkDataEnd: {
        std::string line;
        if (!TakeLine(&line)) {
          if (buffer_.size() > 2) Fail("missing CRLF after chunk data");
          return;
        }
        if (!line.empty()) {
          Fail("missing CRLF after chunk data");
          return;
        }
        state_ = State::kChunkSize;
        break;
      }
      case State::kTrailers: {
        std::string line;
        if (!TakeLine(&line)) {
          if (trailer_bytes_ + buffer_.size() > kMaxHeaderBytes) {
            Fail("response trailers exceed " + std::to_string(kMaxHeaderBytes) + " bytes");
          }
          return;
        }
        trailer_bytes_ += line.size() + 2;
        if (trailer_bytes_ > kMaxHeaderBytes) {
          Fail("response trailers exceed " + std::to_string(kMaxHeaderBytes) + " bytes");
          return;
        }
        if (line.empty()) state_ = State::kDone;
        break;
      }
      case State::kDone:
      case State::kError:
        return;
    }
  }
}

bool ResponseParser::ParseHead(std::string_view head) {
  std::size_t pos = head.find('\n');
  std::string_view status_line = head.substr(0, pos);
  if (!status_line.empty() && status_line.back() == '\r') status_line.remove_suffix(1);
  // HTTP-version SP 3DIGIT [SP reason-phrase]
  const bool version_ok =
      status_line.size() >= 12 && status_line.compare(0, 5, "HTTP/") == 0 &&
      std::isdigit(static_cast<unsigned char>(status_line[5])) && status_line[6] == '.' &&
      std::isdigit(static_cast<unsigned char>(status_line[7])) && status_line[8] == ' ';
  const bool code_ok = version_ok && std::isdigit(static_cast<unsigned char>(status_line[9])) &&
                       std::isdigit(static_cast<unsigned char>(status_line[10])) &&
                       std::isdigit(static_cast<unsigned char>(status_line[11])) &&
                       (status_line.size() == 12 || status_line[12] == ' ');
  if (!code_ok || status_line[9] == '0') {
    Fail("malformed status line \"" + Printable(status_line) + "\"");
    return false;
  }
  response_.status =
      (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
  http11_ = status_line.compare(0, 8, "HTTP/1.1") == 0;
  response_.reason_phrase =
      status_line.size() > 13 ? std::string(Trim(status_line.substr(13))) : std::string();

  while (pos != std::string_view::npos && pos + 1 < head.size()) {
    const std::size_t start = pos + 1;
    pos = head.find('\n', start);
    std::string_view line =
        head.substr(start, pos == std::string_view::npos ? head.npos : pos - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {
      // obs-fold (RFC 7230 3.2.4): a continuation of the previous value.
      if (response_.headers.empty()) {
        Fail("malformed header: continuation line before any header");
        return false;
      }
      std::string& value = response_.headers.back().second;
      const std::string_view more = Trim(line);
      if (!more.empty()) value += (value.empty() ? "" : " ") + std::string(more);
      continue;
    }
    const auto colon = line.find(':');
    std::string_view name = colon == std::string_view::npos ? line : line.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      Fail("malformed header line \"" + Printable(line) + "\"");
      return false;
    }
    response_.headers.emplace_back(std::string(name), std::string(Trim(line.substr(colon + 1))));
  }
  return true;
}

bool SaysConnectionClose(const HttpHeaders& headers) {
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreCaseAscii(name, "Connection")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (EqualsIgnoreCaseAscii(Trim(rest.substr(0, comma)), "close")) return true;
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
  }
  return false;
}

bool ResponseParser::reusable() const {
  return state_ == State::kDone && !ended_at_eof_ && http11_ && !close_requested_ &&
         buffer_.empty() && !trailing_bytes_ && response_.status != 101;
}

void ResponseParser::StartBody() {
  close_requested_ = SaysConnectionClose(response_.headers);
  const int status = response_.status;
  if (head_request_ || status == 204 || status == 304 || status < 200) {
    state_ = State::kDone;
    return;
  }
  std::string transfer_encoding;
  bool has_length = false;
  std::size_t length = 0;
  for (const auto& [name, value] : response_.headers) {
    if (EqualsIgnoreCaseAscii(name, "Transfer-Encoding")) {
      if (!transfer_encoding.empty()) transfer_encoding += ",";
      transfer_encoding += value;
    } else if (EqualsIgnoreCaseAscii(name, "Content-Length")) {
      // A list or repeated header is fine only when every value agrees
      // (RFC 7230 3.3.2); anything else is a smuggling-shaped response.
      std::string_view rest = value;
      while (true) {
        const auto comma = rest.find(',');
        const Expected<std::uint64_t, DecimalError> v =
            ParseContentLength(Trim(rest.substr(0, comma)));
        if (!v || (has_length && *v != length)) {
          Fail("invalid Content-Length \"" + Printable(value) + "\"");
          return;
        }
        has_length = true;
        length = static_cast<std::size_t>(*v);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
  }
  if (!transfer_encoding.empty()) {
    // Chunked must be the final coding; any other final coding means the
    // body runs to the end of the connection (RFC 7230 3.3.3).
    std::string last = transfer_encoding.substr(transfer_encoding.rfind(',') + 1);
    state_ = EqualsIgnoreCaseAscii(Trim(last), "chunked") ? State::kChunkSize : State::kBodyToClose;
    return;
  }
  if (has_length) {
    if (length > max_body_) {
      Fail("response body exceeds " + std::to_string(max_body_) + " bytes");
      return;
    }
    remaining_ = length;
    state_ = length == 0 ? State::kDone : State::kBodyLength;
    return;
  }
  state_ = State::kBodyToClose;
}

void ResponseParser::FinishAtEof() {
  switch (state_) {
    case State::kHead:
      Fail(received_ == 0 ? "connection closed before any response"
                          : "truncated response head: connection closed after " +
                                std::to_string(received_) + " bytes");
      return;
    case State::kBodyLength:
      Fail("truncated body: got " + std::to_string(response_.body.size()) + " of " +
           std::to_string(response_.body.size() + remaining_) + " bytes");
      return;
    case State::kChunkData:
      Fail("truncated body: got " + std::to_string(response_.body.size()) + " of " +
           std::to_string(response_.body.size() + remaining_) + " bytes (mid-chunk)");
      return;
    case State::kChunkSize:
    case State::kChunkDataEnd:
    case State::kTrailers:
      Fail("truncated body: chunked body ended after " + std::to_string(response_.body.size()) +
           " bytes without its last chunk");
      return;
    case State::kBodyToClose:
      state_ = State::kDone;
      ended_at_eof_ = true;
      return;
    case State::kDone:
    case State::kError:
      return;
  }
}

}  // namespace pushprobe::net_internal
