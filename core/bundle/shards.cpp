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
  for (auto* lists : {&r.single_rules, &r.neighbours, &r.similar, &r.learned})
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

// Per key, the entries of a list keyed by item or category (rules, neighbours...), CSR.
struct ByKey {
  std::vector<std::uint32_t> first;
  std::vector<std::uint32_t> order;  // indexes into the list
  ByKey(const std::vector<std::pair<std::uint32_t, RuleEntry>>& list, std::size_t n)
      : first(n + 1, 0), order(list.size()) {
    for (const auto& e : list) ++first[e.first + 1];
    std::partial_sum(first.begin(), first.end(), first.begin());
    auto next = first;
    for (std::uint32_t i = 0; i < list.size(); ++i) order[next[list[i].first]++] = i;
  }
  template <class F>
  void each(std::uint32_t key, F&& f) const {
    for (auto at = first[key]; at < first[key + 1]; ++at) f(order[at]);
  }
};

// The whole content, indexed for cutting parts out of it.
class Cutter {
 public:
  Cutter(const BundleContent& whole, const ShardOptions& options, std::uint32_t shards)
      : w_(whole),
        n_(static_cast<std::uint32_t>(whole.labels.size())),
        singles_(whole.single_rules, n_),
        near_(whole.neighbours, n_),
        similar_(whole.similar, n_),
        learned_(whole.learned, n_),
        category_rules_(whole.category_rules, whole.categories.size()),
        pairs_of_(n_),
        owner_(n_),
        flags_(n_, 0) {
    for (std::uint32_t p = 0; p < whole.pair_rules.size(); ++p)
      pairs_of_[whole.pair_rules[p].b].push_back(p);
    for (std::uint32_t i = 0; i < n_; ++i) owner_[i] = shard_of(whole.labels[i], shards);
    std::vector<std::uint8_t> unrecommendable(n_, 0);
    for (auto u : whole.unrecommendable) unrecommendable[u] = 1;
    const auto n_cat = whole.categories.size();
    categories_.resize(n_cat);
    heads_.resize(n_cat);
    members_.resize(n_cat);
    for (std::uint32_t k = 0; k < n_cat; ++k) {
      categories_[k].global = k;
      if (!whole.category_popularity.empty())
        categories_[k].popularity = whole.category_popularity[k];
    }
    if (whole.item_category.empty()) return;
    // In id order = popular order: each category's first category_head offered items (those the
    // category answer may offer: sold and recommendable) are its head.
    for (std::uint32_t i = 0; i < n_; ++i) {
      const auto k = whole.item_category[i];
      if (k == kNoCategory) continue;
      auto& cat = categories_[k];
      ++cat.items;
      members_[k].push_back(i);
      if (whole.popularity[i] == 0 || unrecommendable[i]) continue;
      if (cat.offered++ < options.category_head) {
        flags_[i] |= PartInfo::kCategoryHead;
        heads_[k].push_back(i);
      }
    }
  }

  std::uint32_t owner(std::uint32_t item) const { return owner_[item]; }

  // The items a complete item names: consequents, pair partners, neighbours, similar names.
  // A pair's rules travel with its less popular item (the larger id): a popular item is bought
  // with thousands of others, and its shard would otherwise carry a pair for each of them.
  void named_by(std::uint32_t item, std::vector<std::uint32_t>& out) const {
    singles_.each(item,
                  [&](std::uint32_t e) { out.push_back(w_.single_rules[e].second.consequent); });
    near_.each(item, [&](std::uint32_t e) { out.push_back(w_.neighbours[e].second.consequent); });
    similar_.each(item, [&](std::uint32_t e) { out.push_back(w_.similar[e].second.consequent); });
    learned_.each(item, [&](std::uint32_t e) { out.push_back(w_.learned[e].second.consequent); });
    for (auto p : pairs_of_[item]) {
      out.push_back(w_.pair_rules[p].a);
      out.push_back(w_.pair_rules[p].rule.consequent);
    }
  }
  // The categories a complete category's rules name, and their heads.
  void named_by_category(std::uint32_t k, std::vector<std::uint32_t>& categories,
                         std::vector<std::uint32_t>& items) const {
    categories.push_back(k);
    category_rules_.each(
        k, [&](std::uint32_t e) { categories.push_back(w_.category_rules[e].second.consequent); });
    for (auto b : categories) items.insert(items.end(), heads_[b].begin(), heads_[b].end());
  }

  // Every item of a category and the items their single-item rules name: an upsell part.
  void upsell_items(std::uint32_t k, std::vector<std::uint32_t>& members,
                    std::vector<std::uint32_t>& named) const {
    members = members_[k];
    for (auto i : members)
      singles_.each(
          i, [&](std::uint32_t e) { named.push_back(w_.single_rules[e].second.consequent); });
  }

  // One part: `items` with their labels and catalog fields, the lists of those in `complete`
  // (only the single-item rules of those in `rules_only`), and the categories they name plus
  // `categories` (the rules and shards of those in `complete_categories`).
  BundleContent build(std::vector<std::uint32_t> items, const std::vector<std::uint32_t>& complete,
                      std::vector<std::uint32_t> categories,
                      const std::vector<std::uint32_t>& complete_categories, PartInfo info,
                      const std::vector<std::uint32_t>& rules_only = {}) const {
    auto unique = [](std::vector<std::uint32_t>& v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    };
    items.insert(items.end(), complete.begin(), complete.end());
    items.insert(items.end(), rules_only.begin(), rules_only.end());
    unique(items);
    // Global id -> id in this part (kNoItem elsewhere): one table for every part, its entries
    // reset after each, since a fresh one per part is parts × items (10^11 at a million items).
    auto& local = local_;
    local.resize(n_, kNoItem);
    for (std::uint32_t i = 0; i < items.size(); ++i) local[items[i]] = i;
    BundleContent c;
    c.transactions = w_.transactions;
    for (auto g : items) {
      c.labels.push_back(w_.labels[g]);
      c.popularity.push_back(w_.popularity[g]);
      info.global_ids.push_back(g);
      info.flags.push_back(flags_[g]);
    }
    for (auto g : complete) info.flags[local[g]] |= PartInfo::kComplete | PartInfo::kRules;
    for (auto g : rules_only) info.flags[local[g]] |= PartInfo::kRules;
    if (!w_.item_category.empty()) {
      for (auto g : items)
        if (w_.item_category[g] != kNoCategory) categories.push_back(w_.item_category[g]);
      categories.insert(categories.end(), complete_categories.begin(), complete_categories.end());
      unique(categories);
      auto& cat_local = category_local_;
      cat_local.resize(w_.categories.size(), kNoCategory);
      for (std::uint32_t k = 0; k < categories.size(); ++k) {
        const auto g = categories[k];
        cat_local[g] = k;
        c.categories.push_back(w_.categories[g]);
        info.categories.push_back(categories_[g]);
        info.categories.back().complete =
            std::binary_search(complete_categories.begin(), complete_categories.end(), g);
      }
      for (auto g : items) {
        const auto k = w_.item_category[g];
        c.item_category.push_back(k == kNoCategory ? kNoCategory : cat_local[k]);
        c.names.push_back(w_.names[g]);
        c.prices.push_back(w_.prices[g]);
      }
      if (!w_.category_popularity.empty()) {
        for (auto g : categories) c.category_popularity.push_back(w_.category_popularity[g]);
        for (auto g : complete_categories)
          category_rules_.each(g, [&](std::uint32_t e) {
            const auto& r = w_.category_rules[e].second;
            c.category_rules.push_back({cat_local[g], {cat_local[r.consequent], r.count}});
          });
      }
      for (auto g : categories) cat_local[g] = kNoCategory;
    }
    for (auto u : w_.unrecommendable)
      if (local[u] != kNoItem) c.unrecommendable.push_back(local[u]);
    for (auto g : rules_only)
      singles_.each(g, [&](std::uint32_t e) {
        const auto& r = w_.single_rules[e].second;
        c.single_rules.push_back({local[g], {local[r.consequent], r.count}});
      });
    for (auto g : complete) {
      const auto i = local[g];
      auto copy = [&](const auto& list, const ByKey& by, auto& out) {
        by.each(g, [&](std::uint32_t e) {
          out.push_back({i, {local[list[e].second.consequent], list[e].second.count}});
        });
      };
      copy(w_.single_rules, singles_, c.single_rules);
      copy(w_.neighbours, near_, c.neighbours);
      copy(w_.similar, similar_, c.similar);
      copy(w_.learned, learned_, c.learned);
      for (auto p : pairs_of_[g]) {
        const auto& r = w_.pair_rules[p];
        c.pair_rules.push_back(
            {local[r.a], i, r.pair_count, {local[r.rule.consequent], r.rule.count}});
      }
    }
    if (!w_.repurchase.empty() && !complete.empty()) {
      c.repurchase.resize(items.size());
      for (auto g : complete) c.repurchase[local[g]] = w_.repurchase[g];
    }
    for (auto g : items) local[g] = kNoItem;
    c.part = std::move(info);
    return c;
  }

 private:
  const BundleContent& w_;
  std::uint32_t n_;
  ByKey singles_, near_, similar_, learned_, category_rules_;
  std::vector<std::vector<std::uint32_t>> pairs_of_;  // per item: the pairs it is the larger of
  std::vector<std::uint32_t> owner_;
  std::vector<std::uint8_t> flags_;
  std::vector<PartInfo::Category> categories_;
  std::vector<std::vector<std::uint32_t>> heads_, members_;    // per category
  mutable std::vector<std::uint32_t> local_, category_local_;  // build()'s, reset after each
};

// `digits` hexadecimal digits of v (no printf: this file is in the wasm too).
std::string hex(std::uint64_t v, int digits) {
  std::string s(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4)
    s[static_cast<std::size_t>(i)] = "0123456789abcdef"[v & 15];
  return s;
}

}  // namespace

std::uint32_t shard_of(std::string_view label, std::uint32_t shard_count) {
  const auto h = checksum64({reinterpret_cast<const std::uint8_t*>(label.data()), label.size()});
  return static_cast<std::uint32_t>(h % shard_count);
}

namespace {
std::string part_name(PartKind kind, std::uint32_t index) {
  switch (kind) {
    case PartKind::Global:
      return "global.blb";
    case PartKind::Shard:
      return "s" + std::to_string(index) + ".blb";
    case PartKind::Category:
      return "c" + std::to_string(index) + ".blb";
    case PartKind::Popular:
      return "p" + std::to_string(index) + ".blb";
    case PartKind::Upsell:
      return "u" + std::to_string(index) + ".blb";
    case PartKind::Assembled:
      break;
  }
  return {};
}
}  // namespace

std::string part_path(std::uint64_t run, PartKind kind, std::uint32_t index) {
  return hex(run, 16) + "/" + part_name(kind, index);
}

std::string shard_path(std::string_view global_path, std::uint32_t shard_count,
                       std::string_view label) {
  const auto slash = global_path.rfind('/');
  const auto dir =
      slash == std::string_view::npos ? std::string_view{} : global_path.substr(0, slash + 1);
  return std::string(dir) + part_name(PartKind::Shard, shard_of(label, std::max(shard_count, 1u)));
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

  const std::uint32_t shards =
      std::max(1u, options.shards ? std::min(options.shards, std::max(n, 1u))
                                  : (n + kShardItems - 1) / kShardItems);
  const Cutter cutter(c, options, shards);
  const auto n_cat = static_cast<std::uint32_t>(c.categories.size());

  PartInfo info;
  // The run: the whole content, the options and the layout, so any change gives new names.
  auto whole = encode_bundle(c);
  for (auto v : {kManifestVersion, shards, options.popular_head, options.category_head})
    for (int b = 0; b < 4; ++b) whole.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
  info.run = checksum64(whole);
  info.total_items = n;
  info.total_categories = n_cat;
  info.shard_count = shards;
  info.popular_head = std::min(options.popular_head, n);

  ShardedBundle out;
  std::uint64_t total_bytes = 0;
  auto emit = [&](PartKind kind, std::uint32_t index, BundleContent part) {
    part.part.kind = kind;
    part.part.index = index;
    out.parts.push_back({part_path(info.run, kind, index), encode_bundle(part)});
    total_bytes += out.parts.back().bytes.size();
  };

  std::vector<std::uint32_t> head(info.popular_head);
  std::iota(head.begin(), head.end(), 0u);
  BundleContent global = cutter.build(head, {}, {}, {}, info);
  global.meta = c.meta;
  global.meta.emplace_back("part", "global");
  emit(PartKind::Global, 0, std::move(global));

  // The rest of the popular order in pages of the head's size, for fills that run past it.
  for (std::uint32_t p = 1; info.popular_head && std::uint64_t{p} * info.popular_head < n; ++p) {
    std::vector<std::uint32_t> page;
    for (auto i = p * info.popular_head;
         i < std::min<std::uint64_t>(n, (p + 1ull) * info.popular_head); ++i)
      page.push_back(i);
    emit(PartKind::Popular, p, cutter.build(std::move(page), {}, {}, {}, info));
  }
  std::vector<std::vector<std::uint32_t>> owned(shards);
  for (std::uint32_t i = 0; i < n; ++i) owned[cutter.owner(i)].push_back(i);
  for (std::uint32_t s = 0; s < shards; ++s) {
    std::vector<std::uint32_t> items;
    for (auto i : owned[s]) cutter.named_by(i, items);
    emit(PartKind::Shard, s, cutter.build(std::move(items), owned[s], {}, {}, info));
  }
  for (std::uint32_t k = 0; k < n_cat; ++k) {
    std::vector<std::uint32_t> categories, items;
    cutter.named_by_category(k, categories, items);
    emit(PartKind::Category, k,
         cutter.build(std::move(items), {}, std::move(categories), {k}, info));
  }
  for (std::uint32_t k = 0; k < n_cat; ++k) {
    std::vector<std::uint32_t> members, named;
    cutter.upsell_items(k, members, named);
    emit(PartKind::Upsell, k, cutter.build(std::move(named), {}, {k}, {}, info, members));
  }

  out.manifest = "{\n  \"format\": \"" + std::string(kManifestFormat) +
                 "\",\n  \"version\": " + std::to_string(kManifestVersion) +
                 ",\n  \"items\": " + std::to_string(n) +
                 ",\n  \"shards\": " + std::to_string(shards) +
                 ",\n  \"categories\": " + std::to_string(n_cat) +
                 ",\n  \"bytes\": " + std::to_string(total_bytes) + ",\n  \"global\": \"" +
                 out.parts.front().path + "\"\n}\n";
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
    for (const auto& r : b.learned(i)) c.learned.push_back({i, r});
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
  auto bundle = Bundle::load_part(std::move(global), error);
  if (!bundle) return nullptr;
  if (!bundle->is_part() || bundle->part().kind != PartKind::Global) {
    error = "not the global part of a sharded bundle";
    return nullptr;
  }
  std::unique_ptr<ShardSet> set(new ShardSet);
  set->global_ = std::move(bundle);
  return set;
}

bool ShardSet::add(PartKind kind, std::uint32_t index, std::vector<std::uint8_t> bytes,
                   std::string& error) {
  const std::string what = path(kind, index);
  const std::uint64_t limit = kind == PartKind::Shard     ? info().shard_count
                              : kind == PartKind::Popular ? popular_pages()
                              : kind == PartKind::Category || kind == PartKind::Upsell
                                  ? info().total_categories
                                  : 0;
  if (index >= limit || (kind == PartKind::Popular && index == 0)) {
    error = what + ": no such part in this bundle";
    return false;
  }
  auto part = Bundle::load_part(std::move(bytes), error);
  if (!part) {
    error = what + ": " + error;
    return false;
  }
  const auto& p = part->part();
  if (!part->is_part() || p.run != info().run || p.kind != kind || p.index != index ||
      p.total_items != info().total_items || p.total_categories != info().total_categories ||
      p.shard_count != info().shard_count || p.popular_head != info().popular_head) {
    error = what + ": not that part of this bundle (a file of another run, or misplaced)";
    return false;
  }
  if (auto at = find(kind, index); at != parts_.end()) parts_.erase(at);
  parts_.push_back({kind, index, std::move(part)});
  merged_.reset();
  return true;
}

std::vector<std::pair<PartKind, std::uint32_t>> ShardSet::missing_for(
    std::span<const std::string_view> labels) const {
  std::vector<std::pair<PartKind, std::uint32_t>> out;
  for (auto label : labels) {
    const std::pair<PartKind, std::uint32_t> key{PartKind::Shard,
                                                 shard_of(label, info().shard_count)};
    if (!has(key.first, key.second) && std::find(out.begin(), out.end(), key) == out.end())
      out.push_back(key);
  }
  return out;
}

std::vector<std::pair<PartKind, std::uint32_t>> ShardSet::missing_for_category_of(
    std::uint32_t item, bool upsell) {
  std::vector<std::pair<PartKind, std::uint32_t>> out;
  std::string error;
  const Bundle* b = bundle(error);
  if (!b || item >= b->item_count() || b->item_category(item) == kNoCategory) return out;
  const auto global = b->part().categories[b->item_category(item)].global;
  const auto kind = upsell ? PartKind::Upsell : PartKind::Category;
  if (!has(kind, global)) out.push_back({kind, global});
  return out;
}

const Bundle* ShardSet::bundle(std::string& error) {
  if (merged_) return merged_.get();
  // Every item and category any part names, once, in global order; shards bring their items'
  // lists, category parts their categories' rules, shards and heads. Parts are numbered: 0 the
  // global part, then parts_ in order.
  std::vector<const Bundle*> parts{global_.get()};
  for (const auto& e : parts_) parts.push_back(e.part.get());
  struct Source {
    std::uint32_t id, part, index;  // the whole bundle's id; where it is
    bool operator<(const Source& o) const {
      return id != o.id ? id < o.id : part != o.part ? part < o.part : index < o.index;
    }
  };
  std::vector<Source> items, categories;
  std::vector<std::vector<std::uint32_t>> local_item(parts.size()), local_category(parts.size());
  for (std::uint32_t p = 0; p < parts.size(); ++p) {
    const auto& info = parts[p]->part();
    for (std::uint32_t i = 0; i < parts[p]->item_count(); ++i)
      items.push_back({info.global_ids[i], p, i});
    for (std::uint32_t k = 0; k < info.categories.size(); ++k)
      categories.push_back({info.categories[k].global, p, k});
    local_item[p].resize(parts[p]->item_count());
    local_category[p].resize(info.categories.size());
  }
  std::sort(items.begin(), items.end());
  std::sort(categories.begin(), categories.end());

  const auto& g = *global_;
  BundleContent c;
  c.meta = g.meta();
  c.transactions = g.transactions();
  c.part = g.part();
  c.part.kind = PartKind::Assembled;
  // The head, and the popular pages after it that are here without a gap.
  const auto pages = next_popular_page();
  c.part.popular_head = static_cast<std::uint32_t>(std::min<std::uint64_t>(
      c.part.total_items, std::uint64_t{pages ? pages : popular_pages()} * c.part.popular_head));
  c.part.global_ids.clear();
  c.part.flags.clear();
  c.part.categories.clear();

  std::vector<Source> rules_from;  // per local category: the part with its rules, if any
  for (std::size_t at = 0; at < categories.size();) {
    const auto k = static_cast<std::uint32_t>(c.categories.size());
    const auto first = categories[at];
    Source complete{0, kNoItem, 0};
    for (; at < categories.size() && categories[at].id == first.id; ++at) {
      const auto src = categories[at];
      local_category[src.part][src.index] = k;
      if (parts[src.part]->part().categories[src.index].complete) complete = src;
    }
    c.categories.emplace_back(parts[first.part]->category_label(first.index));
    auto info = parts[first.part]->part().categories[first.index];
    info.complete = complete.part != kNoItem;
    c.part.categories.push_back(info);
    rules_from.push_back(complete);
    if (g.has_category_rules()) c.category_popularity.push_back(info.popularity);
  }

  std::vector<Source> lists_from;       // per local item: the part with its lists, if any
  std::vector<Source> rules_from_item;  // and the part with its single-item rules
  for (std::size_t at = 0; at < items.size();) {
    const auto i = static_cast<std::uint32_t>(c.labels.size());
    const auto first = items[at];
    const Bundle& b = *parts[first.part];
    std::uint8_t flags = 0;
    Source lists{0, kNoItem, 0}, rules{0, kNoItem, 0};
    for (; at < items.size() && items[at].id == first.id; ++at) {
      const auto src = items[at];
      const auto f = parts[src.part]->part().flags[src.index];
      local_item[src.part][src.index] = i;
      flags |= f;
      if (f & PartInfo::kComplete) lists = src;
      if (f & PartInfo::kRules) rules = src;
    }
    c.labels.emplace_back(b.label(first.index));
    c.popularity.push_back(b.popularity(first.index));
    c.part.global_ids.push_back(first.id);
    c.part.flags.push_back(flags);
    lists_from.push_back(lists);
    rules_from_item.push_back(lists.part != kNoItem ? lists : rules);
    if (!b.recommendable(first.index)) c.unrecommendable.push_back(i);
    if (g.has_catalog()) {
      const auto k = b.item_category(first.index);
      c.item_category.push_back(k == kNoCategory ? kNoCategory : local_category[first.part][k]);
      c.names.emplace_back(b.name(first.index));
      c.prices.push_back(b.price(first.index));
    }
  }

  for (std::uint32_t k = 0; k < rules_from.size(); ++k) {
    const auto src = rules_from[k];
    if (src.part == kNoItem) continue;
    for (const auto& r : parts[src.part]->category_rules(src.index))
      c.category_rules.push_back({k, {local_category[src.part][r.consequent], r.count}});
  }
  for (std::uint32_t i = 0; i < rules_from_item.size(); ++i) {
    const auto src = rules_from_item[i];
    if (src.part == kNoItem) continue;
    const auto& to = local_item[src.part];
    for (const auto& r : parts[src.part]->single_rules(src.index))
      c.single_rules.push_back({i, {to[r.consequent], r.count}});
  }
  bool repurchase = false;
  for (const auto* p : parts) repurchase |= p->has_repurchase();
  if (repurchase) c.repurchase.resize(c.labels.size());
  for (std::uint32_t i = 0; i < lists_from.size(); ++i) {
    const auto src = lists_from[i];
    if (src.part == kNoItem) continue;
    const Bundle& p = *parts[src.part];
    const auto& to = local_item[src.part];
    auto map = [&](RuleEntry r) { return RuleEntry{to[r.consequent], r.count}; };
    for (const auto& r : p.neighbours(src.index)) c.neighbours.push_back({i, map(r)});
    for (const auto& r : p.similar(src.index)) c.similar.push_back({i, map(r)});
    for (const auto& r : p.learned(src.index)) c.learned.push_back({i, map(r)});
    if (repurchase) c.repurchase[i] = p.repurchase(src.index);
  }
  // A pair's rules are in the part where its larger item is complete (only a shard has complete
  // items, and an item is complete in one shard only, so each pair comes once).
  for (std::uint32_t at = 1; at < parts.size(); ++at) {
    const Bundle& p = *parts[at];
    const auto& to = local_item[at];
    for (std::uint32_t a = 0; a < p.item_count(); ++a)
      p.for_each_pair(a, [&](std::uint32_t b, std::uint32_t count, auto rules) {
        if (!p.complete(b) || lists_from[to[b]].part != at) return;
        for (const auto& r : rules)
          c.pair_rules.push_back({to[a], to[b], count, {to[r.consequent], r.count}});
      });
  }
  // Each part was valid on its own; parts that contradict each other (a writer's bug, or files
  // of two runs with forged run ids) make the union invalid, which the reader reports.
  merged_ = Bundle::load_part(encode_bundle(c), error);
  if (!merged_) error = "the loaded parts contradict each other: " + error;
  return merged_.get();
}

}  // namespace basketlift
