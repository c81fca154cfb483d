// ItemsetTable::sort_canonical (a radix sort) against the order it promises, computed here
// with std::sort and a plain comparison: length first, then lexicographic by item id.
#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "model/itemsets.hpp"
#include "test_util.hpp"

namespace {

using basketlift::ItemId;
using basketlift::ItemsetTable;

struct Row {
  std::vector<ItemId> items;
  std::uint32_t count;
  bool operator<(const Row& o) const {
    if (items.size() != o.items.size()) return items.size() < o.items.size();
    return items < o.items;
  }
};

}  // namespace

TEST_CASE("sort_canonical orders by length, then lexicographically", "[itemsets]") {
  std::mt19937 gen(17);
  for (int round = 0; round < 40; ++round) {
    const ItemId n_items = round % 4 == 0 ? 3 : 1 + gen() % 3000;
    const std::size_t n_rows = gen() % 2000;
    std::vector<Row> rows;
    std::set<std::vector<ItemId>> seen;  // a table holds each itemset once
    for (std::size_t r = 0; r < n_rows; ++r) {
      std::vector<ItemId> items;
      const std::size_t len = 1 + gen() % std::min<ItemId>(9, n_items);
      while (items.size() < len) {
        const ItemId i = gen() % n_items;
        if (std::find(items.begin(), items.end(), i) == items.end()) items.push_back(i);
      }
      std::sort(items.begin(), items.end());
      if (seen.insert(items).second) rows.push_back({items, static_cast<std::uint32_t>(gen())});
    }
    ItemsetTable table;
    for (const auto& row : rows) table.add(row.items, row.count);
    std::sort(rows.begin(), rows.end());
    table.sort_canonical();
    REQUIRE(table.size() == rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto got = table.itemset(r);
      CHECK(std::vector<ItemId>(got.begin(), got.end()) == rows[r].items);
      CHECK(table.counts[r] == rows[r].count);
    }
  }
  ItemsetTable empty;
  empty.sort_canonical();
  CHECK(empty.size() == 0);
  CHECK(empty.offsets == std::vector<std::uint64_t>{0});
}
