#pragma once

#include <optional>
#include <string>
#include <utility>

namespace pushprobe {

/// \brief A value or a specific error: how parsers and checks report bad
/// input without throwing. The error is a message by default; a function
/// whose callers word or handle the failure themselves (the configuration
/// loader, the credential cache) returns a typed error they can switch on.
/// docs/development.md says when to use it and what stays data instead.
template <typename T, typename E = std::string>
class Expected {
 public:
  Expected(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  static Expected Error(E error) {
    Expected e;
    e.error_ = std::move(error);
    return e;
  }
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T* operator->() const { return &*value_; }
  const T& operator*() const { return *value_; }
  const E& error() const { return error_; }

 private:
  Expected() = default;
  std::optional<T> value_;
  E error_{};
};

/// \brief Success, or a specific error: what a check that produces no value
/// returns (`Expected<void>` in place of an optional message that means
/// failure when present). Default-constructed, it is a success.
template <typename E>
class Expected<void, E> {
 public:
  Expected() = default;
  static Expected Error(E error) {
    Expected e;
    e.ok_ = false;
    e.error_ = std::move(error);
    return e;
  }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok(); }
  const E& error() const { return error_; }

 private:
  bool ok_ = true;
  E error_{};
};

}  // namespace pushprobe
