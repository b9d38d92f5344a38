#include "probe/net/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace pushprobe::net_internal {
namespace {

// One lookup, shared by its caller and the thread running it; guarded by
// the pool's mutex.
struct Job {
  std::string host;
  std::uint16_t port = 0;
  LookupFunction lookup;
  bool started = false;
  bool done = false;
  LookupResult result;
  std::condition_variable cv;
};

LookupResult RunLookup(const Job& job) {
  LookupResult result;
  try {
    result = job.lookup(job.host, job.port);
  } catch (const std::exception& e) {
    result.error = e.what();
  } catch (...) {
    result.error = "unknown resolver failure";
  }
  return result;
}

bool LiteralAddress(const std::string& host, std::uint16_t port, ResolvedAddress* out) {
  std::memset(&out->storage, 0, sizeof(out->storage));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out->storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out->length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out->length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace

std::string ResolvedAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (storage.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  return "?";
}

LookupResult SystemLookup(const std::string& host, std::uint16_t port) {
  LookupResult result;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
  if (rc != 0) {
    result.error =
        rc == EAI_SYSTEM ? std::generic_category().message(errno) : std::string(gai_strerror(rc));
    return result;
  }
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    ResolvedAddress address;
    std::memcpy(&address.storage, ai->ai_addr, ai->ai_addrlen);
    address.length = ai->ai_addrlen;
    result.addresses.push_back(address);
  }
  freeaddrinfo(list);
  if (result.addresses.empty()) result.error = "no addresses";
  return result;
}

// The pool's state, held by the pool and by each of its threads, so a thread
// stuck in a lookup outlives a pool that is destroyed.
struct ResolverPool::Core {
  explicit Core(std::size_t l) : limit(l) {}
  const std::size_t limit;
  mutable std::mutex mu;
  std::condition_variable work;
  std::deque<std::shared_ptr<Job>> queue;
  std::size_t threads = 0;
  std::size_t idle = 0;
  std::size_t running = 0;
  bool stopping = false;

  static void Work(const std::shared_ptr<Core>& core) {
    std::unique_lock<std::mutex> lock(core->mu);
    for (;;) {
      ++core->idle;
      core->work.wait(lock, [&] { return core->stopping || !core->queue.empty(); });
      --core->idle;
      if (core->queue.empty()) break;
      std::shared_ptr<Job> job = std::move(core->queue.front());
      core->queue.pop_front();
      job->started = true;
      ++core->running;
      lock.unlock();
      LookupResult result = RunLookup(*job);
      lock.lock();
      --core->running;
      job->result = std::move(result);
      job->done = true;
      job->cv.notify_all();
    }
    --core->threads;
  }

  // Called with mu held, after a job was queued.
  void StartThreadIfNeeded(const std::shared_ptr<Core>& self) {
    if (idle >= queue.size() || threads >= limit) return;
    try {
      std::thread([self] { Work(self); }).detach();
      ++threads;
    } catch (const std::system_error&) {
      // No thread to be had: the job waits for a running one, or its deadline.
    }
  }
};

ResolverPool::ResolverPool(std::size_t limit)
    : core_(std::make_shared<Core>(std::max<std::size_t>(limit, 1))) {}

ResolverPool::~ResolverPool() {
  std::lock_guard<std::mutex> lock(core_->mu);
  core_->stopping = true;
  core_->work.notify_all();
}

ResolverPool& ResolverPool::Shared() {
  static ResolverPool& pool = *new ResolverPool(kSharedResolverThreads);
  return pool;
}

ResolverStats ResolverPool::Stats() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  ResolverStats stats;
  stats.in_flight = core_->running;
  stats.waiting = core_->queue.size();
  stats.limit = core_->limit;
  return stats;
}

NetStatus ResolverPool::Resolve(const std::string& host, std::uint16_t port,
                                const Deadline& deadline, const LookupFunction& lookup,
                                std::vector<ResolvedAddress>* out) {
  out->clear();
  ResolvedAddress literal;
  if (LiteralAddress(host, port, &literal)) {
    out->push_back(literal);
    return NetStatus::Ok();
  }
  const SteadyTime started = deadline.clock().SteadyNow();
  auto timed_out = [&](const std::string& why) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline.clock().SteadyNow() - started);
    return NetStatus::Fail(Reason::kDns, "DNS lookup of " + host + " timed out after " +
                                             std::to_string(waited.count()) + " ms" + why);
  };
  if (deadline.Expired()) return timed_out("");

  auto job = std::make_shared<Job>();
  job->host = host;
  job->port = port;
  job->lookup = lookup;
  // A cancelled deadline wakes the wait below; the lookup itself cannot be
  // stopped and finishes alone, as one whose deadline passed. Declared before
  // the lock: it must be made and undone without holding the pool's mutex,
  // which its function takes.
  std::optional<Cancellation::Watch> watch;
  if (deadline.cancellation() != nullptr) {
    watch.emplace(*deadline.cancellation(), [core = core_, job] {
      std::lock_guard<std::mutex> lock(core->mu);
      job->cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(core_->mu);
  core_->queue.push_back(job);
  core_->StartThreadIfNeeded(core_);
  core_->work.notify_one();
  while (!job->done) {
    if (deadline.Expired()) {
      if (job->started) return timed_out("");
      // Never started: every thread is busy with lookups that do not end,
      // which is what a resolver that stopped answering looks like.
      core_->queue.erase(std::find(core_->queue.begin(), core_->queue.end(), job));
      return timed_out(" waiting for a free lookup slot (" + std::to_string(core_->limit) +
                       " lookups already in flight)");
    }
    job->cv.wait_for(lock, std::chrono::milliseconds(deadline.RemainingMillis()));
  }
  if (!job->result.error.empty()) {
    return NetStatus::Fail(Reason::kDns, "DNS lookup of " + host + " failed: " + job->result.error);
  }
  *out = std::move(job->result.addresses);
  return NetStatus::Ok();
}

NetStatus Resolve(const std::string& host, std::uint16_t port, const Deadline& deadline,
                  const LookupFunction& lookup, std::vector<ResolvedAddress>* out) {
  return ResolverPool::Shared().Resolve(host, port, deadline, lookup, out);
}

}  // namespace pushprobe::net_internal
