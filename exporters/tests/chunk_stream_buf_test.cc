#include "exporters/chunk_stream_buf.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace pushprobe::exporter {
namespace {

// Records every chunk the sink is given; fails from the \p fail_at'th on.
struct Recorder {
  std::vector<std::string> chunks;
  std::size_t fail_at = SIZE_MAX;
  ChunkStreamBuf::Sink Sink() {
    return [this](const char* data, std::size_t size) {
      if (chunks.size() >= fail_at) return false;
      chunks.emplace_back(data, size);
      return true;
    };
  }
  std::string All() const {
    std::string all;
    for (const std::string& c : chunks) all += c;
    return all;
  }
};

TEST(ChunkStreamBufTest, SmallWritesAreSentInBufferSizedChunks) {
  Recorder r;
  ChunkStreamBuf buffer(r.Sink(), 16);
  std::ostream out(&buffer);
  std::string expected;
  for (int i = 0; i < 10; ++i) {
    out << "abcde";
    expected += "abcde";
  }
  EXPECT_EQ(r.All(), expected.substr(0, r.All().size()));
  out.flush();
  EXPECT_EQ(r.All(), expected);
  for (std::size_t i = 0; i + 1 < r.chunks.size(); ++i) EXPECT_EQ(r.chunks[i].size(), 16u);
  EXPECT_FALSE(buffer.failed());
}

TEST(ChunkStreamBufTest, LargeWritesGoToTheSinkWholeAfterWhatIsBuffered) {
  Recorder r;
  ChunkStreamBuf buffer(r.Sink(), 16);
  std::ostream out(&buffer);
  const std::string block(40, 'x');
  out << "head";
  out.write(block.data(), static_cast<std::streamsize>(block.size()));
  out << "tail";
  out.flush();
  // Not copied into the 16-byte buffer piece by piece: one chunk of its own,
  // in order between what came before and after.
  EXPECT_EQ(r.chunks, (std::vector<std::string>{"head", block, "tail"}));
  // Half the buffer is enough to bypass it.
  Recorder half;
  ChunkStreamBuf half_buffer(half.Sink(), 16);
  std::ostream half_out(&half_buffer);
  half_out.write("12345678", 8);
  EXPECT_EQ(half.chunks, (std::vector<std::string>{"12345678"}));
}

TEST(ChunkStreamBufTest, AFailedSinkEndsTheStream) {
  Recorder r;
  r.fail_at = 1;
  ChunkStreamBuf buffer(r.Sink(), 16);
  std::ostream out(&buffer);
  const std::string block(40, 'x');
  out.write(block.data(), static_cast<std::streamsize>(block.size()));
  EXPECT_TRUE(out.good());
  out.write(block.data(), static_cast<std::streamsize>(block.size()));
  EXPECT_TRUE(buffer.failed());
  EXPECT_FALSE(out.good());
  out.clear();
  out << "more";
  out.flush();
  EXPECT_EQ(r.chunks.size(), 1u);
}

}  // namespace
}  // namespace pushprobe::exporter
