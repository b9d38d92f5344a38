#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

namespace pushprobe {

/// Hashes for Interned<T>: std::hash where there is one, element by element
/// for a vector. A type without std::hash (ConnectTo) adds an overload of
/// InternHash beside itself, found by argument-dependent lookup.
template <typename T>
auto InternHash(const T& value) -> decltype(std::hash<T>{}(value)) {
  return std::hash<T>{}(value);
}
inline std::size_t CombineHash(std::size_t seed, std::size_t hash) {
  return seed ^ (hash + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}
template <typename E>
std::size_t InternHash(const std::vector<E>& values) {
  std::size_t seed = values.size();
  for (const E& value : values) seed = CombineHash(seed, InternHash(value));
  return seed;
}

/// \brief An immutable value of which the process keeps one copy however
/// many hold it: every Interned<T> made from an equal value points at the
/// same storage, and the storage goes when the last holder does. It is what
/// lets 50,000 targets of one configuration keep one copy of the defaults
/// they share (the service URI, the certificate and CA paths, the connect_to
/// rules) instead of one each.
///
/// It reads like a const T: it converts to `const T&`, compares with T (and
/// whatever T compares with), and forwards empty/size/begin/end; `->` reaches
/// the rest. The default (empty) value holds no storage at all. Assigning
/// looks the value up in the pool under a mutex, so building values is the
/// slow part and copying or reading them is cheap and thread-safe.
template <typename T>
class Interned {
  struct NoView {};  // what a non-string converts to instead of std::string_view

 public:
  Interned() = default;
  // Implicit on purpose: a field of type Interned<std::string> is assigned
  // like a std::string field (`target.ca_file = path;`).
  Interned(const T& value) : node_(Intern(T(value))) {}     // NOLINT(google-explicit-constructor)
  Interned(T&& value) : node_(Intern(std::move(value))) {}  // NOLINT(google-explicit-constructor)
  template <typename U, typename = std::enable_if_t<!std::is_same_v<std::decay_t<U>, Interned> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    std::is_convertible_v<U&&, T>>>
  Interned(U&& value)  // NOLINT(google-explicit-constructor): "text" for a string
      : node_(Intern(T(std::forward<U>(value)))) {}

  // `connect_to = {{"host", 443, "", 8443}}`, as a vector field is assigned.
  Interned(std::initializer_list<typename T::value_type> values) : Interned(T(values)) {}

  Interned(const Interned& other) noexcept : node_(other.node_) {
    if (node_ != nullptr) node_->holders.fetch_add(1, std::memory_order_relaxed);
  }
  Interned(Interned&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  Interned& operator=(Interned other) noexcept {
    std::swap(node_, other.node_);
    return *this;
  }
  ~Interned() { Release(node_); }

  const T& get() const { return node_ != nullptr ? node_->value : EmptyValue(); }
  operator const T&() const { return get(); }  // NOLINT(google-explicit-constructor)
  const T* operator->() const { return &get(); }
  // A string converts to std::string_view as std::string does.
  operator std::conditional_t<std::is_same_v<T, std::string>, std::string_view,  // NOLINT
                              NoView>() const {
    return get();
  }

  bool empty() const { return node_ == nullptr; }
  std::size_t size() const { return get().size(); }
  auto begin() const { return get().begin(); }
  auto end() const { return get().end(); }
  const auto& operator[](std::size_t i) const { return get()[i]; }
  void clear() { *this = Interned(); }

  /// Whether both hold the same storage (equal non-empty values always do):
  /// for tests of the sharing.
  bool SharesStorageWith(const Interned& other) const {
    return node_ != nullptr && node_ == other.node_;
  }

  friend bool operator==(const Interned& a, const Interned& b) {
    return a.node_ == b.node_ || a.get() == b.get();
  }
  friend bool operator!=(const Interned& a, const Interned& b) { return !(a == b); }
  // Trailing types name T, not the members: the class is incomplete there.
  template <typename U, typename = std::enable_if_t<!std::is_same_v<U, Interned>>>
  friend auto operator==(const Interned& a, const U& b) -> decltype(std::declval<const T&>() == b) {
    return a.get() == b;
  }
  template <typename U, typename = std::enable_if_t<!std::is_same_v<U, Interned>>>
  friend auto operator==(const U& a, const Interned& b) -> decltype(a == std::declval<const T&>()) {
    return a == b.get();
  }
  template <typename U, typename = std::enable_if_t<!std::is_same_v<U, Interned>>>
  friend auto operator!=(const Interned& a, const U& b) -> decltype(std::declval<const T&>() != b) {
    return a.get() != b;
  }
  template <typename U, typename = std::enable_if_t<!std::is_same_v<U, Interned>>>
  friend auto operator!=(const U& a, const Interned& b) -> decltype(a != std::declval<const T&>()) {
    return a != b.get();
  }
  template <typename Stream>
  friend auto operator<<(Stream& out, const Interned& v)
      -> decltype(out << std::declval<const T&>()) {
    return out << v.get();
  }

 private:
  // One allocation per distinct value, counted by its holders.
  struct Node {
    Node(T v, std::size_t h) : value(std::move(v)), hash(h) {}
    T value;  // never changed once in the pool
    const std::size_t hash;
    std::atomic<std::size_t> holders{1};
  };
  struct NodeHash {
    std::size_t operator()(const Node* node) const { return node->hash; }
  };
  struct NodeEqual {
    bool operator()(const Node* a, const Node* b) const {
      return a == b || (a->hash == b->hash && a->value == b->value);
    }
  };
  // Every live value by its contents. Never destroyed: values held by
  // statics may outlive any other static.
  struct Pool {
    std::mutex mutex;
    std::unordered_set<Node*, NodeHash, NodeEqual> nodes;
  };
  static Pool& ThePool() {
    static Pool* pool = new Pool;  // NOLINT(cppcoreguidelines-owning-memory): see Pool
    return *pool;
  }
  static const T& EmptyValue() {
    static const T* empty = new T();  // NOLINT(cppcoreguidelines-owning-memory): as ThePool
    return *empty;
  }

  // The node holding \p value, with one more holder; null for the empty value.
  static Node* Intern(T value) {
    if (value == EmptyValue()) return nullptr;
    const std::size_t hash = InternHash(value);
    Pool& pool = ThePool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    Node probe(std::move(value), hash);
    auto found = pool.nodes.find(&probe);
    if (found != pool.nodes.end()) {
      // A node whose last holder is letting it go (holders at 0, waiting for
      // the mutex in Release) cannot be taken back: replace it.
      std::size_t holders = (*found)->holders.load(std::memory_order_relaxed);
      while (holders > 0) {
        if ((*found)->holders.compare_exchange_weak(holders, holders + 1)) return *found;
      }
      pool.nodes.erase(found);
    }
    Node* node = new Node(std::move(probe.value), hash);
    pool.nodes.insert(node);
    return node;
  }

  static void Release(Node* node) {
    if (node == nullptr || node->holders.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    {
      Pool& pool = ThePool();
      std::lock_guard<std::mutex> lock(pool.mutex);
      auto found = pool.nodes.find(node);
      // Intern may have replaced it with a fresh node of the same value.
      if (found != pool.nodes.end() && *found == node) pool.nodes.erase(found);
    }
    delete node;
  }

  Node* node_ = nullptr;
};

/// A string kept once however many targets hold it (Interned above).
using SharedString = Interned<std::string>;

}  // namespace pushprobe
