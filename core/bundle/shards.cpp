// Cutting a bundle into parts, and merging the parts a reader has back into one bundle.
#include "bundle/shards.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace basketlift {

namespace {

// Every id-valued field of a content, mapped through `to` (old id -> new id).
BundleContent renumbered(const BundleContent& c, const std::vector<std::uint32_t>& to) {
  BundleContent r = c;
  const auto n = c.labels.size();
  auto place = [&](auto& out, const auto& in) {
    for (std::size_t i = 0; i < n; ++i) out[to[i]] = in[i];
  };
  place(r.labels, c.labels);
  place(r.popularity, c.popularity);
  if (!c.item_category.empty()) {
    place(r.item_category, c.item_category);
    place(r.names, c.names);
    place(r.prices, c.prices);
  }
  if (!c.repurchase.empty()) place(r.repurchase, c.repurchase);
  for (auto* lists : {&r.single_rules, &r.neighbours, &r.similar})
    for (auto& [a, e] : *lists) {
      a = to[a];
      e.consequent = to[e.consequent];
    }
  for (auto& p : r.pair_rules) {
    p.a = to[p.a];
    p.b = to[p.b];
    if (p.a > p.b) std::swap(p.a, p.b);
    p.rule.consequent = to[p.rule.consequent];
  }
  for (auto& u : r.unrecommendable) u = to[u];
  std::sort(r.unrecommendable.begin(), r.unrecommendable.end());
  return r;
}

// Per item, the entries of a list keyed by item (rules, neighbours, similar names), CSR.
struct ByItem {
  std::vector<std::uint32_t> first;
  std::vector<std::uint32_t> order;  // indexes into the list
  ByItem(const std::vector<std::pair<std::uint32_t, RuleEntry>>& list, std::size_t n)
      : first(n + 1, 0), order(list.size()) {
    for (const auto& e : list) ++first[e.first + 1];
    std::partial_sum(first.begin(), first.end(), first.begin());
    auto next = first;
    for (std::uint32_t i = 0; i < list.size(); ++i) order[next[list[i].first]++] = i;
  }
  template <class F>
  void each(std::uint32_t item, F&& f) const {
    for (auto at = first[item]; at < first[item + 1]; ++at) f(order[at]);
  }
};

// The content of one part: `items` (ascending ids of the whole content) with their labels and
// catalog fields; of those flagged complete, every list and statistic too.
class PartBuilder {
 public:
  PartBuilder(const BundleContent& whole, const ByItem& singles, const ByItem& near,
              const ByItem& similar, const std::vector<std::vector<std::uint32_t>>& pairs_of)
      : w_(whole), singles_(singles), near_(near), similar_(similar), pairs_of_(pairs_of) {}

  // The items a complete `item` names: consequents, pair partners, neighbours, similar names.
  void named_by(std::uint32_t item, std::vector<std::uint32_t>& out) const {
    singles_.each(item,
                  [&](std::uint32_t e) { out.push_back(w_.single_rules[e].second.consequent); });
    near_.each(item, [&](std::uint32_t e) { out.push_back(w_.neighbours[e].second.consequent); });
    similar_.each(item, [&](std::uint32_t e) { out.push_back(w_.similar[e].second.consequent); });
    for (auto p : pairs_of_[item]) {
      out.push_back(w_.pair_rules[p].b);
      out.push_back(w_.pair_rules[p].rule.consequent);
    }
  }

  BundleContent build(std::vector<std::uint32_t> items, const std::vector<std::uint8_t>& flags,
                      bool all_categories, PartInfo info) const {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    std::vector<std::uint32_t> local(w_.labels.size(), kNoItem);
    for (std::uint32_t i = 0; i < items.size(); ++i) local[items[i]] = i;
    BundleContent c;
    c.transactions = w_.transactions;
    for (auto g : items) {
      c.labels.push_back(w_.labels[g]);
      c.popularity.push_back(w_.popularity[g]);
      info.global_ids.push_back(g);
      info.flags.push_back(flags[g]);
    }
    if (!w_.item_category.empty()) {
      std::vector<std::uint32_t> cat_local(w_.categories.size(), kNoCategory);
      auto use = [&](std::uint32_t k) {
        if (k == kNoCategory || cat_local[k] != kNoCategory) return;
        cat_local[k] = static_cast<std::uint32_t>(c.categories.size());
        c.categories.push_back(w_.categories[k]);
        info.global_categories.push_back(k);
      };
      if (all_categories)
        for (std::uint32_t k = 0; k < w_.categories.size(); ++k) use(k);
      for (auto g : items) {
        use(w_.item_category[g]);
        const auto k = w_.item_category[g];
        c.item_category.push_back(k == kNoCategory ? kNoCategory : cat_local[k]);
        c.names.push_back(w_.names[g]);
        c.prices.push_back(w_.prices[g]);
      }
    }
    for (auto u : w_.unrecommendable)
      if (local[u] != kNoItem) c.unrecommendable.push_back(local[u]);
    bool any_complete = false;
    for (std::uint32_t i = 0; i < items.size(); ++i) {
      if (!(info.flags[i] & PartInfo::kComplete)) continue;
      any_complete = true;
      const auto g = items[i];
      auto copy = [&](const auto& list, const ByItem& by, auto& out) {
        by.each(g, [&](std::uint32_t e) {
          out.push_back({i, {local[list[e].second.consequent], list[e].second.count}});
        });
      };
      copy(w_.single_rules, singles_, c.single_rules);
      copy(w_.neighbours, near_, c.neighbours);
      copy(w_.similar, similar_, c.similar);
      for (auto p : pairs_of_[g]) {
        const auto& r = w_.pair_rules[p];
        c.pair_rules.push_back(
            {i, local[r.b], r.pair_count, {local[r.rule.consequent], r.rule.count}});
      }
    }
    if (!w_.repurchase.empty() && any_complete) {
      c.repurchase.resize(items.size());
      for (std::uint32_t i = 0; i < items.size(); ++i)
        if (info.flags[i] & PartInfo::kComplete) c.repurchase[i] = w_.repurchase[items[i]];
    }
    c.part = std::move(info);
    return c;
  }

 private:
  const BundleContent& w_;
  const ByItem &singles_, &near_, &similar_;
  const std::vector<std::vector<std::uint32_t>>& pairs_of_;
};

// `digits` hexadecimal digits of v (no printf: this file is in the wasm too).
std::string hex(std::uint64_t v, int digits) {
  std::string s(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4)
    s[static_cast<std::size_t>(i)] = "0123456789abcdef"[v & 15];
  return s;
}

std::uint64_t checksum_of(const std::vector<std::uint8_t>& bundle) {
  std::uint64_t sum;
  std::memcpy(&sum, bundle.data() + 24, 8);
  return sum;
}

}  // namespace

std::uint32_t shard_of(std::string_view label, std::uint32_t shard_count) {
  const auto h = checksum64({reinterpret_cast<const std::uint8_t*>(label.data()), label.size()});
  return static_cast<std::uint32_t>(h % shard_count);
}

ShardedBundle shard_bundle(const BundleContent& original, const ShardOptions& options) {
  // Ids in popular order (count descending, then id), so "the first k of the popular order" is
  // "ids below k" in every part.
  const auto n = static_cast<std::uint32_t>(original.labels.size());
  std::vector<std::uint32_t> order(n), to(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return original.popularity[a] > original.popularity[b];
  });
  for (std::uint32_t r = 0; r < n; ++r) to[order[r]] = r;
  const BundleContent c = renumbered(original, to);

  std::uint32_t shards = options.shards;
  if (shards == 0)
    shards = static_cast<std::uint32_t>(std::max<std::uint64_t>(
        1, (encode_bundle(c).size() + kShardTargetBytes - 1) / kShardTargetBytes));
  shards = std::min(shards, std::max(n, 1u));

  const ByItem singles(c.single_rules, n), near(c.neighbours, n), similar(c.similar, n);
  std::vector<std::vector<std::uint32_t>> pairs_of(n);
  for (std::uint32_t p = 0; p < c.pair_rules.size(); ++p) pairs_of[c.pair_rules[p].a].push_back(p);
  const PartBuilder builder(c, singles, near, similar, pairs_of);

  std::vector<std::uint32_t> owner(n);
  std::vector<std::vector<std::uint32_t>> owned(shards);
  for (std::uint32_t i = 0; i < n; ++i)
    owned[owner[i] = shard_of(c.labels[i], shards)].push_back(i);

  // The category heads: each category's first category_head offered items (those the category
  // answer may offer: a category, sold, recommendable), in popular order = id order.
  std::vector<std::uint8_t> flags(n, 0);
  ShardMapInfo map;
  const auto n_cat = static_cast<std::uint32_t>(c.categories.size());
  std::vector<std::uint8_t> unrecommendable(n, 0);
  for (auto u : c.unrecommendable) unrecommendable[u] = 1;
  std::vector<std::uint32_t> head_items;
  map.category_shard_offsets.push_back(0);
  if (!c.item_category.empty()) {
    map.category_size.assign(n_cat, 0);
    map.category_items.assign(n_cat, 0);
    std::vector<std::vector<std::uint32_t>> shards_of(n_cat);
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto k = c.item_category[i];
      if (k == kNoCategory) continue;
      shards_of[k].push_back(owner[i]);
      ++map.category_items[k];
      if (c.popularity[i] == 0 || unrecommendable[i]) continue;
      if (map.category_size[k]++ < options.category_head) {
        flags[i] |= PartInfo::kCategoryHead;
        head_items.push_back(i);
      }
    }
    for (auto& s : shards_of) {
      std::sort(s.begin(), s.end());
      s.erase(std::unique(s.begin(), s.end()), s.end());
      map.category_shards.insert(map.category_shards.end(), s.begin(), s.end());
      map.category_shard_offsets.push_back(static_cast<std::uint32_t>(map.category_shards.size()));
    }
  }

  PartInfo info;
  info.total_items = n;
  info.shard_count = shards;
  info.popular_head = std::min(options.popular_head, n);

  ShardedBundle out;
  std::vector<std::uint64_t> checksums;
  std::uint64_t total_bytes = 0;
  for (std::uint32_t s = 0; s < shards; ++s) {
    std::vector<std::uint32_t> items = owned[s];
    std::vector<std::uint8_t> part_flags = flags;
    for (auto i : owned[s]) {
      part_flags[i] |= PartInfo::kComplete;
      builder.named_by(i, items);
    }
    PartInfo shard_info = info;
    shard_info.shard = s;
    BundleContent part = builder.build(std::move(items), part_flags, false, shard_info);
    part.meta = {{"part", "shard " + std::to_string(s) + " of " + std::to_string(shards)}};
    auto bytes = encode_bundle(part);
    const auto sum = checksum_of(bytes);
    map.checksums.push_back(sum);
    total_bytes += bytes.size();
    out.shards.push_back({"shard-" + hex(s, 5) + "-" + hex(sum, 16) + ".blb", std::move(bytes)});
  }

  std::vector<std::uint32_t> global_items(info.popular_head);
  std::iota(global_items.begin(), global_items.end(), 0u);
  global_items.insert(global_items.end(), head_items.begin(), head_items.end());
  BundleContent global = builder.build(std::move(global_items), flags, true, info);
  global.meta = c.meta;
  global.meta.emplace_back("part", "global");
  global.meta.emplace_back("shards", std::to_string(shards));
  global.category_popularity = c.category_popularity;
  global.category_rules = c.category_rules;
  global.shard_map = std::move(map);
  auto bytes = encode_bundle(global);
  const auto global_sum = checksum_of(bytes);
  total_bytes += bytes.size();
  out.global = {"global-" + hex(global_sum, 16) + ".blb", std::move(bytes)};

  std::string m = "{\n  \"format\": \"" + std::string(kManifestFormat) +
                  "\",\n  \"version\": 1,\n  \"items\": " + std::to_string(n) +
                  ",\n  \"bytes\": " + std::to_string(total_bytes) + ",\n  \"global\": \"" +
                  out.global.name + "\",\n  \"shards\": [";
  for (std::uint32_t s = 0; s < shards; ++s)
    m += (s ? ",\n    \"" : "\n    \"") + out.shards[s].name + "\"";
  m += "\n  ]\n}\n";
  out.manifest = std::move(m);
  return out;
}

BundleContent content_of(const Bundle& b) {
  BundleContent c;
  const auto n = b.item_count();
  c.meta = b.meta();
  c.transactions = b.transactions();
  for (std::uint32_t i = 0; i < n; ++i) {
    c.labels.emplace_back(b.label(i));
    c.popularity.push_back(b.popularity(i));
    for (const auto& r : b.single_rules(i)) c.single_rules.push_back({i, r});
    for (const auto& r : b.neighbours(i)) c.neighbours.push_back({i, r});
    for (const auto& r : b.similar(i)) c.similar.push_back({i, r});
    b.for_each_pair(i, [&](std::uint32_t other, std::uint32_t count, auto rules) {
      for (const auto& r : rules) c.pair_rules.push_back({i, other, count, r});
    });
  }
  if (b.has_catalog()) {
    for (std::uint32_t k = 0; k < b.category_count(); ++k)
      c.categories.emplace_back(b.category_label(k));
    for (std::uint32_t i = 0; i < n; ++i) {
      c.item_category.push_back(b.item_category(i));
      c.names.emplace_back(b.name(i));
      c.prices.push_back(b.price(i));
    }
  }
  if (b.has_category_rules())
    for (std::uint32_t k = 0; k < b.category_count(); ++k) {
      c.category_popularity.push_back(b.category_popularity(k));
      for (const auto& r : b.category_rules(k)) c.category_rules.push_back({k, r});
    }
  if (b.has_repurchase())
    for (std::uint32_t i = 0; i < n; ++i) c.repurchase.push_back(b.repurchase(i));
  c.unrecommendable = b.unrecommendable();
  return c;
}

std::unique_ptr<ShardSet> ShardSet::open(std::vector<std::uint8_t> global, std::string& error) {
  auto bundle = Bundle::load(std::move(global), error);
  if (!bundle) return nullptr;
  if (!bundle->is_part() || bundle->part().shard != kGlobalPart ||
      bundle->shard_map().checksums.empty()) {
    error = "not the global part of a sharded bundle";
    return nullptr;
  }
  std::unique_ptr<ShardSet> set(new ShardSet);
  set->global_ = std::move(bundle);
  return set;
}

std::span<const std::uint32_t> ShardSet::category_shards(std::uint32_t category) const {
  const auto& m = global_->shard_map();
  if (category + 1 >= m.category_shard_offsets.size()) return {};
  return std::span(m.category_shards)
      .subspan(m.category_shard_offsets[category],
               m.category_shard_offsets[category + 1] - m.category_shard_offsets[category]);
}

bool ShardSet::add(std::uint32_t shard, std::vector<std::uint8_t> bytes, std::string& error) {
  const auto& info = global_->part();
  if (shard >= info.shard_count) {
    error = "shard " + std::to_string(shard) + " does not exist (the bundle has " +
            std::to_string(info.shard_count) + ")";
    return false;
  }
  auto bundle = Bundle::load(std::move(bytes), error);
  if (!bundle) {
    error = "shard " + std::to_string(shard) + ": " + error;
    return false;
  }
  if (bundle->checksum() != global_->shard_map().checksums[shard] || !bundle->is_part() ||
      bundle->part().shard != shard) {
    error = "shard " + std::to_string(shard) +
            ": not the shard this bundle's global part lists (a stale or foreign file)";
    return false;
  }
  shards_[shard] = std::move(bundle);
  merged_.reset();
  return true;
}

const Bundle* ShardSet::bundle(std::string& error) {
  if (merged_) return merged_.get();
  // Every item any part names, once, in global id order; a shard's complete items bring their
  // lists, the global part its heads and the category data.
  struct Source {
    const Bundle* part;
    std::uint32_t item;
  };
  std::vector<std::pair<std::uint32_t, Source>> all;
  auto collect = [&](const Bundle& p) {
    for (std::uint32_t i = 0; i < p.item_count(); ++i)
      all.push_back({p.part().global_ids[i], {&p, i}});
  };
  collect(*global_);
  for (const auto& [s, p] : shards_) collect(*p);
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });

  const auto& g = *global_;
  BundleContent c;
  c.meta = g.meta();
  c.transactions = g.transactions();
  c.part.total_items = g.part().total_items;
  c.part.shard = kAssembledPart;
  c.part.shard_count = g.part().shard_count;
  c.part.popular_head = g.part().popular_head;
  std::vector<Source> complete;  // local id -> the part holding its lists
  std::vector<std::pair<const Bundle*, std::vector<std::uint32_t>>> local_of;  // per part
  auto local_table = [&](const Bundle* p) -> std::vector<std::uint32_t>& {
    for (auto& [q, t] : local_of)
      if (q == p) return t;
    local_of.emplace_back(p, std::vector<std::uint32_t>(p->item_count(), kNoItem));
    return local_of.back().second;
  };
  for (std::size_t at = 0; at < all.size();) {
    const auto id = all[at].first;
    const auto local = static_cast<std::uint32_t>(c.labels.size());
    const auto& first = all[at].second;
    std::uint8_t flags = 0;
    Source lists{nullptr, 0};
    for (; at < all.size() && all[at].first == id; ++at) {
      const auto& src = all[at].second;
      local_table(src.part)[src.item] = local;
      flags |= src.part->part().flags[src.item];
      if (src.part->part().flags[src.item] & PartInfo::kComplete) lists = src;
    }
    c.labels.emplace_back(first.part->label(first.item));
    c.popularity.push_back(first.part->popularity(first.item));
    c.part.global_ids.push_back(id);
    c.part.flags.push_back(flags);
    complete.push_back(lists);
    if (!first.part->recommendable(first.item)) c.unrecommendable.push_back(local);
    if (g.has_catalog()) {
      const auto k = first.part->item_category(first.item);
      c.item_category.push_back(k == kNoCategory ? kNoCategory
                                                 : first.part->part().global_categories[k]);
      c.names.emplace_back(first.part->name(first.item));
      c.prices.push_back(first.part->price(first.item));
    }
  }
  if (g.has_catalog()) {
    for (std::uint32_t k = 0; k < g.category_count(); ++k) {
      c.categories.emplace_back(g.category_label(k));
      c.part.global_categories.push_back(k);
    }
  }
  if (g.has_category_rules())
    for (std::uint32_t k = 0; k < g.category_count(); ++k) {
      c.category_popularity.push_back(g.category_popularity(k));
      for (const auto& r : g.category_rules(k)) c.category_rules.push_back({k, r});
    }
  bool repurchase = false;
  for (const auto& [s, p] : shards_) repurchase |= p->has_repurchase();
  if (repurchase) c.repurchase.resize(c.labels.size());
  for (std::uint32_t i = 0; i < complete.size(); ++i) {
    const auto [p, item] = complete[i];
    if (!p) continue;
    const auto& to = local_table(p);
    auto map = [&](RuleEntry r) { return RuleEntry{to[r.consequent], r.count}; };
    for (const auto& r : p->single_rules(item)) c.single_rules.push_back({i, map(r)});
    for (const auto& r : p->neighbours(item)) c.neighbours.push_back({i, map(r)});
    for (const auto& r : p->similar(item)) c.similar.push_back({i, map(r)});
    p->for_each_pair(item, [&](std::uint32_t other, std::uint32_t count, auto rules) {
      for (const auto& r : rules) c.pair_rules.push_back({i, to[other], count, map(r)});
    });
    if (repurchase) c.repurchase[i] = p->repurchase(item);
  }
  c.shard_map = g.shard_map();
  // Each part was valid on its own; parts that contradict each other (a writer's bug, or files
  // of two runs with forged checksums) make the union invalid, which the reader reports.
  merged_ = Bundle::load(encode_bundle(c), error);
  if (!merged_) error = "the loaded shards contradict each other: " + error;
  return merged_.get();
}

}  // namespace basketlift
