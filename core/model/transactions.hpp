// The data model every other part builds on: items interned once into dense uint32 ids,
// baskets stored CSR-style (one offsets array, one item-id array).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace basketlift {

using ItemId = std::uint32_t;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept;
};
struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

// Interns item labels. Ids are dense and stable once assigned; `renumber` reorders them.
class ItemDictionary {
 public:
  ItemId intern(std::string_view label);
  // Returns size() when the label is unknown.
  ItemId find(std::string_view label) const;
  const std::string& label(ItemId id) const { return labels_[id]; }
  std::size_t size() const { return labels_.size(); }
  const std::vector<std::string>& labels() const { return labels_; }
  // new_id[old] gives each item's new id; must be a permutation of [0, size()).
  void renumber(const std::vector<ItemId>& new_id);

 private:
  std::vector<std::string> labels_;
  boost::unordered_flat_map<std::string, ItemId, StringHash, StringEq> ids_;
};

// Baskets in CSR form. After `canonicalize`, item ids are ordered by descending support
// (ties by label), every basket is sorted ascending and holds no duplicates, so id 0 is the
// most frequent item and "frequent items" are a prefix of the id range.
//
// Storage: `offsets`/`item_ids` hold rows. Usually row b is basket b. An order log's ingest
// stores each distinct basket once instead: then basket b is row basket_row[b] and row r stands
// for row_weight[r] baskets, so memory follows the distinct baskets, not the rows of the log.
// `size()`, `basket(b)` and `support` mean the same either way; only code that wants the
// speed-up (FP-growth) looks at rows and weights.
struct TransactionDb {
  ItemDictionary items;
  std::vector<std::uint64_t> offsets{0};  // row r is item_ids[offsets[r], offsets[r+1])
  std::vector<ItemId> item_ids;
  std::vector<std::uint32_t> basket_row;  // empty: basket b is row b
  std::vector<std::uint32_t> row_weight;  // empty: every row weighs 1
  std::vector<std::uint32_t> support;     // per item: number of baskets holding it

  std::size_t size() const { return basket_row.empty() ? rows() : basket_row.size(); }
  std::span<const ItemId> basket(std::size_t b) const {
    return row(basket_row.empty() ? b : basket_row[b]);
  }
  std::size_t rows() const { return offsets.size() - 1; }
  std::span<const ItemId> row(std::size_t r) const {
    return {item_ids.data() + offsets[r], item_ids.data() + offsets[r + 1]};
  }
  std::uint32_t weight(std::size_t r) const { return row_weight.empty() ? 1 : row_weight[r]; }
  // Appends a basket (a row of its own).
  void add_basket(std::span<const ItemId> items_in_basket);
  // Sorts and dedups each row, computes support, renumbers ids by descending support.
  // Returns how many duplicate (basket, item) entries were dropped.
  std::uint64_t canonicalize();
};

}  // namespace basketlift
