#pragma once

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/type.h>

#include <cstddef>
#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace pushprobe::config_internal {

/// \brief One YAML node as the loader reads it: its kind, its text (for a
/// scalar), where it starts, and its children.
///
/// The loader's own tree rather than yaml-cpp's Node: a yaml-cpp node costs
/// several hundred bytes (a 131,000-target file took 754 MB), this one about
/// 90, and YamlTreeBuilder builds it from the parser's events, so the targets
/// list never has to be held whole (see YamlTreeBuilder).
class YamlNode {
 public:
  YamlNode() = default;
  YamlNode(YAML::NodeType::value type, const YAML::Mark& mark) : type_(type), mark_(mark) {}

  YAML::NodeType::value Type() const { return type_; }
  bool IsNull() const { return type_ == YAML::NodeType::Null; }
  bool IsScalar() const { return type_ == YAML::NodeType::Scalar; }
  bool IsSequence() const { return type_ == YAML::NodeType::Sequence; }
  bool IsMap() const { return type_ == YAML::NodeType::Map; }
  const std::string& Scalar() const { return scalar_; }
  const YAML::Mark& Mark() const { return mark_; }
  /// A map's entries or a sequence's items; 0 for anything else.
  std::size_t size() const { return IsMap() ? children_.size() / 2 : children_.size(); }
  /// A sequence's items (empty for anything else).
  const std::vector<YamlNode>& items() const { return IsSequence() ? children_ : None(); }

  /// One entry of a map, as yaml-cpp's iterators give them.
  struct Entry {
    const YamlNode& first;
    const YamlNode& second;
  };
  /// A map's entries in file order, duplicates included (empty for anything else).
  std::vector<Entry> entries() const;

  /// This node and every node below it.
  std::size_t Count() const;

 private:
  friend class YamlTreeBuilder;
  static const std::vector<YamlNode>& None();

  YAML::NodeType::value type_ = YAML::NodeType::Null;
  YAML::Mark mark_ = YAML::Mark::null_mark();
  std::string scalar_;
  std::vector<YamlNode> children_;  ///< a map's are key, value, key, value, ...
};

/// \brief Thrown by YamlTreeBuilder when more nodes would be held at once
/// than it may hold.
struct YamlTooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// \brief Builds the first document's tree from yaml-cpp's events, handing
/// each item of the top-level map's first `targets` sequence to \p on_item as
/// soon as it is complete and then dropping it.
///
/// So the memory held is the document without its targets plus one target,
/// whatever the number of targets. Later documents are only noted (where they
/// start and where their first node is), for the loader's one-document rule.
/// Aliases are resolved by copying the anchored node; every node held counts
/// against \p max_held, copies included (a "billion laughs" document stops
/// there), and going past it throws YamlTooLarge.
///
/// With \p max_kept, the items are also kept as long as they come to at most
/// that many nodes together, so that a small file need not be parsed a second
/// time for them. Kept nodes count against \p max_held too, but never make a
/// document too large: when the cap would be passed, or the items outgrow
/// \p max_kept, every kept item is dropped and no more are kept.
class YamlTreeBuilder final : public YAML::EventHandler {
 public:
  using ItemFn = std::function<void(const YamlNode& item)>;
  struct Document {
    YAML::Mark start;
    std::optional<YAML::Mark> first_node;
  };

  YamlTreeBuilder(std::size_t max_held, ItemFn on_item, std::size_t max_kept = 0)
      : max_held_(max_held),
        max_kept_(max_kept),
        on_item_(std::move(on_item)),
        keeping_(max_kept > 0) {}

  const std::vector<Document>& documents() const { return documents_; }
  /// The first document's root; the targets sequence is there without items.
  const YamlNode& root() const { return root_; }
  /// How many items the first `targets` sequence had.
  std::size_t target_items() const { return target_items_; }
  /// Every item of the first `targets` sequence, in order, when all of them
  /// were kept; null when some were dropped (or max_kept was 0).
  const std::vector<YamlNode>* kept_items() const { return keeping_ ? &kept_ : nullptr; }

  void OnDocumentStart(const YAML::Mark& mark) override;
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { End(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { End(); }

 private:
  struct Open {
    YamlNode node;
    YAML::anchor_t anchor;
    int targets;  ///< 0: not a top-level targets sequence; 1: the first; 2: a later one
  };
  bool Building() const { return documents_.size() == 1; }
  void Hold(std::size_t nodes, const YAML::Mark& mark);
  void Start(YAML::NodeType::value type, const YAML::Mark& mark, YAML::anchor_t anchor);
  void End();
  void Complete(YamlNode node, YAML::anchor_t anchor);
  void DropKept();

  const std::size_t max_held_;
  const std::size_t max_kept_;
  ItemFn on_item_;
  bool keeping_;
  std::vector<YamlNode> kept_;
  std::size_t kept_nodes_ = 0;
  std::vector<Document> documents_;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, YamlNode> anchors_;
  YamlNode root_;
  std::size_t held_ = 0;
  std::size_t target_items_ = 0;
  bool targets_seen_ = false;
};

/// \brief The document as a stream without a copy (yaml-cpp's parser reads a
/// std::istream; an istringstream would copy a 16 MB file each pass).
class ViewStream : private std::streambuf, public std::istream {
 public:
  explicit ViewStream(std::string_view text) : std::istream(this) {
    char* begin = const_cast<char*>(text.data());  // only read
    setg(begin, begin, begin + text.size());
  }
};

/// \brief Reads \p yaml's first document into \p tree and notes up to two more
/// (for the one-document rule), throwing YAML::ParserException for what
/// yaml-cpp 0.7 gets wrong rather than say:
/// - a NUL byte: YAML allows none, and yaml-cpp takes one in a plain scalar
///   for the start of an escape ("fabrik\0am.com" would load as "fabrik\am.com");
/// - a "," outside a flow collection: yaml-cpp never consumes it and starts an
///   empty document at the same place again and again, so YAML::LoadAll on a
///   one-byte file never ends and eats memory.
/// Every YAML file pushprobe reads goes through here first.
void ReadDocuments(std::string_view yaml, YamlTreeBuilder& tree);

/// "invalid YAML: " and what yaml-cpp found wrong, in words: its nesting
/// limit's own text is "bad file".
std::string YamlErrorText(const YAML::Exception& error);

}  // namespace pushprobe::config_internal
