#include "probe/net/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

namespace pushprobe::net_internal {
namespace {

// Shared by Resolve and its worker; whichever finishes last frees it.
struct LookupState {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  LookupResult result;
};

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

NetStatus Resolve(const std::string& host, std::uint16_t port, const Deadline& deadline,
                  const LookupFunction& lookup, std::vector<ResolvedAddress>* out) {
  out->clear();
  ResolvedAddress literal;
  if (LiteralAddress(host, port, &literal)) {
    out->push_back(literal);
    return NetStatus::Ok();
  }
  const SteadyTime started = deadline.clock().SteadyNow();
  auto timed_out = [&] {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline.clock().SteadyNow() - started);
    return NetStatus::Fail(Reason::kTimeout, "DNS lookup of " + host + " timed out after " +
                                                 std::to_string(waited.count()) + " ms");
  };
  if (deadline.Expired()) return timed_out();

  auto state = std::make_shared<LookupState>();
  // getaddrinfo cannot be cancelled, so the worker owns copies of everything
  // it touches and is detached: a timed-out caller just stops waiting.
  std::thread([state, lookup, host, port] {
    LookupResult result;
    try {
      result = lookup(host, port);
    } catch (const std::exception& e) {
      result.error = e.what();
    } catch (...) {
      result.error = "unknown resolver failure";
    }
    std::lock_guard<std::mutex> lock(state->mu);
    state->result = std::move(result);
    state->done = true;
    state->cv.notify_all();
  }).detach();

  std::unique_lock<std::mutex> lock(state->mu);
  while (!state->done) {
    if (deadline.Expired()) return timed_out();
    state->cv.wait_for(lock, std::chrono::milliseconds(deadline.RemainingMillis()));
  }
  if (!state->result.error.empty()) {
    return NetStatus::Fail(Reason::kDns,
                           "DNS lookup of " + host + " failed: " + state->result.error);
  }
  *out = std::move(state->result.addresses);
  return NetStatus::Ok();
}

}  // namespace pushprobe::net_internal
