#include "mine/occurrences.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <limits>
#include <span>

#include "mine/workers.hpp"
#include "model/error.hpp"

namespace basketlift {

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

// A basket that holds the prefix: rows[begin, end) of the level that holds it are its items
// more frequent than the prefix's last one (ids are by descending support, baskets ascending,
// so they come first), the only ones that can extend it.
struct Occurrence {
  std::uint32_t begin, end, weight;
};

// One recursion depth: a prefix's frequent extensions (ascending ids), their counts and their
// occurrence lists, occ[start[k], stop[k]). `rows` holds the baskets dealt out, cut down to the
// prefix's frequent extensions (LCM's database reduction): deeper levels never read an item
// that cannot extend them. Reused, so the recursion allocates nothing once warmed up.
struct Level {
  std::vector<ItemId> rows;
  std::vector<Occurrence> occ;
  std::vector<ItemId> items;
  std::vector<std::uint32_t> support, start, stop;
};

class Miner {
 public:
  explicit Miner(const MiningParams& params) : params_(params), rows_(params) {
    levels_.emplace_back();
    top_ = &levels_[0];
  }
  // A worker over another miner's baskets and top level (after build()).
  Miner(const MiningParams& params, const Miner& main)
      : params_(params),
        rows_(params),
        top_(main.top_),
        root_perfect_(main.root_perfect_),
        baskets_(main.baskets_) {
    levels_.emplace_back();
    scratch(main.count_.size());
    rows_.found_perfect = root_perfect_;
    rows_.sort_perfect();
  }

  // Deals the baskets' frequent items out to the top-level items.
  void build(const TransactionDb& db) {
    std::uint32_t n_frequent = 0;
    while (n_frequent < db.support.size() && db.support[n_frequent] >= params_.min_count)
      ++n_frequent;
    // The items in every basket (the most frequent ids) are the empty prefix's perfect
    // extensions, left out of the copy.
    std::uint32_t n_perfect = 0;
    while (n_perfect < n_frequent && db.support[n_perfect] == db.size()) ++n_perfect;
    baskets_ = static_cast<std::uint32_t>(db.size());
    for (ItemId i = 0; i < n_perfect; ++i) root_perfect_.push_back(i);
    rows_.found_perfect = root_perfect_;
    rows_.sort_perfect();
    std::vector<ItemId> items;
    std::vector<Occurrence> rows;
    for (std::size_t r = 0; r < db.rows(); ++r) {
      const auto row = db.row(r);
      const auto end = std::lower_bound(row.begin(), row.end(), n_frequent);
      if (end - row.begin() <= static_cast<std::ptrdiff_t>(n_perfect)) continue;
      if (items.size() + row.size() > std::numeric_limits<std::uint32_t>::max())
        throw InputError(
            "eclat: more than 2^32 items in the baskets' frequent items; use "
            "--algorithm fpgrowth");
      const auto begin = static_cast<std::uint32_t>(items.size());
      items.insert(items.end(), row.begin() + n_perfect, end);
      rows.push_back({begin, static_cast<std::uint32_t>(items.size()), db.weight(r)});
    }
    scratch(n_frequent);
    std::vector<ItemId> candidates;
    for (ItemId i = n_perfect; i < n_frequent; ++i) candidates.push_back(i);
    deal(items.data(), rows.data(), rows.data() + rows.size(), baskets_, candidates, 0);
  }

  std::uint32_t top_items() const { return static_cast<std::uint32_t>(top_->items.size()); }
  bool has_root_perfect() const { return !root_perfect_.empty(); }

  // Everything item k of the top level stands for: it, then what grows from it.
  void mine_top_item(std::uint32_t k, ItemsetTable& out, const std::function<void()>& full) {
    rows_.route(out, full);
    mine_item(0, k);
  }
  // The itemsets made of items in every basket alone.
  void mine_root_perfect(ItemsetTable& out, const std::function<void()>& full) {
    rows_.route(out, full);
    if (has_root_perfect()) rows_.emit(baskets_);
  }

 private:
  void scratch(std::size_t n_items) {
    count_.assign(n_items, 0);
    lists_.assign(n_items, 0);
    slot_.assign(n_items, kNone);
  }
  Level& level(std::size_t depth) {
    if (depth == 0) return *top_;
    while (levels_.size() <= depth) levels_.emplace_back();
    return levels_[depth];
  }

  void mine_item(std::size_t depth, std::uint32_t k) {
    const Level& at = level(depth);
    const std::uint32_t count = at.support[k];
    rows_.prefix.push_back(at.items[k]);
    const auto n_perfect = rows_.found_perfect.size();
    // The extensions first: they find the prefix's perfect extensions, emitted with it.
    const bool grow = rows_.may_grow() &&
                      deal(at.rows.data(), at.occ.data() + at.start[k], at.occ.data() + at.stop[k],
                           count, std::span<const ItemId>(at.items.data(), k), depth + 1);
    rows_.emit(count);
    if (grow) {
      const auto n = level(depth + 1).items.size();
      for (std::uint32_t j = 0; j < n; ++j) mine_item(depth + 1, j);
    }
    if (rows_.found_perfect.size() != n_perfect) {
      rows_.found_perfect.resize(n_perfect);
      rows_.sort_perfect();
    }
    rows_.prefix.pop_back();
  }

  // Counts the extensions of a prefix held by the baskets [first, last) (`count` of them, by
  // weight; their items in `items`, all among `candidates`, ascending), notes its perfect
  // extensions and deals the baskets, cut down to its frequent extensions, out to their lists at
  // `depth`; false when none is frequent.
  bool deal(const ItemId* items, const Occurrence* first, const Occurrence* last,
            std::uint32_t count, std::span<const ItemId> candidates, std::size_t depth) {
    std::size_t held = 0;
    for (auto o = first; o != last; ++o) {
      held += o->end - o->begin;
      count_[items[o->begin]] += o->weight;
      // The others have an item before them, so they extend further: they get an occurrence.
      for (auto j = o->begin + 1; j < o->end; ++j) {
        const ItemId i = items[j];
        count_[i] += o->weight;
        ++lists_[i];
      }
    }
    frequent_.clear();
    const auto n_perfect = rows_.found_perfect.size();
    for (const ItemId i : candidates) {
      if (count_[i] == count) {
        rows_.found_perfect.push_back(i);  // cut from the rows below, like the infrequent ones
      } else if (count_[i] >= params_.min_count) {
        frequent_.push_back(i);
      }
    }
    if (rows_.found_perfect.size() != n_perfect) rows_.sort_perfect();
    if (frequent_.empty()) {
      for (const ItemId i : candidates) count_[i] = lists_[i] = 0;
      return false;
    }
    Level& to = level(depth);
    to.items.assign(frequent_.begin(), frequent_.end());
    to.support.clear();
    to.start.clear();
    std::uint32_t at = 0;  // lists sized for every occurrence with an item before; cutting
    for (const ItemId i : frequent_) {  // rows can leave some of that room unused
      to.support.push_back(count_[i]);
      to.start.push_back(at);
      slot_[i] = at;
      at += lists_[i];
    }
    to.occ.resize(at);
    to.rows.resize(held);
    Occurrence* out = to.occ.data();
    ItemId* rows = to.rows.data();
    std::uint32_t w = 0;
    for (auto o = first; o != last; ++o) {
      const std::uint32_t begin = w;
      for (auto j = o->begin; j < o->end; ++j) {
        auto& s = slot_[items[j]];
        if (s == kNone) continue;
        if (w != begin) out[s++] = {begin, w, o->weight};
        rows[w++] = items[j];
      }
      if (w - begin < 2) w = begin;  // no occurrence refers to a row of one item
    }
    to.stop.clear();
    for (const ItemId i : frequent_) to.stop.push_back(slot_[i]);
    for (const ItemId i : candidates) count_[i] = lists_[i] = 0;
    for (const ItemId i : frequent_) slot_[i] = kNone;
    return true;
  }

  const MiningParams& params_;
  PrefixRows rows_;
  std::deque<Level> levels_;  // [0]: this miner's own top level (unused by a worker)
  Level* top_;
  std::vector<ItemId> root_perfect_;  // the items in every basket
  std::uint32_t baskets_ = 0;
  // Per item, zero (kNone) between calls of deal(): its count, how many of its occurrences
  // carry items before it, where its list is being filled.
  std::vector<std::uint32_t> count_, lists_, slot_;
  std::vector<ItemId> frequent_;
};

}  // namespace

void mine_occurrences_parts(const TransactionDb& db, const MiningParams& params, unsigned threads,
                            const std::function<void(ItemsetPart&)>& prepare,
                            const std::function<void(ItemsetPart&)>& on_part) {
  Miner main(params);
  main.build(db);
  // Each top-level item is claimed by one worker, in order, so that the parts handed over in
  // claim order are the same for any number of threads; the items in every basket come last.
  const std::uint32_t n = main.top_items();
  const std::uint32_t claims = n + main.has_root_perfect();
  if (claims == 0) return;
  mine_claims(
      main, params, claims, threads, prepare, on_part,
      [n](Miner& miner, std::uint32_t k, ItemsetTable& table, const std::function<void()>& full) {
        if (k < n) {
          miner.mine_top_item(k, table, full);
        } else {
          miner.mine_root_perfect(table, full);
        }
      });
}

ItemsetTable mine_occurrences(const TransactionDb& db, const MiningParams& params,
                              unsigned threads) {
  ItemsetTable out;
  mine_occurrences_parts(db, params, threads, {},
                         [&](ItemsetPart& part) { append(out, part.table); });
  return out;
}

}  // namespace basketlift
