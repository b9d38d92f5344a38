#include "probe/config/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "probe/core/quote_text.h"

namespace pushprobe::config_internal {

const std::vector<YamlNode>& YamlNode::None() {
  static const std::vector<YamlNode> kNone;
  return kNone;
}

std::vector<YamlNode::Entry> YamlNode::entries() const {
  std::vector<Entry> out;
  if (!IsMap()) return out;
  out.reserve(children_.size() / 2);
  for (std::size_t i = 0; i + 1 < children_.size(); i += 2) {
    out.push_back(Entry{children_[i], children_[i + 1]});
  }
  return out;
}

std::size_t YamlNode::Count() const {
  std::size_t n = 1;
  for (const YamlNode& child : children_) n += child.Count();
  return n;
}

void YamlTreeBuilder::OnDocumentStart(const YAML::Mark& mark) {
  documents_.push_back({mark, std::nullopt});
}

void YamlTreeBuilder::Hold(std::size_t nodes, const YAML::Mark& mark) {
  // Kept items are a saving, not part of the document: they give way first.
  if (held_ + nodes > max_held_ && !kept_.empty()) DropKept();
  held_ += nodes;
  if (held_ > max_held_) {
    throw YamlTooLarge("more than " + std::to_string(max_held_) +
                       " YAML nodes outside the targets list or in one target (line " +
                       std::to_string(mark.line + 1) + ")");
  }
}

void YamlTreeBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  if (!documents_.back().first_node) documents_.back().first_node = mark;
  if (!Building()) return;
  Hold(1, mark);
  Complete(YamlNode(YAML::NodeType::Null, mark), anchor);
}

void YamlTreeBuilder::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) {
  if (!documents_.back().first_node) documents_.back().first_node = mark;
  if (!Building()) return;
  auto it = anchors_.find(anchor);
  // yaml-cpp's parser refuses an unknown alias before it gets here.
  YamlNode copy = it == anchors_.end() ? YamlNode(YAML::NodeType::Null, mark) : it->second;
  Hold(copy.Count(), mark);
  Complete(std::move(copy), YAML::NullAnchor);
}

void YamlTreeBuilder::OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                               const std::string& value) {
  if (!documents_.back().first_node) documents_.back().first_node = mark;
  if (!Building()) return;
  Hold(1, mark);
  YamlNode node(YAML::NodeType::Scalar, mark);
  node.scalar_ = value;
  Complete(std::move(node), anchor);
}

void YamlTreeBuilder::OnSequenceStart(const YAML::Mark& mark, const std::string&,
                                      YAML::anchor_t anchor, YAML::EmitterStyle::value) {
  Start(YAML::NodeType::Sequence, mark, anchor);
}

void YamlTreeBuilder::OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                                 YAML::EmitterStyle::value) {
  Start(YAML::NodeType::Map, mark, anchor);
}

void YamlTreeBuilder::Start(YAML::NodeType::value type, const YAML::Mark& mark,
                            YAML::anchor_t anchor) {
  if (!documents_.back().first_node) documents_.back().first_node = mark;
  if (!Building()) return;
  Hold(1, mark);
  // A sequence that is the value of the top-level map's "targets" key: its
  // items are handed on one at a time instead of kept.
  int targets = 0;
  if (type == YAML::NodeType::Sequence && open_.size() == 1 && open_[0].node.IsMap()) {
    const std::vector<YamlNode>& top = open_[0].node.children_;
    if (top.size() % 2 == 1 && top.back().IsScalar() && top.back().Scalar() == "targets") {
      targets = targets_seen_ ? 2 : 1;
      targets_seen_ = true;
    }
  }
  open_.push_back({YamlNode(type, mark), anchor, targets});
}

void YamlTreeBuilder::End() {
  if (!Building() || open_.empty()) return;
  Open done = std::move(open_.back());
  open_.pop_back();
  Complete(std::move(done.node), done.anchor);
}

void YamlTreeBuilder::Complete(YamlNode node, YAML::anchor_t anchor) {
  if (anchor != YAML::NullAnchor) {
    Hold(node.Count(), node.Mark());
    anchors_[anchor] = node;
  }
  if (open_.empty()) {
    root_ = std::move(node);
    return;
  }
  Open& parent = open_.back();
  if (parent.targets != 0) {
    const std::size_t nodes = node.Count();
    if (parent.targets == 1) {
      ++target_items_;
      if (on_item_) on_item_(node);
      if (keeping_ && kept_nodes_ + nodes <= max_kept_) {
        kept_nodes_ += nodes;  // still counted in held_
        kept_.push_back(std::move(node));
        return;
      }
      if (keeping_) DropKept();
    }
    held_ -= nodes;  // dropped: a later one's items are never read
    return;
  }
  parent.node.children_.push_back(std::move(node));
}

void YamlTreeBuilder::DropKept() {
  held_ -= kept_nodes_;
  kept_nodes_ = 0;
  std::vector<YamlNode>().swap(kept_);
  keeping_ = false;
}

void ReadDocuments(std::string_view yaml, YamlTreeBuilder& tree) {
  if (const std::size_t nul = yaml.find('\0'); nul != std::string_view::npos) {
    YAML::Mark at;
    const std::size_t line_start = yaml.rfind('\n', nul) + 1;  // 0 when there is none
    at.pos = static_cast<int>(nul);
    at.line = static_cast<int>(std::count(yaml.begin(), yaml.begin() + line_start, '\n'));
    at.column = static_cast<int>(nul - line_start);
    throw YAML::ParserException(at, "a NUL byte; a configuration is text (is this a binary file?)");
  }
  ViewStream input(yaml);
  YAML::Parser parser(input);
  while (tree.documents().size() < 3 && parser.HandleNextDocument(tree)) {
  }
  // A document that starts where the previous one did: the parser is stuck there.
  const auto& documents = tree.documents();
  auto stuck = std::adjacent_find(documents.begin(), documents.end(),
                                  [](auto& a, auto& b) { return a.start.pos == b.start.pos; });
  if (stuck != documents.end()) {
    const YAML::Mark& at = std::next(stuck)->start;
    const auto pos = static_cast<std::size_t>(at.pos);
    const std::string what = pos < yaml.size() ? QuoteExcerpt(yaml.substr(pos, 1)) : "text";
    throw YAML::ParserException(
        at, "unexpected " + what + " (\",\" separates entries only inside [ ] or { })");
  }
}

std::string YamlErrorText(const YAML::Exception& error) {
  if (const auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&error)) {
    return "invalid YAML: lists and maps nested more than " + std::to_string(deep->depth() - 1) +
           " levels deep";
  }
  return "invalid YAML: " + error.msg;
}

}  // namespace pushprobe::config_internal
