#include "model/transactions.hpp"

#include <algorithm>
#include <boost/container_hash/hash.hpp>
#include <numeric>

namespace basketlift {

std::size_t StringHash::operator()(std::string_view s) const noexcept {
  return boost::hash_range(s.begin(), s.end());
}

ItemId ItemDictionary::intern(std::string_view label) {
  auto it = ids_.find(label);
  if (it != ids_.end()) return it->second;
  auto id = static_cast<ItemId>(labels_.size());
  labels_.emplace_back(label);
  ids_.emplace(labels_.back(), id);
  return id;
}

ItemId ItemDictionary::find(std::string_view label) const {
  auto it = ids_.find(label);
  return it == ids_.end() ? static_cast<ItemId>(labels_.size()) : it->second;
}

void ItemDictionary::renumber(const std::vector<ItemId>& new_id) {
  std::vector<std::string> relabeled(labels_.size());
  for (std::size_t old = 0; old < labels_.size(); ++old)
    relabeled[new_id[old]] = std::move(labels_[old]);
  labels_ = std::move(relabeled);
  for (auto& [label, id] : ids_) id = new_id[id];
}

void TransactionDb::add_basket(std::span<const ItemId> items_in_basket) {
  if (!basket_row.empty()) {
    basket_row.push_back(static_cast<std::uint32_t>(rows()));
    row_weight.push_back(1);
  }
  item_ids.insert(item_ids.end(), items_in_basket.begin(), items_in_basket.end());
  offsets.push_back(item_ids.size());
}

std::uint64_t TransactionDb::canonicalize() {
  std::uint64_t dropped = 0;
  std::vector<std::uint32_t> count(items.size(), 0);
  std::size_t write = 0;
  for (std::size_t r = 0; r + 1 < offsets.size(); ++r) {
    auto first = item_ids.begin() + static_cast<std::ptrdiff_t>(offsets[r]);
    auto last = item_ids.begin() + static_cast<std::ptrdiff_t>(offsets[r + 1]);
    std::sort(first, last);
    auto end = std::unique(first, last);
    const auto w = weight(r);
    dropped += static_cast<std::uint64_t>(last - end) * w;
    for (auto it = first; it != end; ++it) count[*it] += w;
    offsets[r] = write;
    write = static_cast<std::size_t>(std::move(first, end, item_ids.begin() + write) -
                                     item_ids.begin());
  }
  offsets.back() = write;
  item_ids.resize(write);

  std::vector<ItemId> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](ItemId a, ItemId b) {
    if (count[a] != count[b]) return count[a] > count[b];
    return items.label(a) < items.label(b);
  });
  std::vector<ItemId> new_id(items.size());
  support.assign(items.size(), 0);
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    new_id[order[rank]] = static_cast<ItemId>(rank);
    support[rank] = count[order[rank]];
  }
  items.renumber(new_id);
  for (auto& i : item_ids) i = new_id[i];
  for (std::size_t r = 0; r + 1 < offsets.size(); ++r)
    std::sort(item_ids.begin() + static_cast<std::ptrdiff_t>(offsets[r]),
              item_ids.begin() + static_cast<std::ptrdiff_t>(offsets[r + 1]));
  return dropped;
}

}  // namespace basketlift
