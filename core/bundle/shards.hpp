// Sharded bundles: a bundle split so a page fetches only what its cart needs. A small global
// part (the popular head), per-item shards (each item's rules, neighbours, similar names and
// statistics, with the label and catalog fields of every item they name), per-category parts
// (a category's rules and the first offered items of it and of the categories its rules name),
// upsell parts (a category's items with their rules) and pages of the popular order. Every part
// is itself a bundle, validated by Bundle::load_part; ShardSet merges the parts a page has into
// one bundle the Scorer reads unchanged, so a sharded bundle answers exactly as the single file
// it was cut from, and the scorer says when the parts at hand do not suffice. Format:
// docs/bundle-format.md, "Sharded bundles".
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/bundle.hpp"

namespace basketlift {

struct ShardOptions {
  std::uint32_t shards = 0;  // 0: one per kShardItems items
  // The global part holds the first popular_head items of the popular order (the fill); a
  // category part holds the first category_head offered items of each category it names.
  std::uint32_t popular_head = 256;
  std::uint32_t category_head = 16;
};
// Items per shard by default: a shard is then a few kilobytes gzipped, so a cart of five costs
// about as much as one small image, and a store of a million items is 62,500 files.
inline constexpr std::uint32_t kShardItems = 16;

struct PartFile {
  std::string path;  // relative to the manifest
  std::vector<std::uint8_t> bytes;
};
struct ShardedBundle {
  std::string manifest;  // manifest.json
  std::vector<PartFile> parts;
};
inline constexpr std::string_view kManifestFormat = "basketlift-sharded-bundle";
// The layout of the parts: 2 since a pair's rules travel with its larger item. Part of the run
// id, so a new layout never reuses a name a CDN has cached, and readers refuse other versions.
inline constexpr std::uint32_t kManifestVersion = 2;

// Cuts a bundle's content into parts. Items are renumbered in popular order first.
ShardedBundle shard_bundle(const BundleContent& content, const ShardOptions& options);
// Where a part lives, relative to the manifest: a folder per run (its id in hexadecimal), so
// every file name changes with the content and a CDN may cache them forever.
std::string part_path(std::uint64_t run, PartKind kind, std::uint32_t index);
// The shard holding an item's lists: the same function for the writer and every reader.
std::uint32_t shard_of(std::string_view label, std::uint32_t shard_count);
// The path of the shard holding `label` from the manifest alone (its "global" path and
// "shards"), so a reader can fetch a cart's shards while the global part is on its way.
std::string shard_path(std::string_view global_path, std::uint32_t shard_count,
                       std::string_view label);
// A loaded bundle's content, for cutting a bundle that was already written.
BundleContent content_of(const Bundle& bundle);

// The parts of one sharded bundle a reader has so far, as one bundle.
class ShardSet {
 public:
  // nullptr and `error` unless `global` is the global part of a sharded bundle.
  static std::unique_ptr<ShardSet> open(std::vector<std::uint8_t> global, std::string& error);
  const PartInfo& info() const { return global_->part(); }
  std::string path(PartKind kind, std::uint32_t index) const {
    return part_path(info().run, kind, index);
  }
  bool has(PartKind kind, std::uint32_t index) const { return find(kind, index) != parts_.end(); }
  // Adds the part `kind` `index` after checking the bytes are that part of this run; false and
  // `error` otherwise, and nothing changes.
  bool add(PartKind kind, std::uint32_t index, std::vector<std::uint8_t> bytes, std::string& error);
  // Forgets a part (a reader with a bounded cache); the global part stays.
  void remove(PartKind kind, std::uint32_t index) {
    if (auto at = find(kind, index); at != parts_.end()) {
      parts_.erase(at);
      merged_.reset();
    }
  }

  // What a request needs that is not here yet, as (kind, index) pairs: the shards of these
  // labels (cart, history, an upsell's item).
  std::vector<std::pair<PartKind, std::uint32_t>> missing_for(
      std::span<const std::string_view> labels) const;
  // After bundle() holds an item's shard: the category part the category answer reads for it,
  // and for upsell (`upsell`) then also the shards of every item of its category.
  std::vector<std::pair<PartKind, std::uint32_t>> missing_for_category_of(std::uint32_t item,
                                                                          bool upsell);

  // Pages of the popular order (the global part's head is page 0), and the first one not here
  // (0 when all are): what to fetch when the fill ran past what is here.
  std::uint32_t popular_pages() const {
    const auto head = info().popular_head;
    return head ? static_cast<std::uint32_t>((std::uint64_t{info().total_items} + head - 1) / head)
                : 1;
  }
  std::uint32_t next_popular_page() const {
    for (std::uint32_t p = 1; p < popular_pages(); ++p)
      if (!has(PartKind::Popular, p)) return p;
    return 0;
  }
  // Everything loaded so far as one bundle (rebuilt after add(); valid until the next add()).
  // nullptr and `error` when the parts contradict each other.
  const Bundle* bundle(std::string& error);

 private:
  ShardSet() = default;
  // A vector, not a map: a page holds at most a few thousand parts, and the wasm stays smaller.
  struct Entry {
    PartKind kind;
    std::uint32_t index;
    std::unique_ptr<Bundle> part;
  };
  std::vector<Entry>::const_iterator find(PartKind kind, std::uint32_t index) const {
    return std::find_if(parts_.begin(), parts_.end(),
                        [&](const Entry& e) { return e.kind == kind && e.index == index; });
  }
  std::unique_ptr<Bundle> global_;
  std::vector<Entry> parts_;
  std::unique_ptr<Bundle> merged_;
};

}  // namespace basketlift
