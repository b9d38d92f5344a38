#pragma once

#include <optional>
#include <string>
#include <utility>

namespace pushprobe {

/// \brief A value or a specific error: how parsers report bad input without
/// throwing. The error is a message by default; a parser whose callers word
/// the failure themselves (the configuration loader, say) returns a typed
/// error they can switch on.
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

}  // namespace pushprobe
