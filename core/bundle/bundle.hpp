// The rule bundle: what the CLI writes and the browser loads. Format: docs/bundle-format.md.
// The reader validates every offset, length and count before use and reports failures as
// values, because it runs inside wasm where an exception or abort would kill the instance.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/ids.hpp"

namespace basketlift {

inline constexpr char kBundleMagic[8] = {'B', 'L', 'B', 'U', 'N', 'D', 'L', 'E'};
inline constexpr std::uint32_t kBundleVersion = 1;

enum class SectionId : std::uint32_t {
  Meta = 1,           // key/value strings: mining parameters, created-at, counts
  Items = 2,          // item dictionary: labels by dense id
  Popularity = 3,     // per item: number of baskets holding it
  SingleRules = 4,    // rules {a} -> c, indexed by a
  PairRules = 5,      // rules {a, b} -> c, indexed by a then b
  Catalog = 6,        // optional: names, categories, prices
  Repurchase = 7,     // optional: per item, the population's repurchase-interval statistics
  CategoryRules = 8,  // optional: rules {category} -> category, from baskets mapped to categories
  Neighbours = 9,     // optional: per item, its top co-purchased items (cosine), no threshold
  Similar = 10,       // optional: per unsold catalog item, the items with the most similar names
  Unrecommendable = 11,  // optional: items never recommended (postage, fees, adjustments...)
  Part = 12,             // a part of a sharded bundle: global ids and what of each item is here
  Learned = 13,          // optional: per item, its largest learned item-item weights (EASE, pruned)
  LearnedCompact = 14,   // optional: the same in 4-byte entries (bundles of <= 65,535 items)
};

// A part of a sharded bundle (docs/bundle-format.md, "Sharded bundles"): which items and
// categories of the whole bundle it holds and how much of each. Parts are bundles themselves, so
// each is read and validated by Bundle::load before use.
enum class PartKind : std::uint32_t {
  Global = 0,     // the popular head and the map of the other parts
  Shard = 1,      // the lists of the items whose label hashes to it
  Category = 2,   // a category's rules, and the heads of it and of its rule targets
  Assembled = 3,  // the parts a reader has, merged (never a file)
  Popular = 4,    // page `index` of the popular order past the head: where a long fill goes on
  Upsell = 5,     // every item of category `index` with its single-item rules: what upsell reads
};
struct PartInfo {
  PartKind kind = PartKind::Global;
  // Of the writer's run: every part of one sharded bundle carries the same, and a reader takes
  // no part of another run (a stale cache, a half-deployed directory).
  std::uint64_t run = 0;
  std::uint32_t index = 0;        // of the shard or the category (whole-bundle numbering)
  std::uint32_t total_items = 0;  // of the whole bundle, whose ids are its popular order
  std::uint32_t total_categories = 0;
  std::uint32_t shard_count = 0;
  // The whole bundle's first `popular_head` ids are all here. In the global part, the size of
  // the head and of each popular page.
  std::uint32_t popular_head = 0;
  std::vector<std::uint32_t> global_ids;  // per item here, ascending
  // Per item: kComplete when its rules, pair rules (as the larger item), neighbours, similar
  // names and repurchase statistics are here, not only its label and catalog fields;
  // kCategoryHead when it is among its category's first `category_head` offered items;
  // kRules when its single-item rules are here (the complete ones' are too).
  std::vector<std::uint8_t> flags;
  static constexpr std::uint8_t kComplete = 1, kCategoryHead = 2, kRules = 4;
  // Per category of this part's catalog: its index in the whole bundle, baskets holding it, its
  // offered items (those the category answer may offer) and all its items; complete when its
  // rules and the heads of it and of every category its rules name are here.
  struct Category {
    std::uint32_t global = 0, popularity = 0, offered = 0, items = 0;
    bool complete = false;
    bool operator==(const Category&) const = default;
  };
  std::vector<Category> categories;
};

// Name similarities are stored as integers: cosine * kSimilarityScale, in [1, kSimilarityScale].
inline constexpr std::uint32_t kSimilarityScale = 1'000'000;

// Learned weights are stored as integers in the int16 range: weight * kLearnedScale, rounded.
// A fixed scale rather than one per bundle: EASE weights stay well inside ±8, the 16 bits keep
// 1/4096 steps, and gzip squeezes the unused high bytes of the 32-bit entry.
inline constexpr double kLearnedScale = 4096;
inline constexpr std::int32_t kLearnedMax = 32767;
// Up to this many items the writer stores learned weights as section 14: a 16-bit target and a
// 16-bit weight per entry (the same grid, so the same scores) and a 16-bit count per item, half
// the bytes of section 13's 8-byte entries. Larger bundles (whole million-item catalogs; their
// shard parts are small and go compact) keep section 13. Readers take either, never both.
inline constexpr std::uint32_t kCompactLearnedMaxItems = 65535;

// One rule as stored: the consequent and the count of baskets holding antecedent + consequent.
// Confidence, lift and support follow from counts, so they are exact and cost no bytes.
struct RuleEntry {
  std::uint32_t consequent;
  std::uint32_t count;
};

// Days between consecutive purchases of an item by the same customer, over all customers.
struct RepurchaseStats {
  std::uint32_t intervals = 0;  // how many were observed
  double mean_days = 0, sd_days = 0;
  std::uint32_t buyers = 0;         // customers who bought the item
  std::uint32_t repeat_buyers = 0;  // of them, those who bought it on two or more days
};

// Everything the writer needs, independent of how it was mined.
struct BundleContent {
  std::vector<std::pair<std::string, std::string>> meta;
  std::vector<std::string> labels;        // by item id
  std::vector<std::uint32_t> popularity;  // by item id
  std::uint64_t transactions = 0;
  // Single-antecedent rules: (antecedent, rule); pair rules: (a, b, rule) with a < b.
  std::vector<std::pair<std::uint32_t, RuleEntry>> single_rules;
  struct PairRule {
    std::uint32_t a, b, pair_count;
    RuleEntry rule;
  };
  std::vector<PairRule> pair_rules;

  // Catalog (optional: written when item_category is non-empty). Per item: a category index or
  // kNoCategory, a name (may be empty), a price (NaN when unknown).
  std::vector<std::string> categories;
  std::vector<std::uint32_t> item_category;
  std::vector<std::string> names;
  std::vector<double> prices;
  // Category rules (optional: written when category_popularity is non-empty).
  std::vector<std::uint32_t> category_popularity;  // baskets holding the category
  std::vector<std::pair<std::uint32_t, RuleEntry>> category_rules;
  // Repurchase statistics (optional: written when non-empty), per item.
  std::vector<RepurchaseStats> repurchase;
  // Neighbours (optional: written when non-empty): (item, {neighbour, baskets holding both}).
  std::vector<std::pair<std::uint32_t, RuleEntry>> neighbours;
  // Similar (optional: written when non-empty): (item, {item, cosine * kSimilarityScale}).
  std::vector<std::pair<std::uint32_t, RuleEntry>> similar;
  // Learned (optional: written when non-empty): (item, {target, weight * kLearnedScale as the
  // bits of an int32 in [-kLearnedMax, kLearnedMax], never 0}). Written as section 14 when the
  // bundle has at most kCompactLearnedMaxItems items and learned_wide is false, else section 13
  // (learned_wide: for readers that predate section 14).
  std::vector<std::pair<std::uint32_t, RuleEntry>> learned;
  bool learned_wide = false;
  // Items no kind may recommend (optional: written when non-empty), ascending ids. A section of
  // its own rather than a catalog column, so bundles without it still load and mean "all".
  std::vector<std::uint32_t> unrecommendable;
  // Sharded bundles only (written when part.total_items > 0).
  PartInfo part;
};

std::vector<std::uint8_t> encode_bundle(const BundleContent& content);

// XXH64 (seed 0) of the bytes: the bundle checksum.
std::uint64_t checksum64(std::span<const std::uint8_t> bytes);

enum class BundleFault : std::uint8_t {
  None = 0,
  NotABundle = 1,  // too short or no magic
  Version = 2,     // a format version this reader does not read
  Truncated = 3,   // fewer (or more) bytes than the header declares
  Checksum = 4,    // the payload does not match its checksum
  Structure = 5,   // checksum fine, but a section is inconsistent (a hostile or buggy writer)
};

struct SectionInfo {
  SectionId id;
  std::uint64_t offset, size;
};
const char* section_name(SectionId id);

// What `basketlift inspect` shows even for a bundle that fails to load.
struct BundleHeader {
  std::uint32_t version = 0, section_count = 0;
  std::uint64_t declared_size = 0, stored_checksum = 0, computed_checksum = 0;
  std::vector<SectionInfo> sections;  // as listed, unvalidated
};
// False (with `error`) when the bytes are too short or lack the magic.
bool read_bundle_header(std::span<const std::uint8_t> bytes, BundleHeader& header,
                        std::string& error);

// The header's fixed part is this long; it holds the magic, the version and the declared size.
inline constexpr std::size_t kBundleHeaderBytes = 32;
inline constexpr std::uint64_t kUnknownSize = ~std::uint64_t{0};
// The checks the header alone allows, with load()'s messages and faults: the length (at least
// kBundleHeaderBytes) and the magic (NotABundle), the version (Version), and, when `size` (the
// whole file's length) is known, that the header declares that size (Truncated). `start` is the
// file's first min(size, kBundleHeaderBytes) bytes. Lets a reader refuse a download that is not
// a bundle, or not the size it says, from its first bytes. `declared` gets the declared size.
BundleFault check_bundle_start(std::span<const std::uint8_t> start, std::uint64_t size,
                               std::uint64_t& declared, std::string& error);

// A validated bundle. All accessors are bounds-safe by construction: load() has checked every
// index they can produce.
class Bundle {
 public:
  // Returns nullptr and sets `error` when the bytes are not a valid bundle.
  // `fault`, when given, says which kind of failure it was, so callers can treat a checksum
  // mismatch (a damaged download: fall back to the previous bundle) apart from the rest.
  // A part of a sharded bundle (section 12) is refused here: see load_part().
  static std::unique_ptr<Bundle> load(std::vector<std::uint8_t> bytes, std::string& error,
                                      BundleFault* fault = nullptr);
  // The same for the parts of a sharded bundle (ShardSet), whose part section is read too.
  static std::unique_ptr<Bundle> load_part(std::vector<std::uint8_t> bytes, std::string& error);

  std::uint32_t version() const { return version_; }
  std::uint64_t checksum() const { return checksum_; }
  const std::vector<SectionInfo>& sections() const { return sections_; }
  std::size_t byte_size() const { return bytes_.size(); }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

  std::uint64_t transactions() const { return transactions_; }
  std::uint32_t item_count() const { return n_items_; }
  std::string_view label(std::uint32_t item) const;
  // n_items when absent.
  std::uint32_t find(std::string_view label) const;
  std::uint32_t popularity(std::uint32_t item) const { return u32(popularity_ + 4ull * item); }
  // Items by descending popularity (ties by id): the fallback order.
  const std::vector<std::uint32_t>& popular_order() const { return popular_order_; }

  std::size_t single_rule_count() const { return n_single_; }
  std::size_t pair_count() const { return n_pairs_; }
  std::size_t pair_rule_count() const { return n_pair_rules_; }
  std::span<const RuleEntry> single_rules(std::uint32_t item) const;
  // Every single-item (pair) rule entry, in storage order: single_rules() and pair_rules() return
  // sub-spans of these, so `entry - all_single_rules().data()` indexes per-rule tables.
  std::span<const RuleEntry> all_single_rules() const {
    return {reinterpret_cast<const RuleEntry*>(bytes_.data() + single_entries_),
            static_cast<std::size_t>(n_single_)};
  }
  std::span<const RuleEntry> all_pair_rules() const {
    return {reinterpret_cast<const RuleEntry*>(bytes_.data() + pair_entries_),
            static_cast<std::size_t>(n_pair_rules_)};
  }
  // Neighbours of an item ({neighbour, baskets holding both}, in id order); empty when the
  // bundle has none. all_neighbours() is every entry in storage order; neighbours() returns
  // sub-spans of it, empty ones included (the scorer indexes by `data() - all.data()`).
  std::span<const RuleEntry> neighbours(std::uint32_t item) const;
  std::span<const RuleEntry> all_neighbours() const {
    return {reinterpret_cast<const RuleEntry*>(bytes_.data() + neighbour_entries_),
            static_cast<std::size_t>(n_neighbours_)};
  }
  // Items whose names resemble an item's ({item, cosine * kSimilarityScale}, in id order): the
  // only link a product no basket holds has to the rest. all_similar() as all_neighbours().
  std::span<const RuleEntry> similar(std::uint32_t item) const;
  std::span<const RuleEntry> all_similar() const {
    return {reinterpret_cast<const RuleEntry*>(bytes_.data() + similar_entries_),
            static_cast<std::size_t>(n_similar_)};
  }
  // Learned item-item weights of an item ({target, int32 weight * kLearnedScale}, in id order):
  // what a cart holding the item adds to each target. all_learned() as all_neighbours(). From
  // section 13 in place, or from section 14 as decoded once by load().
  std::span<const RuleEntry> learned(std::uint32_t item) const;
  std::span<const RuleEntry> all_learned() const {
    if (!learned_starts_.empty()) return learned_decoded_;
    return {reinterpret_cast<const RuleEntry*>(bytes_.data() + learned_entries_),
            static_cast<std::size_t>(n_learned_)};
  }
  // Rules of the pair {a, b} (any order) and the pair's basket count; empty when absent.
  std::span<const RuleEntry> pair_rules(std::uint32_t a, std::uint32_t b,
                                        std::uint32_t* pair_count) const;

  // Catalog: absent sections read as "no category, no name, unknown price".
  bool has_catalog() const { return catalog_ != 0; }
  std::uint32_t category_count() const { return n_categories_; }
  std::string_view category_label(std::uint32_t category) const;
  std::uint32_t find_category(std::string_view label) const;  // category_count() when absent
  std::uint32_t item_category(std::uint32_t item) const;      // kNoCategory when none
  std::string_view name(std::uint32_t item) const;
  double price(std::uint32_t item) const;
  // Items of a category, in id order.
  std::span<const std::uint32_t> category_items(std::uint32_t category) const;

  // False for items the catalog marks as not merchandise (section 11): no kind recommends them.
  // Every item is recommendable in a bundle without the section.
  bool recommendable(std::uint32_t item) const {
    return unrecommendable_flags_.empty() || !unrecommendable_flags_[item];
  }
  // Those items, ascending.
  const std::vector<std::uint32_t>& unrecommendable() const { return unrecommendable_; }

  bool has_category_rules() const { return category_rules_ != 0; }
  std::uint32_t category_popularity(std::uint32_t category) const;
  std::span<const RuleEntry> category_rules(std::uint32_t category) const;

  bool has_repurchase() const { return repurchase_ != 0; }
  RepurchaseStats repurchase(std::uint32_t item) const;

  // f(b, pair_count, rules) for every pair {a, b} with b > a that has rules.
  template <class F>
  void for_each_pair(std::uint32_t a, F&& f) const {
    const auto first = u32(pair_index_ + 4ull * a), last = u32(pair_index_ + 4ull * a + 4);
    for (auto p = first; p < last; ++p) {
      const auto r0 = u32(pair_offsets_ + 4ull * p), r1 = u32(pair_offsets_ + 4ull * p + 4);
      f(u32(pair_b_ + 4ull * p), u32(pair_counts_ + 4ull * p),
        std::span<const RuleEntry>(
            reinterpret_cast<const RuleEntry*>(bytes_.data() + pair_entries_) + r0, r1 - r0));
    }
  }

  const std::vector<std::pair<std::string, std::string>>& meta() const { return meta_; }
  std::string meta_value(std::string_view key) const;

  // Sharded bundles. A whole bundle is not a part: every item is complete and every popular and
  // category order is all here.
  bool is_part() const { return part_.total_items != 0; }
  // Whether a category's rules and heads are here (always on a whole bundle).
  bool category_complete(std::uint32_t category) const {
    return !is_part() || part_.categories[category].complete;
  }
  const PartInfo& part() const { return part_; }
  bool complete(std::uint32_t item) const {
    return !is_part() || (part_.flags[item] & PartInfo::kComplete);
  }
  // Whether the popular order from `item` on may lack items of the whole bundle.
  bool beyond_popular_head(std::uint32_t item) const {
    return is_part() && part_.global_ids[item] >= part_.popular_head &&
           part_.popular_head < part_.total_items;
  }

 private:
  Bundle() = default;
  // Hot-path reads (popularity, rule offsets): inline, and memcpy so alignment never matters.
  std::uint32_t u32(std::uint64_t at) const {
    std::uint32_t v;
    std::memcpy(&v, bytes_.data() + at, 4);
    return v;
  }
  double f64(std::uint64_t at) const {
    double v;
    std::memcpy(&v, bytes_.data() + at, 8);
    return v;
  }
  bool validate(std::string& error, BundleFault& fault);

  std::vector<std::uint8_t> bytes_;
  std::uint32_t version_ = 0;
  std::uint64_t checksum_ = 0;
  std::vector<SectionInfo> sections_;
  std::uint64_t transactions_ = 0;
  std::uint32_t n_items_ = 0;
  std::uint64_t label_offsets_ = 0, label_bytes_ = 0, popularity_ = 0;
  std::uint64_t single_offsets_ = 0, single_entries_ = 0, n_single_ = 0;
  std::uint64_t neighbour_offsets_ = 0, neighbour_entries_ = 0, n_neighbours_ = 0;
  std::uint64_t similar_offsets_ = 0, similar_entries_ = 0, n_similar_ = 0;
  std::uint64_t learned_offsets_ = 0, learned_entries_ = 0, n_learned_ = 0;
  // Section 14 widened to section 13's entries (n_items + 1 starts when present), so the scorer
  // reads one layout and its hot path stays as it was.
  std::vector<RuleEntry> learned_decoded_;
  std::vector<std::uint32_t> learned_starts_;
  bool read_compact_learned(std::string& error);
  std::uint64_t pair_index_ = 0, pair_b_ = 0, pair_counts_ = 0, pair_offsets_ = 0,
                pair_entries_ = 0, n_pairs_ = 0, n_pair_rules_ = 0;
  std::vector<std::uint32_t> popular_order_;
  bool validate_optional(std::string& error);
  std::uint32_t n_categories_ = 0;
  std::uint64_t catalog_ = 0, category_offsets_ = 0, category_bytes_ = 0, item_category_ = 0,
                name_offsets_ = 0, name_bytes_ = 0, prices_ = 0;
  std::vector<std::uint32_t> category_item_offsets_, category_items_, by_category_label_;
  std::uint64_t category_rules_ = 0, category_pop_ = 0, category_rule_offsets_ = 0,
                category_rule_entries_ = 0;
  std::uint64_t repurchase_ = 0;
  std::vector<std::uint32_t> unrecommendable_;
  std::vector<std::uint8_t> unrecommendable_flags_;  // per item when the section is present
  std::vector<std::pair<std::string, std::string>> meta_;
  PartInfo part_;
  bool validate_parts(std::string& error);
  static std::unique_ptr<Bundle> load_with(std::vector<std::uint8_t> bytes, std::string& error,
                                           BundleFault* fault, bool (Bundle::*parts)(std::string&));
  // Sorted (label, id) for lookups by label.
  std::vector<std::uint32_t> by_label_;
};

}  // namespace basketlift
