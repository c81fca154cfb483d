// Encodes a BundleContent into the binary layout of docs/bundle-format.md.
#include <algorithm>
#include <cstring>

#include "bundle/bundle.hpp"

namespace basketlift {

namespace {

class Buffer {
 public:
  void u16(std::uint16_t v) { put(&v, 2); }
  void u32(std::uint32_t v) { put(&v, 4); }
  void u64(std::uint64_t v) { put(&v, 8); }
  void bytes(std::string_view s) { put(s.data(), s.size()); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes(s);
  }
  void f64(double v) { put(&v, 8); }
  void pad4() {
    while (data.size() % 4) data.push_back(0);
  }
  void pad8() {
    while (data.size() % 8) data.push_back(0);
  }
  std::vector<std::uint8_t> data;

 private:
  void put(const void* p, std::size_t n) {
    const auto at = data.size();
    data.resize(at + n);
    if (n) std::memcpy(data.data() + at, p, n);
  }
};

// CSR offsets from a sorted list of keys in [0, n).
template <class Key>
std::vector<std::uint32_t> offsets_by(const std::vector<Key>& keys, std::uint32_t n) {
  std::vector<std::uint32_t> off(n + 1, 0);
  for (auto k : keys) ++off[k + 1];
  for (std::uint32_t i = 0; i < n; ++i) off[i + 1] += off[i];
  return off;
}

// Single-item rules and neighbours share a layout: count, CSR offsets by item, entries.
Buffer rule_lists(std::vector<std::pair<std::uint32_t, RuleEntry>> entries, std::uint32_t n) {
  std::sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : x.second.consequent < y.second.consequent;
  });
  std::vector<std::uint32_t> keys;
  for (const auto& r : entries) keys.push_back(r.first);
  Buffer b;
  b.u32(static_cast<std::uint32_t>(entries.size()));
  for (auto o : offsets_by(keys, n)) b.u32(o);
  for (const auto& r : entries) {
    b.u32(r.second.consequent);
    b.u32(r.second.count);
  }
  return b;
}

// Learned weights in 4-byte entries (section 14; docs/bundle-format.md has the layout): the
// entries rule_lists would write, with counts per item instead of offsets, each target as the
// step from the item's previous one, and the low and high bytes of targets and weights in planes
// of their own: the demo's bundle gzips 6 KB smaller than with plain (u16, i16) arrays.
Buffer compact_learned(std::vector<std::pair<std::uint32_t, RuleEntry>> entries, std::uint32_t n) {
  std::sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : x.second.consequent < y.second.consequent;
  });
  std::vector<std::uint16_t> counts(n, 0);
  for (const auto& e : entries) ++counts[e.first];
  const std::size_t m = entries.size();
  std::string planes(4 * m, '\0');
  for (std::size_t i = 0; i < m; ++i) {
    const auto& [item, e] = entries[i];
    const auto step = static_cast<std::uint16_t>(
        i && entries[i - 1].first == item ? e.consequent - entries[i - 1].second.consequent
                                          : e.consequent);
    const auto weight = static_cast<std::uint16_t>(e.count);
    planes[i] = static_cast<char>(step & 0xFF);
    planes[m + i] = static_cast<char>(step >> 8);
    planes[2 * m + i] = static_cast<char>(weight & 0xFF);
    planes[3 * m + i] = static_cast<char>(weight >> 8);
  }
  Buffer b;
  b.u32(static_cast<std::uint32_t>(m));
  for (auto k : counts) b.u16(k);
  b.pad4();
  b.bytes(planes);
  return b;
}

}  // namespace

std::vector<std::uint8_t> encode_bundle(const BundleContent& c) {
  const auto n = static_cast<std::uint32_t>(c.labels.size());
  std::vector<std::pair<SectionId, Buffer>> sections;

  Buffer meta;
  meta.u32(static_cast<std::uint32_t>(c.meta.size()));
  for (const auto& [k, v] : c.meta) {
    meta.str(k);
    meta.str(v);
  }
  sections.emplace_back(SectionId::Meta, std::move(meta));

  Buffer items;
  items.u32(n);
  std::uint32_t off = 0;
  items.u32(0);
  for (const auto& l : c.labels) items.u32(off += static_cast<std::uint32_t>(l.size()));
  for (const auto& l : c.labels) items.bytes(l);
  sections.emplace_back(SectionId::Items, std::move(items));

  Buffer pop;
  pop.u64(c.transactions);
  for (auto v : c.popularity) pop.u32(v);
  sections.emplace_back(SectionId::Popularity, std::move(pop));

  sections.emplace_back(SectionId::SingleRules, rule_lists(c.single_rules, n));
  auto pairs = c.pair_rules;
  std::sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) {
    return std::tie(x.a, x.b, x.rule.consequent) < std::tie(y.a, y.b, y.rule.consequent);
  });
  std::vector<std::uint32_t> pair_first, pair_b, pair_count, rule_off{0};
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i == 0 || pairs[i].a != pairs[i - 1].a || pairs[i].b != pairs[i - 1].b) {
      pair_first.push_back(pairs[i].a);
      pair_b.push_back(pairs[i].b);
      pair_count.push_back(pairs[i].pair_count);
      rule_off.push_back(rule_off.back());
    }
    ++rule_off.back();
  }
  Buffer pr;
  pr.u32(static_cast<std::uint32_t>(pair_b.size()));
  pr.u32(static_cast<std::uint32_t>(pairs.size()));
  for (auto o : offsets_by(pair_first, n)) pr.u32(o);
  for (auto b : pair_b) pr.u32(b);
  for (auto v : pair_count) pr.u32(v);
  for (auto o : rule_off) pr.u32(o);
  for (const auto& r : pairs) {
    pr.u32(r.rule.consequent);
    pr.u32(r.rule.count);
  }
  sections.emplace_back(SectionId::PairRules, std::move(pr));

  // (A part of a sharded bundle may name categories and no item.)
  if (!c.item_category.empty() || !c.categories.empty()) {
    Buffer cat;
    cat.u32(n);
    cat.u32(static_cast<std::uint32_t>(c.categories.size()));
    std::uint32_t at = 0;
    cat.u32(0);
    for (const auto& l : c.categories) cat.u32(at += static_cast<std::uint32_t>(l.size()));
    for (const auto& l : c.categories) cat.bytes(l);
    cat.pad4();
    for (auto k : c.item_category) cat.u32(k);
    at = 0;
    cat.u32(0);
    for (const auto& l : c.names) cat.u32(at += static_cast<std::uint32_t>(l.size()));
    for (const auto& l : c.names) cat.bytes(l);
    cat.pad8();
    for (auto p : c.prices) cat.f64(p);
    sections.emplace_back(SectionId::Catalog, std::move(cat));
  }

  if (!c.category_popularity.empty()) {
    const auto n_cat = static_cast<std::uint32_t>(c.category_popularity.size());
    auto rules = c.category_rules;
    std::sort(rules.begin(), rules.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first < y.first : x.second.consequent < y.second.consequent;
    });
    std::vector<std::uint32_t> antecedents;
    for (const auto& r : rules) antecedents.push_back(r.first);
    Buffer cr;
    cr.u32(n_cat);
    cr.u32(static_cast<std::uint32_t>(rules.size()));
    for (auto v : c.category_popularity) cr.u32(v);
    for (auto o : offsets_by(antecedents, n_cat)) cr.u32(o);
    for (const auto& r : rules) {
      cr.u32(r.second.consequent);
      cr.u32(r.second.count);
    }
    sections.emplace_back(SectionId::CategoryRules, std::move(cr));
  }

  if (!c.repurchase.empty()) {
    Buffer rp;
    rp.u32(n);
    rp.u32(0);
    for (const auto& r : c.repurchase) {
      rp.u32(r.intervals);
      rp.u32(r.buyers);
      rp.u32(r.repeat_buyers);
      rp.u32(0);
      rp.f64(r.mean_days);
      rp.f64(r.sd_days);
    }
    sections.emplace_back(SectionId::Repurchase, std::move(rp));
  }

  if (!c.neighbours.empty())
    sections.emplace_back(SectionId::Neighbours, rule_lists(c.neighbours, n));
  if (!c.similar.empty()) sections.emplace_back(SectionId::Similar, rule_lists(c.similar, n));
  if (!c.learned.empty()) {
    if (n <= kCompactLearnedMaxItems && !c.learned_wide)
      sections.emplace_back(SectionId::LearnedCompact, compact_learned(c.learned, n));
    else
      sections.emplace_back(SectionId::Learned, rule_lists(c.learned, n));
  }
  if (!c.unrecommendable.empty()) {
    Buffer un;
    un.u32(n);
    un.u32(static_cast<std::uint32_t>(c.unrecommendable.size()));
    for (auto item : c.unrecommendable) un.u32(item);
    sections.emplace_back(SectionId::Unrecommendable, std::move(un));
  }

  if (c.part.total_items != 0) {
    const auto& p = c.part;
    Buffer part;
    part.u64(p.run);
    for (auto v :
         {n, static_cast<std::uint32_t>(p.kind), p.index, p.total_items, p.total_categories,
          p.shard_count, p.popular_head, static_cast<std::uint32_t>(p.categories.size())})
      part.u32(v);
    for (auto g : p.global_ids) part.u32(g);
    for (const auto& k : p.categories)
      for (auto v : {k.global, k.popularity, k.offered, k.items, std::uint32_t{k.complete}})
        part.u32(v);
    part.bytes(std::string_view(reinterpret_cast<const char*>(p.flags.data()), p.flags.size()));
    part.pad4();
    sections.emplace_back(SectionId::Part, std::move(part));
  }
  // Header, section table, then each section 8-byte aligned.
  const std::uint64_t header = 32, table = 24 * sections.size();
  Buffer out;
  out.bytes(std::string_view(kBundleMagic, 8));
  out.u32(kBundleVersion);
  out.u32(static_cast<std::uint32_t>(sections.size()));
  out.u64(0);  // file size, patched below
  out.u64(0);  // checksum, patched below
  std::uint64_t at = header + table;
  for (auto& [id, buf] : sections) {
    at = (at + 7) / 8 * 8;
    out.u32(static_cast<std::uint32_t>(id));
    out.u32(0);
    out.u64(at);
    out.u64(buf.data.size());
    at += buf.data.size();
  }
  for (auto& [id, buf] : sections) {
    out.pad8();
    out.data.insert(out.data.end(), buf.data.begin(), buf.data.end());
  }
  const std::uint64_t size = out.data.size();
  std::memcpy(out.data.data() + 16, &size, 8);
  const std::uint64_t sum = checksum64(std::span(out.data).subspan(32));
  std::memcpy(out.data.data() + 24, &sum, 8);
  return std::move(out.data);
}

}  // namespace basketlift
