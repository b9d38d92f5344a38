#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <vector>

namespace pushprobe {

/// \brief The eventfds of cancellations that ended without being cancelled
/// (their counter still 0, so never readable), handed to the next
/// Cancellation instead of a new one: a concurrent run makes one and almost
/// never cancels it, and each run would otherwise cost an eventfd2 and a
/// close. Bounded; thread-safe.
class EventFdPool {
 public:
  static constexpr std::size_t kMaxIdle = 64;

  /// An idle eventfd, or a new one (-1 when none can be made).
  int Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        const int fd = idle_.back();
        idle_.pop_back();
        return fd;
      }
    }
    const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd >= 0) created_.fetch_add(1, std::memory_order_relaxed);
    return fd;
  }
  /// Takes back \p fd, which must never have been written to.
  void Give(int fd) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(fd);
        return;
      }
    }
    close(fd);
  }
  /// Eventfds made so far (for tests: a run should not make one each time).
  std::size_t created() const { return created_.load(std::memory_order_relaxed); }

  /// The process's pool. Never destroyed: a Cancellation may end after
  /// static destructors have run.
  static EventFdPool& Shared() {
    static EventFdPool& pool = *new EventFdPool;
    return pool;
  }

 private:
  std::mutex mu_;
  std::vector<int> idle_;
  std::atomic<std::size_t> created_{0};
};

/// \brief Says that work already started is no longer wanted: a run's request
/// sent ahead whose stage will not run (docs/protocol.md, section 2).
///
/// A Deadline may carry one (Deadline::CancelledBy): once cancelled, that
/// deadline has passed, so everything bounded by it ends as it would at its
/// deadline, now instead of later. Waits that sleep have to be woken too:
/// poll(2) watches fd(), a condition variable subscribes (Watch).
/// Thread-safe; one-way (never un-cancelled).
class Cancellation {
 public:
  /// Without an eventfd (no descriptors left), fd() is -1 and poll(2) waits
  /// are only ended by the deadline itself, as without a cancellation.
  Cancellation() : fd_(EventFdPool::Shared().Take()) {}
  ~Cancellation() {
    if (fd_ < 0) return;
    if (cancelled()) {
      close(fd_);  // readable for good now
    } else {
      EventFdPool::Shared().Give(fd_);
    }
  }
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  /// Cancels: fd() becomes readable (and stays so) and every Watch's
  /// function runs, on this thread, before Cancel returns. Idempotent.
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_.exchange(true)) return;
    if (fd_ >= 0) {
      const std::uint64_t one = 1;
      // Cannot fail short of a counter overflow, which one write cannot reach.
      [[maybe_unused]] const ssize_t n = write(fd_, &one, sizeof one);
    }
    for (const auto& wake : watchers_) wake();
  }

  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

  /// Readable once cancelled, for poll(2) beside a socket; -1 when there is none.
  int fd() const { return fd_; }

  /// \brief Runs \p wake when the cancellation is cancelled while this lives.
  /// The destructor waits for a \p wake that is running, so \p wake may touch
  /// what outlives this Watch. Create it, and destroy it, without holding a
  /// lock that \p wake takes.
  class Watch {
   public:
    Watch(const Cancellation& cancellation, std::function<void()> wake) : owner_(cancellation) {
      std::lock_guard<std::mutex> lock(owner_.mu_);
      it_ = owner_.watchers_.insert(owner_.watchers_.end(), std::move(wake));
    }
    ~Watch() {
      std::lock_guard<std::mutex> lock(owner_.mu_);
      owner_.watchers_.erase(it_);
    }
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

   private:
    const Cancellation& owner_;
    std::list<std::function<void()>>::iterator it_;
  };

 private:
  const int fd_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;  // guards watchers_ and orders Cancel against Watch's lifetime
  mutable std::list<std::function<void()>> watchers_;  // a Watch adds itself to a const one
};

}  // namespace pushprobe
