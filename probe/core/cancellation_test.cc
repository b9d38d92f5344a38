#include "probe/core/cancellation.h"

#include <gtest/gtest.h>
#include <poll.h>

namespace pushprobe {
namespace {

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

// A run's cancellation is almost never cancelled: its eventfd goes to the
// next one instead of being closed and made again (two syscalls a run).
TEST(CancellationTest, AnEventFdNeverCancelledIsReused) {
  EventFdPool& pool = EventFdPool::Shared();
  { Cancellation warm; }  // the pool holds one idle eventfd from here on
  const std::size_t before = pool.created();
  for (int i = 0; i < 5; ++i) {
    Cancellation cancellation;
    ASSERT_GE(cancellation.fd(), 0);
    EXPECT_FALSE(Readable(cancellation.fd()));
  }
  EXPECT_EQ(pool.created(), before);
}

// A cancelled one stays readable, so it is closed: the next cancellation
// must not start out cancelled as far as poll(2) can tell.
TEST(CancellationTest, AnEventFdCancelledIsNotReused) {
  EventFdPool& pool = EventFdPool::Shared();
  { Cancellation warm; }
  std::size_t before = pool.created();
  {
    Cancellation first;
    first.Cancel();
    EXPECT_TRUE(Readable(first.fd()));
  }
  // The idle one from the warm-up went to `first` and was closed with it.
  Cancellation second;
  EXPECT_EQ(pool.created(), before + 1);
  EXPECT_FALSE(second.cancelled());
  EXPECT_FALSE(Readable(second.fd()));
}

}  // namespace
}  // namespace pushprobe
