#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <streambuf>

namespace pushprobe::exporter {

/// \brief An output stream buffer that hands what is written to it to a sink
/// in large chunks: a /metrics body of 50,000 targets (some 80 MB) in a few
/// hundred sends of up to 256 KB rather than one per line.
///
/// A write at least half the buffer's size (MetricsRenderer's 256 KB blocks)
/// goes to the sink as it is, after whatever is buffered, instead of being
/// copied into the buffer first: copying 80 MB costs a scrape milliseconds.
/// Once the sink fails (the client went away or stalled), nothing more is
/// sent and the stream reports the failure.
class ChunkStreamBuf final : public std::streambuf {
 public:
  /// Sends \p size bytes at \p data; false when they could not be sent.
  using Sink = std::function<bool(const char* data, std::size_t size)>;

  ChunkStreamBuf(Sink sink, std::size_t buffer_size);
  ChunkStreamBuf(const ChunkStreamBuf&) = delete;
  ChunkStreamBuf& operator=(const ChunkStreamBuf&) = delete;

  bool failed() const { return failed_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  Sink sink_;
  std::size_t size_;
  /// Left uninitialized: zeroing 256 KB for every answer would be a pass
  /// over memory that is written before it is read.
  std::unique_ptr<char[]> buffer_;
  bool failed_ = false;
};

}  // namespace pushprobe::exporter
