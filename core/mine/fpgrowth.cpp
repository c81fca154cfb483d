#include "mine/fpgrowth.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <numeric>

#include "mine/workers.hpp"

namespace basketlift {

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

struct Node {
  std::uint32_t count;
  std::uint32_t link;  // next node holding the same item
  std::uint32_t first_child;
  std::uint32_t next_sibling;
};
// A node's item and parent, apart from the rest: conditional trees are built by walking up
// from every node of an item to the root, and this array packs eight steps to a cache line
// where the whole nodes gave under three.
struct Up {
  std::uint32_t item;
  std::uint32_t parent;
};

// Items are local ids; a smaller id sits nearer the root. Trees are reused per recursion
// depth so the mining loop allocates nothing once warmed up.
struct Tree {
  std::vector<Node> nodes;
  std::vector<Up> up;  // of each node
  std::vector<std::uint32_t> head, support, root_child;
  std::vector<ItemId> global;  // local -> global id; increasing, so order is preserved
  bool single_path = true;

  void reset(std::size_t n_items) {
    nodes.clear();
    up.clear();
    nodes.push_back({0, kNone, kNone, kNone});
    up.push_back({kNone, kNone});
    head.assign(n_items, kNone);
    support.assign(n_items, 0);
    root_child.assign(n_items, kNone);
    global.resize(n_items);
    single_path = true;
  }
  std::uint32_t add_node(std::uint32_t item, std::uint32_t parent) {
    auto id = static_cast<std::uint32_t>(nodes.size());
    nodes.push_back({0, head[item], kNone, kNone});
    up.push_back({item, parent});
    head[item] = id;
    return id;
  }
  std::uint32_t child(std::uint32_t node, std::uint32_t item) {
    if (node == 0) {
      auto& c = root_child[item];
      if (c == kNone) {
        if (nodes.size() > 1 && nodes[0].first_child != kNone) single_path = false;
        c = add_node(item, 0);
        nodes[0].first_child = c;  // only tracks "has a child" for the root
      }
      return c;
    }
    for (auto c = nodes[node].first_child; c != kNone; c = nodes[c].next_sibling)
      if (up[c].item == item) return c;
    auto c = add_node(item, node);
    if (nodes[node].first_child != kNone) single_path = false;
    nodes[c].next_sibling = nodes[node].first_child;
    nodes[node].first_child = c;
    return c;
  }
  // path: ascending local ids.
  void insert(const std::uint32_t* path, std::size_t len, std::uint32_t weight) {
    std::uint32_t cur = 0;
    for (std::size_t k = 0; k < len; ++k) {
      cur = child(cur, path[k]);
      nodes[cur].count += weight;
      support[path[k]] += weight;
    }
  }
};

// Mines one FP-tree. The top-level tree is built once; each of its items' conditional trees is
// then mined on its own, by this miner or, in parallel, by miners of their own that share the
// top-level tree read-only (each with its own deeper trees, scratch and output). Perfect
// extensions (PrefixRows) are left out of the conditional trees, which shrinks them the most on
// dense data.
class Miner {
 public:
  explicit Miner(const MiningParams& params) : params_(params), rows_(params) {
    trees_.emplace_back();
    top_ = &trees_[0];
  }
  // A worker over another miner's top-level tree (after build()).
  Miner(const MiningParams& params, const Miner& main)
      : params_(params),
        rows_(params),
        top_(main.top_),
        root_perfect_(main.root_perfect_),
        baskets_(main.baskets_) {
    trees_.emplace_back();
    rows_.found_perfect = root_perfect_;
    rows_.sort_perfect();
  }

  // Builds the top-level tree; false when no item is frequent.
  bool build(const TransactionDb& db) {
    std::uint32_t n_frequent = 0;
    while (n_frequent < db.support.size() && db.support[n_frequent] >= params_.min_count)
      ++n_frequent;
    if (n_frequent == 0) return false;
    // The items in every basket (the most frequent ids) are the empty prefix's perfect
    // extensions; the tree holds the others, with local id = global id - n_perfect.
    std::uint32_t n_perfect = 0;
    while (n_perfect < n_frequent && db.support[n_perfect] == db.size()) ++n_perfect;
    baskets_ = static_cast<std::uint32_t>(db.size());
    root_perfect_.resize(n_perfect);
    std::iota(root_perfect_.begin(), root_perfect_.end(), ItemId{0});
    rows_.found_perfect = root_perfect_;
    rows_.sort_perfect();
    Tree& top = *top_;
    top.reset(n_frequent - n_perfect);
    std::iota(top.global.begin(), top.global.end(), ItemId{n_perfect});
    // Insert rows (distinct baskets, with their weights) in lexicographic order so each one
    // shares its prefix with the previous path; no child search needed.
    const std::size_t n_rows = db.rows();
    std::vector<std::uint32_t> order(n_rows);
    std::vector<std::uint32_t> len(n_rows);
    for (std::size_t r = 0; r < n_rows; ++r) {
      auto items = db.row(r);
      len[r] = static_cast<std::uint32_t>(std::lower_bound(items.begin(), items.end(), n_frequent) -
                                          items.begin());
      order[r] = static_cast<std::uint32_t>(r);
    }
    // Every row starts with the items in every basket.
    auto row = [&](std::uint32_t r) { return db.row(r).subspan(n_perfect, len[r] - n_perfect); };
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      auto x = row(a), y = row(b);
      return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
    });
    std::vector<std::uint32_t> path_nodes;  // nodes of the previous row's path
    std::span<const ItemId> prev;
    for (auto r : order) {
      const auto items = row(r);
      const std::uint32_t w = db.weight(r);
      std::size_t common = 0;
      while (common < prev.size() && common < items.size() && prev[common] == items[common])
        ++common;
      path_nodes.resize(common);
      std::uint32_t cur = common ? path_nodes.back() : 0;
      for (std::size_t k = common; k < items.size(); ++k) {
        cur = top.child(cur, items[k] - n_perfect);
        path_nodes.push_back(cur);
      }
      for (std::size_t k = 0; k < items.size(); ++k) {
        top.nodes[path_nodes[k]].count += w;
        top.support[items[k] - n_perfect] += w;
      }
      prev = items;
    }
    return true;
  }

  // The rows go to `out`; `full` is called whenever it holds a part's worth (and may empty it).
  void mine_all(ItemsetTable& out, const std::function<void()>& full) {
    rows_.route(out, full);
    mine(0);
    mine_root_perfect(out, full);
  }

  // The top-level items in the order mine_all() visits them, and whether they can be mined
  // one by one (a single-path top-level tree is enumerated in one go instead).
  std::uint32_t top_items() const { return static_cast<std::uint32_t>(top_->head.size()); }
  bool top_is_single_path() const { return top_->single_path; }

  // Everything mine_all() emits for top-level item `it` (the item, then its conditional tree).
  void mine_top_item(std::uint32_t it, ItemsetTable& out, const std::function<void()>& full) {
    rows_.route(out, full);
    mine_item(0, it);
  }

  // What mine_all() emits last: the itemsets made of items in every basket alone.
  bool has_root_perfect() const { return !root_perfect_.empty(); }
  void mine_root_perfect(ItemsetTable& out, const std::function<void()>& full) {
    rows_.route(out, full);
    if (has_root_perfect()) rows_.emit(baskets_);
  }

 private:
  Tree& level(std::size_t depth) { return depth == 0 ? *top_ : trees_[depth]; }
  Tree& tree(std::size_t depth) {  // creates the levels up to `depth`; references stay valid
    while (trees_.size() <= depth) trees_.emplace_back();
    return trees_[depth];
  }

  void mine(std::size_t depth) {
    Tree& t = level(depth);
    if (t.single_path) return mine_single_path(depth);
    for (auto it = static_cast<std::uint32_t>(t.head.size()); it-- > 0;) mine_item(depth, it);
  }

  void mine_item(std::size_t depth, std::uint32_t it) {
    Tree& t = level(depth);
    if (t.support[it] < params_.min_count) return;
    rows_.prefix.push_back(t.global[it]);
    const auto n_perfect = rows_.found_perfect.size();
    // The conditional tree first: it finds the prefix's perfect extensions, emitted with it.
    const bool grow = rows_.may_grow() && build_conditional(depth, it);
    rows_.emit(t.support[it]);
    if (grow) mine(depth + 1);
    if (rows_.found_perfect.size() != n_perfect) {
      rows_.found_perfect.resize(n_perfect);
      rows_.sort_perfect();
    }
    rows_.prefix.pop_back();
  }

  // A single path: every combination of its items is frequent, with the count of its
  // deepest member.
  void mine_single_path(std::size_t depth) {
    const Tree& t = level(depth);
    chain_items_.clear();
    chain_counts_.clear();
    for (auto n = t.nodes[0].first_child; n != kNone; n = t.nodes[n].first_child) {
      if (t.nodes[n].count < params_.min_count) break;
      chain_items_.push_back(t.global[t.up[n].item]);
      chain_counts_.push_back(t.nodes[n].count);
    }
    combine(chain_items_.size(), kNone);
  }
  void combine(std::size_t limit, std::uint32_t count) {
    for (std::size_t j = limit; j-- > 0;) {
      auto c = count == kNone ? chain_counts_[j] : count;
      rows_.prefix.push_back(chain_items_[j]);
      rows_.emit(c);
      if (rows_.may_grow()) combine(j, c);
      rows_.prefix.pop_back();
    }
  }

  bool build_conditional(std::size_t depth, std::uint32_t item) {
    const Tree& t = level(depth);
    auto& cnt = scratch_count_;
    if (cnt.size() < t.head.size()) cnt.resize(t.head.size(), 0);
    touched_.clear();
    // Each path is walked up once, here, and kept: building the tree below reads the copies in
    // order instead of chasing the parent links through the tree again.
    paths_.clear();
    path_ends_.clear();
    for (auto n = t.head[item]; n != kNone; n = t.nodes[n].link) {
      auto w = t.nodes[n].count;
      for (auto p = t.up[n].parent; p != 0; p = t.up[p].parent) {
        auto i = t.up[p].item;
        if (cnt[i] == 0) touched_.push_back(i);
        cnt[i] += w;
        paths_.push_back(i);
      }
      path_ends_.push_back({paths_.size(), w});
    }
    frequent_.clear();
    const auto n_perfect = rows_.found_perfect.size();
    for (auto i : touched_) {
      if (cnt[i] == t.support[item]) {
        rows_.found_perfect.push_back(t.global[i]);
      } else if (cnt[i] >= params_.min_count) {
        frequent_.push_back(i);
      }
    }
    if (rows_.found_perfect.size() != n_perfect) rows_.sort_perfect();
    if (frequent_.empty()) {
      for (auto i : touched_) cnt[i] = 0;
      return false;
    }
    std::sort(frequent_.begin(), frequent_.end());
    auto& remap = scratch_remap_;
    if (remap.size() < t.head.size()) remap.resize(t.head.size(), kNone);
    Tree& c = tree(depth + 1);
    const Tree& parent = t;
    c.reset(frequent_.size());
    for (std::uint32_t k = 0; k < frequent_.size(); ++k) {
      remap[frequent_[k]] = k;
      c.global[k] = parent.global[frequent_[k]];
    }
    std::size_t begin = 0;
    for (const auto& [end, weight] : path_ends_) {
      path_.clear();
      for (auto k = end; k-- > begin;) {  // the copy runs leaf to root; the tree wants root first
        auto r = remap[paths_[k]];
        if (r != kNone) path_.push_back(r);
      }
      begin = end;
      if (!path_.empty()) c.insert(path_.data(), path_.size(), weight);
    }
    for (auto i : touched_) {
      cnt[i] = 0;
      remap[i] = kNone;
    }
    return true;
  }

  const MiningParams& params_;
  PrefixRows rows_;
  std::deque<Tree> trees_;  // [0]: this miner's own top-level tree (unused by a worker)
  Tree* top_;
  std::vector<ItemId> chain_items_;
  std::vector<ItemId> root_perfect_;  // the items in every basket
  std::uint32_t baskets_ = 0;
  std::vector<std::uint32_t> chain_counts_, scratch_count_, scratch_remap_, touched_, frequent_,
      path_;
  std::vector<std::uint32_t> paths_;  // build_conditional's paths, leaf to root, one after another
  std::vector<std::pair<std::size_t, std::uint32_t>> path_ends_;  // each path's end and count
};

}  // namespace

void mine_fpgrowth_parts(const TransactionDb& db, const MiningParams& params, unsigned threads,
                         const std::function<void(ItemsetPart&)>& prepare,
                         const std::function<void(ItemsetPart&)>& on_part) {
  Miner main(params);
  if (!main.build(db)) return;
  const std::uint32_t n = main.top_items();
  if (n <= 1 || main.top_is_single_path()) {
    Handover handover(1, prepare, on_part);
    ItemsetPart part;
    const std::function<void()> full = [&] { handover.put(0, part, false); };
    main.mine_all(part.table, full);
    handover.put(0, part, true);
    return;
  }
  // Each top-level item is claimed by one worker, in mine_all()'s order, so that the parts
  // handed over in claim order are in its row order; the items in every basket come last.
  const std::uint32_t claims = n + main.has_root_perfect();
  mine_claims(
      main, params, claims, threads, prepare, on_part,
      [n](Miner& miner, std::uint32_t k, ItemsetTable& table, const std::function<void()>& full) {
        if (k < n) {
          miner.mine_top_item(n - 1 - k, table, full);
        } else {
          miner.mine_root_perfect(table, full);
        }
      });
}

ItemsetTable mine_fpgrowth(const TransactionDb& db, const MiningParams& params, unsigned threads) {
  ItemsetTable out;
  mine_fpgrowth_parts(db, params, threads, {}, [&](ItemsetPart& part) { append(out, part.table); });
  return out;
}

}  // namespace basketlift
