#include "exporters/chunk_stream_buf.h"

#include <utility>

namespace pushprobe::exporter {

ChunkStreamBuf::ChunkStreamBuf(Sink sink, std::size_t buffer_size)
    : sink_(std::move(sink)), size_(buffer_size > 0 ? buffer_size : 1), buffer_(new char[size_]) {
  setp(buffer_.get(), buffer_.get() + size_);
}

ChunkStreamBuf::int_type ChunkStreamBuf::overflow(int_type ch) {
  if (sync() != 0) return traits_type::eof();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

std::streamsize ChunkStreamBuf::xsputn(const char* s, std::streamsize n) {
  if (static_cast<std::size_t>(n) < size_ / 2) return std::streambuf::xsputn(s, n);
  if (sync() != 0) return 0;
  failed_ = !sink_(s, static_cast<std::size_t>(n));
  return failed_ ? 0 : n;
}

int ChunkStreamBuf::sync() {
  const std::ptrdiff_t n = pptr() - pbase();
  if (!failed_ && n > 0) failed_ = !sink_(pbase(), static_cast<std::size_t>(n));
  setp(buffer_.get(), buffer_.get() + size_);
  return failed_ ? -1 : 0;
}

}  // namespace pushprobe::exporter
