// Loads and validates a bundle. Every offset, length and count is checked here, once, so the
// accessors used on the hot path can read without checks and still never leave the buffer.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "bundle/bundle.hpp"

namespace basketlift {

namespace {

// Orders ids by item or category label, or (label == nullptr) by descending popularity, then id:
// one comparator type, so the three sorts share one instantiation of std::sort (the wasm stays
// small).
struct IdOrder {
  const Bundle* bundle;
  std::string_view (Bundle::*label)(std::uint32_t) const;
  bool operator()(std::uint32_t x, std::uint32_t y) const {
    if (!label) {
      const auto px = bundle->popularity(x), py = bundle->popularity(y);
      return px != py ? px > py : x < y;
    }
    return (bundle->*label)(x) < (bundle->*label)(y);
  }
};

constexpr std::uint64_t kHeader = 32, kTableEntry = 24, kMaxSections = 64, kRepurchaseEntry = 32;

// Reads little-endian integers from one section, failing instead of leaving it.
class Cursor {
 public:
  Cursor(const std::vector<std::uint8_t>& bytes, std::uint64_t begin, std::uint64_t size)
      : b_(bytes), at_(begin), end_(begin + size) {}
  bool u32(std::uint32_t& v) { return take(&v, 4); }
  bool u64(std::uint64_t& v) { return take(&v, 8); }
  // Reserves `count` fixed-size records, returning their absolute offset.
  bool skip(std::uint64_t count, std::uint64_t width, std::uint64_t& where) {
    if (count > (end_ - at_) / width) return false;
    where = at_;
    at_ += count * width;
    return true;
  }
  bool str(std::string& s) {
    std::uint32_t len;
    std::uint64_t where;
    if (!u32(len) || !skip(len, 1, where)) return false;
    s.assign(reinterpret_cast<const char*>(b_.data() + where), len);
    return true;
  }
  std::uint64_t remaining() const { return end_ - at_; }
  bool align(std::uint64_t a) {
    const std::uint64_t pad = (a - at_ % a) % a;
    if (end_ - at_ < pad) return false;
    at_ += pad;
    return true;
  }

 private:
  bool take(void* v, std::uint64_t n) {
    if (end_ - at_ < n) return false;
    std::memcpy(v, b_.data() + at_, n);
    at_ += n;
    return true;
  }
  const std::vector<std::uint8_t>& b_;
  std::uint64_t at_, end_;
};

}  // namespace

const char* section_name(SectionId id) {
  switch (id) {
    case SectionId::Meta:
      return "meta";
    case SectionId::Items:
      return "items";
    case SectionId::Popularity:
      return "popularity";
    case SectionId::SingleRules:
      return "single-item rules";
    case SectionId::PairRules:
      return "pair rules";
    case SectionId::Catalog:
      return "catalog";
    case SectionId::CategoryRules:
      return "category rules";
    case SectionId::Repurchase:
      return "repurchase";
    case SectionId::Neighbours:
      return "neighbours";
    case SectionId::Similar:
      return "similar names";
    case SectionId::Learned:
      return "learned weights";
    case SectionId::LearnedCompact:
      return "learned weights (4-byte entries)";
    case SectionId::Unrecommendable:
      return "unrecommendable";
    case SectionId::Part:
      return "part";
  }
  return "unknown";
}

namespace {

// `size`: the whole file's length, which may be more than `bytes` holds.
bool check_magic(std::span<const std::uint8_t> bytes, std::uint64_t size, std::string& error) {
  if (bytes.size() >= kHeader && std::memcmp(bytes.data(), kBundleMagic, 8) == 0) return true;
  error = bytes.size() < kHeader ? "too short to be a bundle (" + std::to_string(size) + " bytes)"
                                 : "not a basketlift bundle (bad magic)";
  return false;
}

}  // namespace

static_assert(kBundleHeaderBytes == kHeader);

BundleFault check_bundle_start(std::span<const std::uint8_t> start, std::uint64_t size,
                               std::uint64_t& declared, std::string& error) {
  declared = 0;
  if (!check_magic(start, size == kUnknownSize ? start.size() : size, error))
    return BundleFault::NotABundle;
  std::uint32_t version;
  std::memcpy(&version, start.data() + 8, sizeof version);
  std::memcpy(&declared, start.data() + 16, sizeof declared);
  if (version != kBundleVersion) {
    error = "unsupported format version " + std::to_string(version) + " (this reader reads " +
            std::to_string(kBundleVersion) + ")";
    return BundleFault::Version;
  }
  if (size != kUnknownSize && declared != size) {
    error = (declared > size ? "truncated: header says " : "size mismatch: header says ") +
            std::to_string(declared) + " bytes, got " + std::to_string(size);
    return BundleFault::Truncated;
  }
  return BundleFault::None;
}

bool read_bundle_header(std::span<const std::uint8_t> bytes, BundleHeader& h, std::string& error) {
  if (!check_magic(bytes, bytes.size(), error)) return false;
  auto get = [&](std::size_t at, auto& v) { std::memcpy(&v, bytes.data() + at, sizeof v); };
  get(8, h.version);
  get(12, h.section_count);
  get(16, h.declared_size);
  get(24, h.stored_checksum);
  h.computed_checksum = checksum64(bytes.subspan(kHeader));
  for (std::uint64_t i = 0; i < h.section_count && i < kMaxSections; ++i) {
    const std::uint64_t at = kHeader + kTableEntry * i;
    if (at + kTableEntry > bytes.size()) break;
    std::uint32_t id;
    SectionInfo s{};
    get(at, id);
    get(at + 8, s.offset);
    get(at + 16, s.size);
    s.id = static_cast<SectionId>(id);
    h.sections.push_back(s);
  }
  return true;
}

std::unique_ptr<Bundle> Bundle::load(std::vector<std::uint8_t> bytes, std::string& error,
                                     BundleFault* fault) {
  return load_with(std::move(bytes), error, fault, nullptr);
}

std::unique_ptr<Bundle> Bundle::load_part(std::vector<std::uint8_t> bytes, std::string& error) {
  return load_with(std::move(bytes), error, nullptr, &Bundle::validate_parts);
}

// `parts`: how to read a part section, or nullptr to refuse one. Only load_part() names
// validate_parts, so a build that never loads parts (the wasm for single-file bundles) leaves
// it out.
std::unique_ptr<Bundle> Bundle::load_with(std::vector<std::uint8_t> bytes, std::string& error,
                                          BundleFault* fault, bool (Bundle::*parts)(std::string&)) {
  std::unique_ptr<Bundle> b(new Bundle());
  b->bytes_ = std::move(bytes);
  BundleFault found = BundleFault::None;
  bool ok = b->validate(error, found);
  if (ok && std::any_of(b->sections_.begin(), b->sections_.end(),
                        [](const SectionInfo& s) { return s.id == SectionId::Part; })) {
    if (!parts) error = "a part of a sharded bundle: load its manifest.json instead";
    ok = parts && (b.get()->*parts)(error);
    if (!ok) found = BundleFault::Structure;
  }
  if (fault) *fault = found;
  if (!ok) {
    error = "invalid bundle: " + error;
    return nullptr;
  }
  return b;
}

bool Bundle::validate(std::string& error, BundleFault& fault) {
  const std::uint64_t size = bytes_.size();
  std::uint64_t declared;
  fault =
      check_bundle_start(std::span(bytes_).first(std::min(size, kHeader)), size, declared, error);
  if (fault != BundleFault::None) return false;
  BundleHeader h;
  read_bundle_header(bytes_, h, error);  // cannot fail: the start passed
  version_ = h.version;
  checksum_ = h.stored_checksum;
  const std::uint64_t n_sections = h.section_count;
  if (h.computed_checksum != checksum_) {
    fault = BundleFault::Checksum;
    error = "checksum mismatch (corrupted in storage or transfer)";
    return false;
  }
  fault = BundleFault::Structure;  // every failure from here on
  if (n_sections > kMaxSections || kHeader + kTableEntry * n_sections > size) {
    error = "section table does not fit (" + std::to_string(n_sections) + " sections)";
    return false;
  }
  const std::uint64_t data_start = kHeader + kTableEntry * n_sections;
  // The section count is outside the checksum: one too few would silently drop the last
  // (optional) section, so the first section must begin where the table ends.
  std::uint64_t first = size;
  for (const auto& s : h.sections) {
    first = std::min(first, s.offset);
    const auto id = static_cast<std::uint32_t>(s.id);
    if (s.offset < data_start || s.offset % 8 || s.offset > size || s.size > size - s.offset) {
      error = "section " + std::to_string(id) + " lies outside the file";
      return false;
    }
    for (const auto& other : sections_) {
      if (other.id == s.id) {
        error = "section " + std::to_string(id) + " appears twice";
        return false;
      }
    }
    sections_.push_back(s);
  }
  if (first != data_start) {
    error = "section table does not end where the sections begin";
    return false;
  }
  auto find = [&](SectionId id) -> const SectionInfo* {
    for (const auto& s : sections_)
      if (s.id == id) return &s;
    error = std::string("missing ") + section_name(id) + " section";
    return nullptr;
  };
  auto bad = [&](SectionId id, const std::string& what) {
    error = std::string(section_name(id)) + " section: " + what;
    return false;
  };

  // Meta: count, then key/value strings.
  const SectionInfo* s = find(SectionId::Meta);
  if (!s) return false;
  {
    Cursor c(bytes_, s->offset, s->size);
    std::uint32_t count;
    if (!c.u32(count) || count > c.remaining() / 8) return bad(s->id, "bad entry count");
    for (std::uint32_t i = 0; i < count; ++i) {
      std::string k, v;
      if (!c.str(k) || !c.str(v)) return bad(s->id, "entry " + std::to_string(i) + " overflows");
      meta_.emplace_back(std::move(k), std::move(v));
    }
  }

  // Items: n, offsets[n+1], label bytes.
  if (!(s = find(SectionId::Items))) return false;
  {
    Cursor c(bytes_, s->offset, s->size);
    if (!c.u32(n_items_) || !c.skip(n_items_ + 1ull, 4, label_offsets_))
      return bad(s->id, "item count exceeds the section");
    label_bytes_ = label_offsets_ + 4ull * (n_items_ + 1ull);
    const std::uint64_t available = c.remaining();
    std::uint32_t prev = 0;
    for (std::uint32_t i = 0; i <= n_items_; ++i) {
      auto o = u32(label_offsets_ + 4ull * i);
      if (o < prev || o > available || (i == 0 && o != 0))
        return bad(s->id, "label offset " + std::to_string(i) + " out of order or range");
      prev = o;
    }
    by_label_.resize(n_items_);
    std::iota(by_label_.begin(), by_label_.end(), 0u);
    std::sort(by_label_.begin(), by_label_.end(), IdOrder{this, &Bundle::label});
    for (std::uint32_t i = 1; i < n_items_; ++i)
      if (label(by_label_[i - 1]) == label(by_label_[i]))
        return bad(s->id, "duplicate label '" + std::string(label(by_label_[i])) + "'");
  }

  // Popularity: transactions, count per item.
  if (!(s = find(SectionId::Popularity))) return false;
  {
    Cursor c(bytes_, s->offset, s->size);
    if (!c.u64(transactions_) || transactions_ == 0 || !c.skip(n_items_, 4, popularity_))
      return bad(s->id, "truncated or no transactions");
    // 0: an item known only from the catalog (no rule can start or end there: see check_rules).
    for (std::uint32_t i = 0; i < n_items_; ++i) {
      if (popularity(i) > transactions_)
        return bad(s->id, "item " + std::to_string(i) + " count out of range");
    }
    popular_order_.resize(n_items_);
    std::iota(popular_order_.begin(), popular_order_.end(), 0u);
    std::sort(popular_order_.begin(), popular_order_.end(), IdOrder{this, nullptr});
  }

  // A rule list is valid when its consequents are real items, not in the antecedent, and its
  // counts are possible given the antecedent's and consequent's counts.
  auto check_rules = [&](SectionId id, std::uint64_t begin, std::uint64_t count, std::uint32_t a,
                         std::uint32_t b, std::uint32_t ante_count) {
    for (std::uint64_t r = 0; r < count; ++r) {
      auto c = u32(begin + 8 * r), k = u32(begin + 8 * r + 4);
      if (c >= n_items_ || c == a || c == b || k == 0 || k > ante_count || k > popularity(c))
        return bad(
            id, "rule " + std::to_string(r) + " of item " + std::to_string(a) + " is inconsistent");
    }
    return true;
  };
  // CSR offsets: monotone, first 0, last == total.
  auto check_offsets = [&](std::uint64_t at, std::uint64_t n, std::uint64_t total) {
    std::uint32_t prev = 0;
    for (std::uint64_t i = 0; i <= n; ++i) {
      auto o = u32(at + 4 * i);
      if (o < prev || (i == 0 && o != 0)) return false;
      prev = o;
    }
    return prev == total;
  };

  if (!(s = find(SectionId::SingleRules))) return false;
  {
    Cursor c(bytes_, s->offset, s->size);
    std::uint32_t n_rules;
    if (!c.u32(n_rules) || !c.skip(n_items_ + 1ull, 4, single_offsets_) ||
        !c.skip(n_rules, 8, single_entries_))
      return bad(s->id, "counts exceed the section");
    n_single_ = n_rules;
    if (!check_offsets(single_offsets_, n_items_, n_rules)) return bad(s->id, "bad offsets");
    for (std::uint32_t a = 0; a < n_items_; ++a) {
      auto first = u32(single_offsets_ + 4ull * a), last = u32(single_offsets_ + 4ull * a + 4);
      if (!check_rules(s->id, single_entries_ + 8ull * first, last - first, a, a, popularity(a)))
        return false;
    }
  }

  // Optional lists in the single-item rules' layout: neighbours (entries are counts, checked
  // like rules) and similar names (entries are similarities).
  auto read_lists = [&](SectionId id, std::uint64_t& offsets, std::uint64_t& entries,
                        std::uint64_t& n, auto&& check) {
    const SectionInfo* x = nullptr;
    for (const auto& y : sections_)
      if (y.id == id) x = &y;
    if (!x) return true;
    Cursor c(bytes_, x->offset, x->size);
    std::uint32_t n_entries;
    if (!c.u32(n_entries) || !c.skip(n_items_ + 1ull, 4, offsets) || !c.skip(n_entries, 8, entries))
      return bad(id, "counts exceed the section");
    n = n_entries;
    if (!check_offsets(offsets, n_items_, n_entries)) return bad(id, "bad offsets");
    for (std::uint32_t a = 0; a < n_items_; ++a) {
      auto first = u32(offsets + 4ull * a), last = u32(offsets + 4ull * a + 4);
      if (!check(entries + 8ull * first, last - first, a)) return false;
    }
    return true;
  };
  if (!read_lists(SectionId::Neighbours, neighbour_offsets_, neighbour_entries_, n_neighbours_,
                  [&](std::uint64_t begin, std::uint64_t count, std::uint32_t a) {
                    return check_rules(SectionId::Neighbours, begin, count, a, a, popularity(a));
                  }))
    return false;
  // Similar names and learned weights: entries (item, value), items in id order and never the
  // list's own, values non-zero in [lo, hi]; learned weights (`sold`) only between items some
  // basket holds (a result's lift divides by both popularities). One checker type, so read_lists
  // is instantiated once for both (the wasm's bytes).
  auto values_in = [&](SectionId id, std::int32_t lo, std::int32_t hi, bool sold) {
    return [&, id, lo, hi, sold](std::uint64_t begin, std::uint64_t count, std::uint32_t a) {
      for (std::uint64_t r = 0; r < count; ++r) {
        const auto c = u32(begin + 8 * r);
        const auto v = static_cast<std::int32_t>(u32(begin + 8 * r + 4));
        if (c >= n_items_ || c == a || v == 0 || v < lo || v > hi ||
            (r && c <= u32(begin + 8 * r - 8)) ||
            (sold && (popularity(a) == 0 || popularity(c) == 0)))
          return bad(id, "entry " + std::to_string(r) + " of item " + std::to_string(a) +
                             " is inconsistent");
      }
      return true;
    };
  };
  if (!read_lists(SectionId::Similar, similar_offsets_, similar_entries_, n_similar_,
                  values_in(SectionId::Similar, 1, kSimilarityScale, false)) ||
      !read_lists(SectionId::Learned, learned_offsets_, learned_entries_, n_learned_,
                  values_in(SectionId::Learned, -kLearnedMax, kLearnedMax, true)) ||
      !read_compact_learned(error))
    return false;

  if (!(s = find(SectionId::PairRules))) return false;
  {
    Cursor c(bytes_, s->offset, s->size);
    std::uint32_t n_pairs, n_rules;
    if (!c.u32(n_pairs) || !c.u32(n_rules) || !c.skip(n_items_ + 1ull, 4, pair_index_) ||
        !c.skip(n_pairs, 4, pair_b_) || !c.skip(n_pairs, 4, pair_counts_) ||
        !c.skip(n_pairs + 1ull, 4, pair_offsets_) || !c.skip(n_rules, 8, pair_entries_))
      return bad(s->id, "counts exceed the section");
    n_pairs_ = n_pairs;
    n_pair_rules_ = n_rules;
    if (!check_offsets(pair_index_, n_items_, n_pairs) ||
        !check_offsets(pair_offsets_, n_pairs, n_rules))
      return bad(s->id, "bad offsets");
    for (std::uint32_t a = 0; a < n_items_; ++a) {
      auto first = u32(pair_index_ + 4ull * a), last = u32(pair_index_ + 4ull * a + 4);
      for (auto p = first; p < last; ++p) {
        auto b = u32(pair_b_ + 4ull * p), k = u32(pair_counts_ + 4ull * p);
        if (b <= a || b >= n_items_ || (p > first && b <= u32(pair_b_ + 4ull * (p - 1))) ||
            k == 0 || k > popularity(a) || k > popularity(b))
          return bad(s->id, "pair " + std::to_string(p) + " is inconsistent");
        auto r0 = u32(pair_offsets_ + 4ull * p), r1 = u32(pair_offsets_ + 4ull * p + 4);
        if (!check_rules(s->id, pair_entries_ + 8ull * r0, r1 - r0, a, b, k)) return false;
      }
    }
  }
  if (!validate_optional(error)) return false;
  fault = BundleFault::None;
  return true;
}

// Section 14 (docs/bundle-format.md): E (u32), each item's entry count (u16), padding to 4, then
// four planes of E bytes: the low and the high bytes of each target's step from the item's
// previous target (its first: the target), then of each weight * kLearnedScale (i16). Items in
// id order. Checked as section 13's entries are, and widened to them.
bool Bundle::read_compact_learned(std::string& error) {
  const SectionInfo* x = nullptr;
  for (const auto& y : sections_)
    if (y.id == SectionId::LearnedCompact) x = &y;
  if (!x) return true;
  auto bad = [&](const std::string& what) {
    error = std::string(section_name(x->id)) + " section: " + what;
    return false;
  };
  if (learned_offsets_) return bad("the bundle has section 13 too");
  if (n_items_ > kCompactLearnedMaxItems)
    return bad(std::to_string(n_items_) + " items are beyond its 16-bit ids");
  Cursor c(bytes_, x->offset, x->size);
  std::uint32_t n_entries;
  std::uint64_t counts, planes;
  if (!c.u32(n_entries) || !c.skip(n_items_, 2, counts) || !c.align(4) ||
      !c.skip(n_entries, 4, planes) || c.remaining() != 0)
    return bad("its size does not match its counts");
  const std::uint8_t* p = bytes_.data() + planes;
  const std::uint64_t m = n_entries;
  learned_decoded_.resize(n_entries);
  learned_starts_.resize(n_items_ + 1ull);
  std::uint32_t at = 0;
  for (std::uint32_t a = 0; a < n_items_; ++a) {
    learned_starts_[a] = at;
    std::uint16_t count;
    std::memcpy(&count, bytes_.data() + counts + 2ull * a, 2);
    if (count > n_entries - at) return bad("item counts exceed its entries");
    std::uint32_t target = 0;
    for (std::uint32_t r = 0; r < count; ++r, ++at) {
      const std::uint32_t step = p[at] | p[m + at] << 8;
      const auto weight = static_cast<std::int16_t>(p[2 * m + at] | p[3 * m + at] << 8);
      target += step;
      if ((r && step == 0) || target >= n_items_ || target == a || weight == 0 ||
          weight < -kLearnedMax || popularity(a) == 0 || popularity(target) == 0)
        return bad("entry " + std::to_string(r) + " of item " + std::to_string(a) +
                   " is inconsistent");
      learned_decoded_[at] = {target, static_cast<std::uint32_t>(std::int32_t{weight})};
    }
  }
  learned_starts_[n_items_] = at;
  if (at != n_entries) return bad("item counts fall short of its entries");
  return true;
}

// Catalog, category rules and repurchase statistics: each may be absent, but when present it
// is checked as strictly as the rules.
bool Bundle::validate_optional(std::string& error) {
  auto bad = [&](SectionId id, const std::string& what) {
    error = std::string(section_name(id)) + " section: " + what;
    return false;
  };
  auto section = [&](SectionId id) -> const SectionInfo* {
    for (const auto& s : sections_)
      if (s.id == id) return &s;
    return nullptr;
  };
  // Offsets into a string blob of `available` bytes: start at 0, never decrease or overrun.
  auto check_strings = [&](std::uint64_t offsets, std::uint64_t count, std::uint64_t available) {
    std::uint32_t prev = 0;
    for (std::uint64_t i = 0; i <= count; ++i) {
      auto o = u32(offsets + 4 * i);
      if (o < prev || o > available || (i == 0 && o != 0)) return false;
      prev = o;
    }
    return true;
  };

  if (const auto* s = section(SectionId::Catalog)) {
    Cursor c(bytes_, s->offset, s->size);
    std::uint32_t n, n_cat;
    std::uint64_t cat_bytes_len, name_bytes_len;
    if (!c.u32(n) || n != n_items_) return bad(s->id, "item count differs from the items section");
    if (!c.u32(n_cat) || !c.skip(n_cat + 1ull, 4, category_offsets_))
      return bad(s->id, "category count exceeds the section");
    category_bytes_ = category_offsets_ + 4ull * (n_cat + 1ull);
    cat_bytes_len = u32(category_offsets_ + 4ull * n_cat);
    std::uint64_t where;
    if (!c.skip(cat_bytes_len, 1, where) || !check_strings(category_offsets_, n_cat, cat_bytes_len))
      return bad(s->id, "bad category labels");
    if (!c.align(4) || !c.skip(n_items_, 4, item_category_) ||
        !c.skip(n_items_ + 1ull, 4, name_offsets_))
      return bad(s->id, "truncated");
    name_bytes_ = name_offsets_ + 4ull * (n_items_ + 1ull);
    name_bytes_len = u32(name_offsets_ + 4ull * n_items_);
    if (!c.skip(name_bytes_len, 1, where) ||
        !check_strings(name_offsets_, n_items_, name_bytes_len))
      return bad(s->id, "bad item names");
    if (!c.align(8) || !c.skip(n_items_, 8, prices_)) return bad(s->id, "truncated prices");
    n_categories_ = n_cat;
    catalog_ = s->offset;
    std::vector<std::uint32_t> count(n_cat + 1ull, 0);
    for (std::uint32_t i = 0; i < n_items_; ++i) {
      auto k = u32(item_category_ + 4ull * i);
      if (k != kNoCategory && k >= n_cat)
        return bad(s->id, "item " + std::to_string(i) + " has no such category");
      const double p = f64(prices_ + 8ull * i);
      if (!(p >= 0) && !std::isnan(p))
        return bad(s->id, "item " + std::to_string(i) + " has an invalid price");
      if (std::isinf(p)) return bad(s->id, "item " + std::to_string(i) + " has an infinite price");
      if (k != kNoCategory) ++count[k + 1];
    }
    for (std::uint32_t k = 0; k < n_cat; ++k) count[k + 1] += count[k];
    category_item_offsets_ = count;
    category_items_.resize(count[n_cat]);
    for (std::uint32_t i = 0; i < n_items_; ++i)
      if (auto k = u32(item_category_ + 4ull * i); k != kNoCategory)
        category_items_[count[k]++] = i;
    by_category_label_.resize(n_cat);
    std::iota(by_category_label_.begin(), by_category_label_.end(), 0u);
    std::sort(by_category_label_.begin(), by_category_label_.end(),
              IdOrder{this, &Bundle::category_label});
    for (std::uint32_t k = 1; k < n_cat; ++k)
      if (category_label(by_category_label_[k - 1]) == category_label(by_category_label_[k]))
        return bad(s->id, "duplicate category '" +
                              std::string(category_label(by_category_label_[k])) + "'");
  }

  if (const auto* s = section(SectionId::CategoryRules)) {
    Cursor c(bytes_, s->offset, s->size);
    std::uint32_t n_cat, n_rules;
    if (!catalog_) return bad(s->id, "present without a catalog section");
    if (!c.u32(n_cat) || n_cat != n_categories_)
      return bad(s->id, "category count differs from the catalog");
    if (!c.u32(n_rules) || !c.skip(n_cat, 4, category_pop_) ||
        !c.skip(n_cat + 1ull, 4, category_rule_offsets_) ||
        !c.skip(n_rules, 8, category_rule_entries_))
      return bad(s->id, "counts exceed the section");
    category_rules_ = s->offset;  // category_popularity() reads through it from here on
    std::uint32_t prev = 0;
    for (std::uint32_t k = 0; k <= n_cat; ++k) {
      auto o = u32(category_rule_offsets_ + 4ull * k);
      if (o < prev || (k == 0 && o != 0) || (k == n_cat && o != n_rules))
        return bad(s->id, "bad offsets");
      prev = o;
    }
    for (std::uint32_t k = 0; k < n_cat; ++k)
      if (category_popularity(k) > transactions_)
        return bad(s->id, "category count above the baskets");
    for (std::uint32_t a = 0; a < n_cat; ++a) {
      auto r0 = u32(category_rule_offsets_ + 4ull * a),
           r1 = u32(category_rule_offsets_ + 4ull * a + 4);
      for (auto r = r0; r < r1; ++r) {
        auto cons = u32(category_rule_entries_ + 8ull * r),
             k = u32(category_rule_entries_ + 8ull * r + 4);
        if (cons >= n_cat || cons == a || k == 0 || k > category_popularity(a) ||
            k > category_popularity(cons))
          return bad(s->id, "rule " + std::to_string(r) + " is inconsistent");
      }
    }
    // A basket holding an item holds its category: the category answer divides by these.
    for (std::uint32_t i = 0; i < n_items_; ++i)
      if (const auto k = item_category(i);
          k != kNoCategory && popularity(i) > category_popularity(k))
        return bad(s->id, "item " + std::to_string(i) + " is in more baskets than its category");
  }

  if (const auto* s = section(SectionId::Repurchase)) {
    Cursor c(bytes_, s->offset, s->size);
    std::uint32_t n, pad;
    std::uint64_t at;
    if (!c.u32(n) || n != n_items_ || !c.u32(pad) || !c.skip(n_items_, kRepurchaseEntry, at))
      return bad(s->id, "item count differs from the items section or exceeds the section");
    for (std::uint32_t i = 0; i < n_items_; ++i) {
      const auto e = at + kRepurchaseEntry * i;
      const double mean = f64(e + 16), sd = f64(e + 24);
      if (!(mean >= 0 && mean < 1e7 && sd >= 0 && sd < 1e7) || u32(e + 8) > u32(e + 4))
        return bad(s->id, "item " + std::to_string(i) + " has invalid statistics");
    }
    repurchase_ = at;
  }

  if (const auto* s = section(SectionId::Unrecommendable)) {
    Cursor c(bytes_, s->offset, s->size);
    std::uint32_t n, count;
    std::uint64_t at;
    if (!c.u32(n) || n != n_items_ || !c.u32(count) || !c.skip(count, 4, at))
      return bad(s->id, "item count differs from the items section or exceeds the section");
    unrecommendable_.resize(count);
    unrecommendable_flags_.assign(n_items_, 0);
    for (std::uint32_t i = 0; i < count; ++i) {
      const auto item = u32(at + 4ull * i);
      if (item >= n_items_ || (i > 0 && item <= unrecommendable_[i - 1]))
        return bad(s->id, "entry " + std::to_string(i) + " is out of range or out of order");
      unrecommendable_[i] = item;
      unrecommendable_flags_[item] = 1;
    }
  }
  return true;
}

// Section 12: only in the parts of a sharded bundle.
bool Bundle::validate_parts(std::string& error) {
  auto bad = [&](SectionId id, const std::string& what) {
    error = std::string(section_name(id)) + " section: " + what;
    return false;
  };
  const SectionInfo* part = nullptr;
  for (const auto& s : sections_)
    if (s.id == SectionId::Part) part = &s;
  if (!part) return true;
  {
    Cursor c(bytes_, part->offset, part->size);
    std::uint32_t n, kind, k_local;
    std::uint64_t ids, cats, flags;
    auto& p = part_;
    if (!c.u64(p.run) || !c.u32(n) || n != n_items_ || !c.u32(kind) || !c.u32(p.index) ||
        !c.u32(p.total_items) || !c.u32(p.total_categories) || !c.u32(p.shard_count) ||
        !c.u32(p.popular_head) || !c.u32(k_local) || !c.skip(n, 4, ids) ||
        !c.skip(k_local, 20, cats))
      return bad(part->id, "item count differs from the items section or exceeds the section");
    p.kind = static_cast<PartKind>(kind);
    if (kind > static_cast<std::uint32_t>(PartKind::Upsell) || p.total_items == 0 ||
        p.total_items < n || p.popular_head > p.total_items || p.shard_count == 0 ||
        (p.kind == PartKind::Shard && p.index >= p.shard_count) ||
        ((p.kind == PartKind::Category || p.kind == PartKind::Upsell) &&
         p.index >= p.total_categories) ||
        (p.kind == PartKind::Popular &&
         (p.index == 0 || std::uint64_t{p.index} * p.popular_head >= p.total_items)))
      return bad(part->id, "inconsistent counts");
    if (k_local != n_categories_) return bad(part->id, "category count differs from the catalog");
    if (!c.skip(n, 1, flags)) return bad(part->id, "truncated");
    p.global_ids.resize(n);
    p.flags.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      p.global_ids[i] = u32(ids + 4ull * i);
      p.flags[i] = bytes_[flags + i];
      if (p.global_ids[i] >= p.total_items || (i > 0 && p.global_ids[i] <= p.global_ids[i - 1]) ||
          p.flags[i] > (PartInfo::kComplete | PartInfo::kCategoryHead | PartInfo::kRules))
        return bad(part->id, "item " + std::to_string(i) + " is out of range or out of order");
    }
    p.categories.resize(k_local);
    for (std::uint32_t k = 0; k < k_local; ++k) {
      auto& x = p.categories[k];
      const auto at = cats + 20ull * k;
      x = {u32(at), u32(at + 4), u32(at + 8), u32(at + 12), u32(at + 16) != 0};
      if (x.global >= p.total_categories || (k > 0 && x.global <= p.categories[k - 1].global) ||
          x.offered > x.items || x.items > p.total_items || x.popularity > transactions_ ||
          u32(at + 16) > 1 || (category_rules_ && category_popularity(k) != x.popularity))
        return bad(part->id, "category " + std::to_string(k) + " is inconsistent");
    }
  }
  return true;
}

std::string_view Bundle::category_label(std::uint32_t k) const {
  auto begin = u32(category_offsets_ + 4ull * k), end = u32(category_offsets_ + 4ull * k + 4);
  return {reinterpret_cast<const char*>(bytes_.data() + category_bytes_ + begin), end - begin};
}

std::uint32_t Bundle::find_category(std::string_view l) const {
  auto it =
      std::lower_bound(by_category_label_.begin(), by_category_label_.end(), l,
                       [&](std::uint32_t x, std::string_view v) { return category_label(x) < v; });
  return it != by_category_label_.end() && category_label(*it) == l ? *it : n_categories_;
}

std::uint32_t Bundle::item_category(std::uint32_t item) const {
  return catalog_ ? u32(item_category_ + 4ull * item) : kNoCategory;
}

std::string_view Bundle::name(std::uint32_t item) const {
  if (!catalog_) return {};
  auto begin = u32(name_offsets_ + 4ull * item), end = u32(name_offsets_ + 4ull * item + 4);
  return {reinterpret_cast<const char*>(bytes_.data() + name_bytes_ + begin), end - begin};
}

double Bundle::price(std::uint32_t item) const {
  return catalog_ ? f64(prices_ + 8ull * item) : std::numeric_limits<double>::quiet_NaN();
}

std::span<const std::uint32_t> Bundle::category_items(std::uint32_t k) const {
  if (k >= n_categories_) return {};
  return {category_items_.data() + category_item_offsets_[k],
          category_item_offsets_[k + 1] - category_item_offsets_[k]};
}

std::uint32_t Bundle::category_popularity(std::uint32_t k) const {
  return category_rules_ ? u32(category_pop_ + 4ull * k) : 0;
}

std::span<const RuleEntry> Bundle::category_rules(std::uint32_t k) const {
  if (!category_rules_ || k >= n_categories_) return {};
  auto r0 = u32(category_rule_offsets_ + 4ull * k), r1 = u32(category_rule_offsets_ + 4ull * k + 4);
  return {reinterpret_cast<const RuleEntry*>(bytes_.data() + category_rule_entries_) + r0, r1 - r0};
}

RepurchaseStats Bundle::repurchase(std::uint32_t item) const {
  if (!repurchase_) return {};
  const auto e = repurchase_ + kRepurchaseEntry * item;
  return {u32(e), f64(e + 16), f64(e + 24), u32(e + 4), u32(e + 8)};
}

std::string_view Bundle::label(std::uint32_t item) const {
  auto begin = u32(label_offsets_ + 4ull * item), end = u32(label_offsets_ + 4ull * item + 4);
  return {reinterpret_cast<const char*>(bytes_.data() + label_bytes_ + begin), end - begin};
}

std::uint32_t Bundle::find(std::string_view l) const {
  auto it = std::lower_bound(by_label_.begin(), by_label_.end(), l,
                             [&](std::uint32_t x, std::string_view v) { return label(x) < v; });
  return it != by_label_.end() && label(*it) == l ? *it : n_items_;
}

std::span<const RuleEntry> Bundle::single_rules(std::uint32_t item) const {
  auto first = u32(single_offsets_ + 4ull * item), last = u32(single_offsets_ + 4ull * item + 4);
  return {reinterpret_cast<const RuleEntry*>(bytes_.data() + single_entries_) + first,
          last - first};
}

std::span<const RuleEntry> Bundle::similar(std::uint32_t item) const {
  if (!similar_offsets_) return all_similar().first(0);
  auto first = u32(similar_offsets_ + 4ull * item), last = u32(similar_offsets_ + 4ull * item + 4);
  return {reinterpret_cast<const RuleEntry*>(bytes_.data() + similar_entries_) + first,
          last - first};
}

std::span<const RuleEntry> Bundle::learned(std::uint32_t item) const {
  if (!learned_starts_.empty())
    return std::span<const RuleEntry>(learned_decoded_)
        .subspan(learned_starts_[item], learned_starts_[item + 1] - learned_starts_[item]);
  if (!learned_offsets_) return all_learned().first(0);
  auto first = u32(learned_offsets_ + 4ull * item), last = u32(learned_offsets_ + 4ull * item + 4);
  return {reinterpret_cast<const RuleEntry*>(bytes_.data() + learned_entries_) + first,
          last - first};
}

std::span<const RuleEntry> Bundle::neighbours(std::uint32_t item) const {
  if (!neighbour_offsets_) return all_neighbours().first(0);
  auto first = u32(neighbour_offsets_ + 4ull * item),
       last = u32(neighbour_offsets_ + 4ull * item + 4);
  return {reinterpret_cast<const RuleEntry*>(bytes_.data() + neighbour_entries_) + first,
          last - first};
}

std::span<const RuleEntry> Bundle::pair_rules(std::uint32_t a, std::uint32_t b,
                                              std::uint32_t* pair_count) const {
  if (a > b) std::swap(a, b);
  std::uint32_t lo = u32(pair_index_ + 4ull * a), hi = u32(pair_index_ + 4ull * a + 4);
  while (lo < hi) {
    auto mid = lo + (hi - lo) / 2;
    if (u32(pair_b_ + 4ull * mid) < b)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == u32(pair_index_ + 4ull * a + 4) || u32(pair_b_ + 4ull * lo) != b) return {};
  *pair_count = u32(pair_counts_ + 4ull * lo);
  auto r0 = u32(pair_offsets_ + 4ull * lo), r1 = u32(pair_offsets_ + 4ull * lo + 4);
  return {reinterpret_cast<const RuleEntry*>(bytes_.data() + pair_entries_) + r0, r1 - r0};
}

std::string Bundle::meta_value(std::string_view key) const {
  for (const auto& [k, v] : meta_)
    if (k == key) return v;
  return {};
}

}  // namespace basketlift
