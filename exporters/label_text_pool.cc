#include "exporters/label_text_pool.h"

#include <stdexcept>

namespace pushprobe::exporter {

LabelTextPool& LabelTextPool::Shared() {
  // Never destroyed: worker threads may still render while static
  // destructors run at exit.
  static LabelTextPool& pool = *new LabelTextPool();
  return pool;
}

void LabelTextPool::Intern(const std::vector<std::string_view>& texts, std::vector<Id>* ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::string_view text : texts) {
    auto it = ids_.find(text);
    if (it == ids_.end()) {
      if (texts_.size() >= kCapacity) {
        throw std::length_error("more distinct label texts than LabelTextPool::kCapacity");
      }
      const std::string_view stored = storage_.emplace_back(text);
      it = ids_.emplace(stored, static_cast<Id>(texts_.size())).first;
      texts_.push_back(stored);
    }
    ids->push_back(it->second);
  }
}

std::vector<std::string_view> LabelTextPool::Texts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return texts_;
}

std::size_t LabelTextPool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return texts_.size();
}

}  // namespace pushprobe::exporter
