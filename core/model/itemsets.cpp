#include "model/itemsets.hpp"

#include <algorithm>
#include <numeric>

namespace basketlift {

void ItemsetTable::add(std::span<const ItemId> sorted_items, std::uint32_t count) {
  items.insert(items.end(), sorted_items.begin(), sorted_items.end());
  offsets.push_back(items.size());
  counts.push_back(count);
}

void ItemsetTable::sort_canonical() {
  std::vector<std::uint32_t> order(size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    auto x = itemset(a), y = itemset(b);
    if (x.size() != y.size()) return x.size() < y.size();
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });
  ItemsetTable sorted;
  sorted.offsets.reserve(offsets.size());
  sorted.items.reserve(items.size());
  sorted.counts.reserve(counts.size());
  for (auto row : order) sorted.add(itemset(row), counts[row]);
  *this = std::move(sorted);
}

namespace {
std::size_t hash_items(std::span<const ItemId> s) noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  for (ItemId i : s) {
    h ^= i;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return static_cast<std::size_t>(h);
}
}  // namespace

std::size_t ItemsetIndex::Hash::operator()(std::uint32_t row) const noexcept {
  return hash_items(table->itemset(row));
}
std::size_t ItemsetIndex::Hash::operator()(std::span<const ItemId> s) const noexcept {
  return hash_items(s);
}
bool ItemsetIndex::Eq::operator()(std::span<const ItemId> s, std::uint32_t row) const noexcept {
  auto t = table->itemset(row);
  return std::equal(s.begin(), s.end(), t.begin(), t.end());
}

ItemsetIndex::ItemsetIndex(const ItemsetTable& table, std::size_t max_len)
    : rows_(0, Hash{&table}, Eq{&table}) {
  if (max_len == 0) {
    rows_.reserve(table.size());
    for (std::uint32_t r = 0; r < table.size(); ++r) rows_.insert(r);
    return;
  }
  for (std::uint32_t r = 0; r < table.size(); ++r)
    if (table.itemset(r).size() <= max_len) rows_.insert(r);
}

std::uint32_t ItemsetIndex::find(std::span<const ItemId> sorted_items) const {
  auto it = rows_.find(sorted_items);
  return it == rows_.end() ? npos : *it;
}

}  // namespace basketlift
