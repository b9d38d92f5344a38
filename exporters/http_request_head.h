#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pushprobe::exporter {

/// \brief The request line and headers of one HTTP/1.x request.
struct HttpRequestHead {
  std::string method;
  std::string target;     ///< the request-target as sent: "/probe?target=x"
  int minor_version = 1;  ///< HTTP/1.0 or HTTP/1.1
  /// Header fields in order, names lower-cased, values without surrounding blanks.
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t head_size = 0;  ///< bytes the head took in the input, blank line included

  /// The first field named \p lower_name, if any.
  const std::string* Header(std::string_view lower_name) const;
  /// Whether the connection may carry another request: HTTP/1.1 unless it
  /// says `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
  bool KeepAlive() const;
  /// Whether `Accept-Encoding` lists gzip (without q=0).
  bool AcceptsGzip() const;
};

/// \brief Outcome of looking for a request head at the start of a buffer.
struct HttpRequestHeadParse {
  enum class Status { kIncomplete, kComplete, kError };
  Status status = Status::kIncomplete;
  HttpRequestHead head;  ///< when kComplete
  int error_status = 0;  ///< when kError: 400, 431 or 505
  std::string error;     ///< when kError: a sentence for the response body
};

/// \brief Parses the head of an HTTP/1.x request (RFC 9112) from the start
/// of \p input, which holds at most \p max_head_bytes of it.
///
/// Strict where leniency would let a client confuse the exporter: one space
/// between the request line's parts, no blanks before a header's colon, no
/// obsolete line folding, no control characters in values (a CR not ending a
/// line included). Lines end in CRLF or, as RFC 9112 2.2 allows, a bare LF,
/// so such a head is answered at once, not at the header deadline. A head longer than
/// \p max_head_bytes is a 431; a version other than 1.0 and 1.1 is a 505.
/// Never throws; the error texts never echo the client's bytes.
HttpRequestHeadParse ParseHttpRequestHead(std::string_view input, std::size_t max_head_bytes);

}  // namespace pushprobe::exporter
