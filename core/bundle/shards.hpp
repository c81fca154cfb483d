// Sharded bundles: a bundle split so a page fetches only what its cart needs. One global part
// (the popular and category heads, the category rules, the shard map) and per-item shards (each
// item's rules, neighbours, similar names and statistics, with the label and catalog fields of
// every item they name). Every part is itself a bundle, validated by Bundle::load; ShardSet
// merges the parts a page has into one bundle the Scorer reads unchanged, so a sharded bundle
// answers exactly as the single file it was cut from. Format: docs/bundle-format.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/bundle.hpp"

namespace basketlift {

struct ShardOptions {
  // 0: about one shard per kShardTargetBytes of the whole bundle.
  std::uint32_t shards = 0;
  // The global part holds the first popular_head items of the popular order (the fill) and each
  // category's first category_head offered items (the category answer).
  std::uint32_t popular_head = 256;
  std::uint32_t category_head = 16;
};
// Small enough that a cart of five items costs a few kilobytes gzipped per item, large enough
// that a store of a million items is not a million files.
inline constexpr std::uint64_t kShardTargetBytes = 16 * 1024;

struct ShardFile {
  std::string name;  // content-hashed: a CDN may cache it forever
  std::vector<std::uint8_t> bytes;
};
struct ShardedBundle {
  std::string manifest;  // manifest.json
  ShardFile global;
  std::vector<ShardFile> shards;
};
inline constexpr std::string_view kManifestFormat = "basketlift-sharded-bundle";

// Cuts a bundle's content into parts. Items are renumbered in popular order first.
ShardedBundle shard_bundle(const BundleContent& content, const ShardOptions& options);
// The shard holding an item's data: the same function for the writer and every reader.
std::uint32_t shard_of(std::string_view label, std::uint32_t shard_count);
// A loaded bundle's content, for cutting a bundle that was already written.
BundleContent content_of(const Bundle& bundle);

// The parts of one sharded bundle a reader has so far, as one bundle.
class ShardSet {
 public:
  // nullptr and `error` unless `global` is the global part of a sharded bundle.
  static std::unique_ptr<ShardSet> open(std::vector<std::uint8_t> global, std::string& error);
  std::uint32_t shard_count() const { return global_->part().shard_count; }
  std::uint32_t shard_of(std::string_view label) const {
    return basketlift::shard_of(label, shard_count());
  }
  bool has(std::uint32_t shard) const { return shards_.count(shard) != 0; }
  // Adds shard `shard` after checking it is that shard of this bundle (its checksum is the one
  // the global part lists); false and `error` otherwise, and nothing changes.
  bool add(std::uint32_t shard, std::vector<std::uint8_t> bytes, std::string& error);
  // The shards upsell needs for an item of `category` (an index of bundle()'s catalog).
  std::span<const std::uint32_t> category_shards(std::uint32_t category) const;
  // Everything loaded so far as one bundle (rebuilt after add(); valid until the next add()).
  // nullptr and `error` when the parts contradict each other.
  const Bundle* bundle(std::string& error);

 private:
  ShardSet() = default;
  std::unique_ptr<Bundle> global_;
  std::map<std::uint32_t, std::unique_ptr<Bundle>> shards_;
  std::unique_ptr<Bundle> merged_;
};

}  // namespace basketlift
