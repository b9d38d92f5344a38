#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "probe/net/http_client.h"

namespace pushprobe::net_internal {

/// True when a Connection header in \p headers lists the "close" option
/// (RFC 9110 7.6.1), in any case and among other options.
bool SaysConnectionClose(const HttpHeaders& headers);

/// \brief An incremental, bounded HTTP/1.1 response parser.
///
/// Feed it bytes as they arrive and tell it when the peer closed. Understands
/// status line, headers (order kept, duplicates kept, obsolete line folding
/// joined), interim 1xx responses (skipped), and bodies framed by
/// Content-Length, chunked transfer coding or the end of the connection.
/// Every failure is a message for kMalformedResponse.
class ResponseParser {
 public:
  static constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

  /// \p head_request: the response has no body whatever its headers say.
  ResponseParser(bool head_request, std::size_t max_body_bytes);

  /// Consumes \p data. Bytes after a complete response are ignored.
  void Feed(std::string_view data);
  /// The peer closed the connection: completes a read-to-close body or fails
  /// as truncated.
  void FinishAtEof();

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kError; }
  /// True once the final (non-1xx) response head has been parsed.
  bool head_complete() const { return head_complete_; }
  /// True when not a single byte has arrived yet.
  bool nothing_received() const { return received_ == 0; }
  /// True when the connection may carry another request: the response is
  /// complete, ended by its own framing (not by the peer closing), is
  /// HTTP/1.1 without `Connection: close`, and nothing followed it.
  bool reusable() const;
  const std::string& error() const { return error_; }
  const HttpResponse& response() const { return response_; }
  HttpResponse TakeResponse() { return std::move(response_); }
  std::size_t body_bytes() const { return response_.body.size(); }

 private:
  enum class State {
    kHead,
    kBodyLength,
    kBodyToClose,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kDone,
    kError,
  };

  void Process();
  bool TakeLine(std::string* line);
  bool ParseHead(std::string_view head);
  void StartBody();
  bool AppendBody(std::string_view data);
  void Fail(std::string message);

  bool head_request_;
  std::size_t max_body_;
  State state_ = State::kHead;
  std::string buffer_;  // received, not yet consumed
  std::size_t received_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::size_t remaining_ = 0;  // body bytes left (Content-Length) or in this chunk
  bool head_complete_ = false;
  bool http11_ = false;           // the final response's version is HTTP/1.1
  bool close_requested_ = false;  // its Connection header holds "close"
  bool ended_at_eof_ = false;     // its body ran to the end of the connection
  bool trailing_bytes_ = false;   // bytes arrived after the complete response
  std::string error_;
  HttpResponse response_;
};

}  // namespace pushprobe::net_internal
