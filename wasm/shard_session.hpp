// The facade of a sharded bundle for web/sharded.js: the core's ShardSet behind calls that move
// numbers and bytes. Which parts a request needs, whether a part belongs, and how the parts merge
// are the core's; JS only fetches what this says and hands the bytes back. The merged bundle is
// then loaded like any bundle (wasm/session.hpp), so scoring is the one path every bundle takes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bundle/shards.hpp"

namespace basketlift::wasm {

class ShardSession {
 public:
  // Before open(): the path of the shard holding `label`, from the manifest's "global" and
  // "shards", so a page fetches its cart's shards beside the global part.
  static std::string shard_path(const std::string& global, std::uint32_t shards,
                                const std::string& label) {
    return basketlift::shard_path(global, shards, label);
  }
  // The global part: 0, or kInvalidBundle and message().
  std::int32_t open(const std::string& global);
  const std::string& message() const { return message_; }
  std::uint32_t shard_count() const { return set_->info().shard_count; }
  std::uint32_t items() const { return set_->info().total_items; }
  std::uint32_t shard_of(const std::string& label) const {
    return basketlift::shard_of(label, set_->info().shard_count);
  }
  bool has(std::uint32_t kind, std::uint32_t index) const {
    return set_->has(static_cast<PartKind>(kind), index);
  }
  std::string path(std::uint32_t kind, std::uint32_t index) const {
    return set_->path(static_cast<PartKind>(kind), index);
  }
  // 0, or kInvalidBundle and message() (naming the part).
  std::int32_t add(std::uint32_t kind, std::uint32_t index, const std::string& bytes);
  void remove(std::uint32_t kind, std::uint32_t index) {
    set_->remove(static_cast<PartKind>(kind), index);
    merged_ = nullptr;
  }
  // The parts the category answer (or upsell, which also reads every item of the category)
  // reads for `label`'s category, given those here:
  // their count; need_kind(i) / need_index(i) name them.
  std::uint32_t category_needs(const std::string& label, bool upsell);
  std::uint32_t need_kind(std::uint32_t i) const {
    return static_cast<std::uint32_t>(needs_[i].first);
  }
  std::uint32_t need_index(std::uint32_t i) const { return needs_[i].second; }
  // The next page of the popular order to fetch when a fill ran past what is here (0: none).
  std::uint32_t next_popular_page() const { return set_->next_popular_page(); }
  // Merges the parts here into one bundle: its size in bytes (at merged_data()), or
  // kInvalidBundle and message() when they contradict each other.
  std::int32_t merge();
  const std::uint8_t* merged_data() const { return merged_ ? merged_->bytes().data() : nullptr; }

 private:
  std::unique_ptr<ShardSet> set_;
  const Bundle* merged_ = nullptr;
  std::vector<std::pair<PartKind, std::uint32_t>> needs_;
  std::string message_;
};

}  // namespace basketlift::wasm
