#include "fpgrowth.hpp"

#include <algorithm>
#include <numeric>

namespace basketlift {

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

struct Node {
  std::uint32_t item;
  std::uint32_t count;
  std::uint32_t parent;
  std::uint32_t link;  // next node holding the same item
  std::uint32_t first_child;
  std::uint32_t next_sibling;
};

// Items are local ids; a smaller id sits nearer the root. Trees are reused per recursion
// depth so the mining loop allocates nothing once warmed up.
struct Tree {
  std::vector<Node> nodes;
  std::vector<std::uint32_t> head, support, root_child;
  std::vector<ItemId> global;  // local -> global id; increasing, so order is preserved
  bool single_path = true;

  void reset(std::size_t n_items) {
    nodes.clear();
    nodes.push_back({kNone, 0, kNone, kNone, kNone, kNone});
    head.assign(n_items, kNone);
    support.assign(n_items, 0);
    root_child.assign(n_items, kNone);
    global.resize(n_items);
    single_path = true;
  }
  std::uint32_t add_node(std::uint32_t item, std::uint32_t parent) {
    auto id = static_cast<std::uint32_t>(nodes.size());
    nodes.push_back({item, 0, parent, head[item], kNone, kNone});
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
      if (nodes[c].item == item) return c;
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

class Miner {
 public:
  Miner(const MiningParams& params, ItemsetTable& out) : params_(params), out_(out) {}

  void run(const TransactionDb& db) {
    std::uint32_t n_frequent = 0;
    while (n_frequent < db.support.size() && db.support[n_frequent] >= params_.min_count)
      ++n_frequent;
    if (n_frequent == 0) return;
    Tree& top = tree(0);
    top.reset(n_frequent);
    std::iota(top.global.begin(), top.global.end(), ItemId{0});
    // Top level: insert baskets in lexicographic order so each one shares its prefix with
    // the previous path; no child search needed.
    std::vector<std::uint32_t> order(db.size());
    std::vector<std::uint32_t> len(db.size());
    for (std::size_t b = 0; b < db.size(); ++b) {
      auto items = db.basket(b);
      len[b] = static_cast<std::uint32_t>(std::lower_bound(items.begin(), items.end(), n_frequent) -
                                          items.begin());
      order[b] = static_cast<std::uint32_t>(b);
    }
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      auto x = db.basket(a).first(len[a]), y = db.basket(b).first(len[b]);
      return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
    });
    std::vector<std::uint32_t> path_nodes;  // nodes of the previous basket's path
    std::span<const ItemId> prev;
    for (auto b : order) {
      auto items = db.basket(b).first(len[b]);
      std::size_t common = 0;
      while (common < prev.size() && common < items.size() && prev[common] == items[common])
        ++common;
      path_nodes.resize(common);
      std::uint32_t cur = common ? path_nodes.back() : 0;
      for (std::size_t k = common; k < items.size(); ++k) {
        cur = top.child(cur, items[k]);
        path_nodes.push_back(cur);
      }
      for (std::size_t k = 0; k < items.size(); ++k) {
        ++top.nodes[path_nodes[k]].count;
        ++top.support[items[k]];
      }
      prev = items;
    }
    mine(0);
  }

 private:
  Tree& tree(std::size_t depth) {
    while (trees_.size() <= depth) trees_.emplace_back();
    return trees_[depth];
  }

  bool may_grow() const { return params_.max_len == 0 || prefix_.size() < params_.max_len; }

  void emit(std::uint32_t count) {
    // prefix_ is in descending id order; the table wants ascending.
    out_.items.insert(out_.items.end(), prefix_.rbegin(), prefix_.rend());
    out_.offsets.push_back(out_.items.size());
    out_.counts.push_back(count);
  }

  void mine(std::size_t depth) {
    if (trees_[depth].single_path) return mine_single_path(depth);
    for (auto it = static_cast<std::uint32_t>(trees_[depth].head.size()); it-- > 0;) {
      Tree& t = trees_[depth];
      if (t.support[it] < params_.min_count) continue;
      prefix_.push_back(t.global[it]);
      emit(t.support[it]);
      if (may_grow() && build_conditional(depth, it)) mine(depth + 1);
      prefix_.pop_back();
    }
  }

  // A single path: every combination of its items is frequent, with the count of its
  // deepest member.
  void mine_single_path(std::size_t depth) {
    const Tree& t = trees_[depth];
    chain_items_.clear();
    chain_counts_.clear();
    for (auto n = t.nodes[0].first_child; n != kNone; n = t.nodes[n].first_child) {
      if (t.nodes[n].count < params_.min_count) break;
      chain_items_.push_back(t.global[t.nodes[n].item]);
      chain_counts_.push_back(t.nodes[n].count);
    }
    combine(chain_items_.size(), kNone);
  }
  void combine(std::size_t limit, std::uint32_t count) {
    for (std::size_t j = limit; j-- > 0;) {
      auto c = count == kNone ? chain_counts_[j] : count;
      prefix_.push_back(chain_items_[j]);
      emit(c);
      if (may_grow()) combine(j, c);
      prefix_.pop_back();
    }
  }

  bool build_conditional(std::size_t depth, std::uint32_t item) {
    Tree& t = trees_[depth];
    auto& cnt = scratch_count_;
    if (cnt.size() < t.head.size()) cnt.resize(t.head.size(), 0);
    touched_.clear();
    for (auto n = t.head[item]; n != kNone; n = t.nodes[n].link) {
      auto w = t.nodes[n].count;
      for (auto p = t.nodes[n].parent; p != 0; p = t.nodes[p].parent) {
        auto i = t.nodes[p].item;
        if (cnt[i] == 0) touched_.push_back(i);
        cnt[i] += w;
      }
    }
    frequent_.clear();
    for (auto i : touched_)
      if (cnt[i] >= params_.min_count) frequent_.push_back(i);
    if (frequent_.empty()) {
      for (auto i : touched_) cnt[i] = 0;
      return false;
    }
    std::sort(frequent_.begin(), frequent_.end());
    auto& remap = scratch_remap_;
    if (remap.size() < t.head.size()) remap.resize(t.head.size(), kNone);
    Tree& c = tree(depth + 1);
    Tree& parent = trees_[depth];  // tree() may have reallocated trees_
    c.reset(frequent_.size());
    for (std::uint32_t k = 0; k < frequent_.size(); ++k) {
      remap[frequent_[k]] = k;
      c.global[k] = parent.global[frequent_[k]];
    }
    for (auto n = parent.head[item]; n != kNone; n = parent.nodes[n].link) {
      path_.clear();
      for (auto p = parent.nodes[n].parent; p != 0; p = parent.nodes[p].parent) {
        auto r = remap[parent.nodes[p].item];
        if (r != kNone) path_.push_back(r);
      }
      std::reverse(path_.begin(), path_.end());
      if (!path_.empty()) c.insert(path_.data(), path_.size(), parent.nodes[n].count);
    }
    for (auto i : touched_) {
      cnt[i] = 0;
      remap[i] = kNone;
    }
    return true;
  }

  const MiningParams& params_;
  ItemsetTable& out_;
  std::vector<Tree> trees_;
  std::vector<ItemId> prefix_, chain_items_;
  std::vector<std::uint32_t> chain_counts_, scratch_count_, scratch_remap_, touched_, frequent_,
      path_;
};

}  // namespace

ItemsetTable mine_fpgrowth(const TransactionDb& db, const MiningParams& params) {
  ItemsetTable out;
  Miner(params, out).run(db);
  return out;
}

}  // namespace basketlift
