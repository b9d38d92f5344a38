#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pushprobe::exporter {

/// \brief One copy of each distinct label text of the targets' series, by
/// small number.
///
/// A /metrics series line is `name{target="T"<tail>value`, where the tail is
/// the rest of the label set and the separating space, e.g.
/// `,stage="metadata",phase="dns"} `. Tails are built only from fixed label
/// sets (stage, phase, reason, category, endpoint), never from the target
/// name, so a few hundred of them serve any number of targets; each target
/// then stores two bytes per series instead of the text. Texts are never
/// removed, and a text's characters stay at one address for the pool's
/// lifetime. Thread-safe.
class LabelTextPool {
 public:
  using Id = std::uint16_t;
  /// How many distinct texts fit in an Id.
  static constexpr std::size_t kCapacity = 65536;

  /// The pool the metrics renderer uses, for the whole process.
  static LabelTextPool& Shared();

  /// Appends the id of each of \p texts to \p ids, adding the texts not yet
  /// in the pool (one lock for all of them).
  /// \throw std::length_error when the pool would exceed kCapacity texts,
  /// which only label values from an unbounded set could cause.
  void Intern(const std::vector<std::string_view>& texts, std::vector<Id>* ids);

  /// Every text interned so far, indexed by id. The views stay valid for the
  /// pool's lifetime; ids handed out after the call are not covered.
  std::vector<std::string_view> Texts() const;

  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::deque<std::string> storage_;  ///< owns the texts; a deque never moves its elements
  std::unordered_map<std::string_view, Id> ids_;  ///< views into storage_
  std::vector<std::string_view> texts_;           ///< by id, views into storage_
};

}  // namespace pushprobe::exporter
