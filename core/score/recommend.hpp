// Scoring a cart against a bundle: the one implementation behind the CLI, wasm and JS API.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "bundle/bundle.hpp"
#include "score/filters.hpp"
#include "score/rule_list.hpp"

namespace basketlift {

// How firing rules turn into a candidate's score. The defaults were chosen on a validation
// split of Online Retail (docs/EVALUATION.md), never on the test split.
enum class Aggregation : std::uint8_t { NoisyOr, Max, Sum };
// ConfidenceLift: confidence * sqrt(lift), between the two.
enum class Evidence : std::uint8_t { Confidence, Lift, ConfidenceLift };
struct ScoringParams {
  // NoisyOr: 1 - prod(1 - confidence), several independent reasons add up but the score stays a
  // probability (always uses confidence). Max / Sum: of the rules' evidence.
  Aggregation aggregation = Aggregation::Max;
  Evidence evidence = Evidence::ConfidenceLift;
  double pair_weight = 0.5;  // scales a pair rule's evidence
  double smoothing = 100.0;  // pseudo-baskets added to a rule's antecedent count (Max / Sum)
  // History personalises: a candidate's score is multiplied by
  // (1 + affinity_weight * share of the history's items in the candidate's category).
  double affinity_weight = 1.0;
  // Added to a candidate's aggregate for each cart item that lists it among its neighbours
  // (bundle section 9): weight * cosine. Reaches items too rare for rules; 0 turns it off.
  double neighbour_weight = 2.0;
  // Added for each cart item no basket holds (a new product) whose similar names (bundle
  // section 10) list the candidate: weight * name cosine. 0 turns it off.
  double similar_weight = 1.0;
  // Added for each cart item whose learned weights (bundle section 13 or 14: EASE, pruned) list the
  // candidate: weight * the learned weight, negative ones included. 0 turns it off. 8 (with
  // λ 50, mine/learned.hpp): the best on Online Retail's validation split.
  double learned_weight = 8.0;
};

// CrossSell: item rules (or neighbours) fired. Similar: only a new product's similar names
// reached the item. Category: too few of those, and the cart's categories answered (the category
// rules of the bundle). Popular: the fill when none reaches n.
enum class RecommendationKind : std::uint8_t {
  CrossSell = 0,
  Popular = 1,
  Category = 2,
  Similar = 3
};
// "cross-sell", "popular", "category", "similar": the name the CLI and the JS API report.
const char* kind_name(RecommendationKind kind);

struct Recommendation {
  std::uint32_t item;
  RecommendationKind kind;
  double score;
  // Of the strongest firing rule; for 'similar', the best name cosine; for 'category', the
  // estimate P(B | cart category) · P(item | B) of its best category B; for 'popular', the
  // item's support.
  double confidence;
  double lift;  // confidence / the item's support; 1 for 'similar' and 'popular'
  // Which cart items reached it (Scorer::because() reads either form). A request cart of up to
  // 64 entries: bit i stands for request.cart[i], so a caller can name them from its own cart
  // without a list per result. Longer carts: their ids, Scorer::because_ids()[begin, end).
  std::uint64_t reasons;
  std::uint32_t because_begin, because_end;
  // The one cart item a shopper is told about ("Often bought with …"): the antecedent of the
  // strongest single piece of evidence that reached the item (a rule, a pair rule's first cart
  // item, a neighbour or a similar name); for 'category', the cart item whose category weighs
  // most. kNoItem for 'popular'.
  std::uint32_t reason;
};

// How many items of one family (catalog category; on a derived catalog, the name stem such as
// "LUNCH BAG") the storefront widget shows at most: chosen on Online Retail, docs/EVALUATION.md.
inline constexpr std::uint32_t kWidgetMaxPerFamily = 1;

struct RecommendRequest {
  std::span<const std::uint32_t> cart;
  std::span<const std::uint32_t> history;
  std::span<const std::uint32_t> exclude;
  std::uint32_t n = 10;
  ItemFilter filter;
  ScoringParams params;
  // At most this many results per family (same catalog category), the next-best items of other
  // families taking the places; items without a category are families of their own. 0: no limit.
  std::uint32_t max_per_family = 0;
};

// Reusable scoring state for one bundle. Not thread-safe; make one per thread. After the first
// calls it allocates nothing, so a million calls keep memory flat.
class Scorer {
 public:
  explicit Scorer(const Bundle& bundle);
  // About the most memory a Scorer for `bundle` allocates (bytes), before any is: per item,
  // per rule and per pair. A wasm module, whose memory tops out at 2 GiB, refuses a bundle whose
  // scorer would not fit instead of aborting on the allocation.
  static std::uint64_t memory_needed(const Bundle& bundle);
  // "" if a Scorer for `bundle` fits in `room` bytes, else why not (the message a caller shows).
  static std::string too_large(const Bundle& bundle, std::uint64_t room);
  // What this Scorer holds now (bytes of its buffers' capacities).
  std::size_t memory_used() const;
  // About the most memory recommend(request) may add to what the Scorer holds (bytes): the
  // buffers that grow with the request rather than the bundle, i.e. with the cart (carts of more
  // than 64 items keep a bit row per candidate and an id list per result) and n. A caller with
  // bounded memory (wasm) refuses a request over its budget instead of aborting mid-call.
  std::uint64_t call_memory(const RecommendRequest& request) const {
    // Inline for the usual short cart, which only fills its own three lists.
    return request.cart.size() <= std::size(request_cart_)
               ? 2 * 3 * sizeof(std::uint32_t) * std::uint64_t{request.cart.size()}
               : long_call_memory(request);
  }
  // Bytes held beyond what carts of up to 64 items need, left by a larger request; valid results
  // stay readable until release_call_memory() frees them.
  std::size_t extra_call_memory() const;
  void release_call_memory();
  // Ids >= bundle.item_count() are ignored. Results stay valid until the next call.
  std::span<const Recommendation> recommend(const RecommendRequest& request);
  // On a part of a sharded bundle (bundle.is_part()): what the last recommend() needed that the
  // part lacks, as Incomplete bits (0: the answer is the whole bundle's). Each bit names what
  // to fetch: the cart items' shards, the category parts, or the next popular page; a reader
  // that fetches pages only for kMorePopular never fetches pages a category answer cannot use.
  enum Incomplete : std::uint32_t { kMissingLists = 1, kMoreCategory = 2, kMorePopular = 4 };
  std::uint32_t incomplete() const { return incomplete_; }
  // The cart items (ids) that reached r, in cart order.
  std::vector<std::uint32_t> because(const Recommendation& r) const;
  // What because_begin / because_end index.
  std::span<const std::uint32_t> because_ids() const { return because_; }

 private:
  std::uint64_t long_call_memory(const RecommendRequest& request) const;
  // A rule with its evidence, in one place: the hot loop reads this and not the bundle.
  struct ScoredRule {
    std::uint32_t consequent, count;
    double evidence;
  };
  // Each rule's evidence depends only on the bundle and the parameters, so it is computed once
  // per parameter set (here, not per call): the hot loop then reads one number per rule.
  void prepare(const ScoringParams& params);
  // Fires rules_[first, first + count), whose antecedent is cart positions a and b (a == b: one
  // item).
  void fire(std::size_t first, std::size_t count, std::uint32_t cart_a, std::uint32_t cart_b);
  void fire_cart();
  void fire_lists(std::uint32_t k, std::uint32_t touched);
  void fire_long_cart();
  void add_neighbours();
  void group_categories();
  void add_category_results(std::uint32_t n, std::uint32_t& because_end);
  // Recommendation::reason of an item reached by rules, neighbours or similar names.
  std::uint32_t strongest_reason(std::uint32_t item) const;
  // The family limit of this call (max_per_family): whether item's family is full, and counting
  // one more of it. Only called when a limit is set.
  bool family_full(std::uint32_t item) const {
    return category_[item] != kNoCategory && family_count_[category_[item]] >= max_per_family_;
  }
  void count_family(std::uint32_t item) {
    const auto k = category_[item];
    if (k == kNoCategory) return;
    if (family_count_[k]++ == 0) families_.push_back(k);
  }
  struct Slot;
  void reserve_candidates(std::size_t count);
  template <bool kOneWord, class Update>
  void visit(std::size_t first, std::size_t count, std::uint32_t cart_a, std::uint32_t cart_b,
             Update update);
  template <class Update>
  void visit(std::size_t first, std::size_t count, std::uint32_t cart_a, std::uint32_t cart_b,
             Update update);
  // visit() for the usual case, without a branch per rule: carts of up to 64 items (`reasons`:
  // their bits) and evidence >= 0. kSum: the neighbours' and similar names' sum, else the Max.
  template <bool kSum>
  void sweep(std::size_t first, std::size_t count, std::uint64_t reasons);
  std::pair<std::size_t, std::uint64_t> pair_hash(std::uint32_t a, std::uint32_t b) const;

  const Bundle& bundle_;
  // Single-item rules in all_single_rules() order, then pair rules in all_pair_rules() order,
  // then neighbours in all_neighbours() order (their evidence: weight * cosine), then learned
  // weights in all_learned() order (weight * learned weight, count 0: no confidence to report),
  // then similar names in all_similar() order (weight * name cosine).
  std::vector<ScoredRule> rules_;
  std::vector<std::uint32_t> antecedent_counts_;  // per rule: baskets holding its antecedent
  // Per rule: its antecedent item (the listing item for neighbours and similar names); kNoItem
  // for pair rules. Recommendation::reason in one read.
  std::vector<std::uint32_t> antecedents_;
  std::size_t first_neighbour_ = 0;                   // where the neighbours start in rules_
  std::size_t first_learned_ = 0;                     // where the learned weights start
  std::size_t first_similar_ = 0;                     // where the similar names start
  std::vector<std::uint32_t> popularity_, category_;  // per item, copied from the bundle
  ScoringParams prepared_;
  bool is_prepared_ = false;
  bool nonnegative_ = false;  // every prepared evidence >= 0: sweep() compares their bits

  std::uint32_t stamp_ = 0;  // even; + 2 per call
  // The per-call state of one item, 32 bytes: the hot loop touches this and the rule only.
  struct Slot {
    std::uint32_t state = 0;  // stamp_: a candidate this call; stamp_ + 1: in cart, history or
                              // exclude (blocked); anything else: neither
    std::uint32_t rule = 0;   // the strongest firing rule: its confidence and lift are reported
    // The aggregate while rules fire (max: the best evidence; noisy-or: the product of
    // (1 - evidence)), then the final score; the summed evidence breaks ties.
    double score = 0, sum = 0;
    // Which cart positions' rules reached it: the bits themselves for carts of up to 64 items,
    // else its row of because_bits_.
    std::uint64_t reasons = 0;
  };
  std::vector<Slot> slots_;
  // Per item: where its single-item rules and its neighbours are in rules_, decoded once from the
  // bundle's offsets (one read per cart item instead of two tables and two calls).
  struct Lists {
    std::uint32_t single_first, single_end, near_first, near_end, learned_first, learned_end;
  };
  std::vector<Lists> lists_;
  std::uint32_t touched_ = 0;  // fire_cart()'s early reads land here, so they are not dropped
  std::vector<std::uint8_t> in_pair_;  // per item: 1 if some pair with rules holds it
  std::vector<std::uint32_t> paired_;  // cart positions of such items, this call
  struct PairHit {
    std::uint32_t i, j;          // cart positions
    std::uint32_t slot;          // where the pair's table probe starts
    std::uint32_t first, count;  // its rules in rules_ (count 0: a false hit of the filter)
  };
  // Pairs of cart items the Bloom filter let through, this call: at most kPairChunk at a time,
  // so a long cart's pairs (their number grows with its square) are walked in bounded chunks.
  std::vector<PairHit> pair_hits_;
  static constexpr std::size_t kPairChunk = 64 * 63 / 2;  // every pair of a 64-item cart
  // Collects the next chunk of pair hits from paired_, from positions (next_x, next_y) on; returns
  // the early reads' sum (see touched_).
  std::uint32_t collect_pairs(std::uint32_t& next_x, std::uint32_t& next_y);
  std::uint32_t resolve_pairs();  // where each hit's rules are; the same sum
  std::vector<double> affinity_;  // per category, from the history
  std::vector<std::uint32_t> affinity_touched_;
  const ItemFilter* filter_ = nullptr;

  // Carts of more than 64 items: which cart positions' rules reached each candidate, a bit set of
  // words_ 64-bit words per candidate, read back in cart order for the top n.
  std::vector<std::uint64_t> because_bits_;
  std::size_t words_ = 1;
  std::vector<std::uint32_t> candidates_, cart_;
  // Per cart_ entry, its bit in the slots' reasons: its request position when the request cart
  // has at most 64 entries (reasons_out_: results carry Recommendation::reasons, and
  // request_cart_ names the bits), else its place in cart_.
  std::vector<std::uint32_t> reason_at_;
  bool reasons_out_ = false;
  std::uint32_t request_cart_[64] = {};
  std::uint32_t n_candidates_ = 0;  // in use of candidates_
  struct Ranked {
    double score, sum;
    std::uint32_t popularity, item;
  };
  std::vector<Ranked> ranked_;
  static void rank(Ranked* first, std::size_t count);
  std::size_t keep_best(std::uint32_t* candidates, std::size_t m, std::size_t n);
  static constexpr std::uint32_t kBuckets = 256;
  std::vector<std::uint32_t> keys_;  // keep_best(): per candidate, its bucket
  std::vector<std::uint32_t> histogram_ = std::vector<std::uint32_t>(kBuckets, 0);  // kept zero
  std::vector<std::uint64_t> pair_filter_;
  std::uint32_t pair_filter_bits_ = 0;
  // The pairs with rules, by (a, b) with a < b: where their rules are in rules_. Open addressing
  // with linear probing, at most half full: a lookup is one or two reads, where a binary search
  // in the bundle's pair index was a chain of cache misses.
  struct PairSlot {
    std::uint32_t a = kNoItem, b = kNoItem, first = 0, count = 0;  // a == kNoItem: empty
  };
  std::vector<PairSlot> pair_slots_;
  std::uint32_t pair_slot_bits_ = 0;
  std::size_t pair_slot(std::uint32_t a, std::uint32_t b) const;  // a < b: where probing starts
  // Items with popularity > 0 grouped by category, each group by descending popularity (then
  // id): category k's are by_category_[category_first_[k], category_first_[k + 1]).
  std::vector<std::uint32_t> category_first_, by_category_;
  std::vector<double> category_weight_;  // per category, this call: P(category | cart), best
  std::vector<std::uint32_t> weighted_;  // categories with a weight this call
  std::vector<Ranked> category_pool_;
  std::vector<Recommendation> results_;
  std::vector<std::uint32_t> because_;
  std::uint32_t max_per_family_ = 0;
  std::uint32_t incomplete_ = 0;
  // The cart's neighbour and similar-name lists that fired this call (ranges of rules_; `at`: the
  // cart position, `from`: its item), and their highest evidence: a result whose strongest rule
  // is at least that needs no look at them. Per item, the highest evidence of its lists, from
  // prepare().
  struct NearRange {
    std::uint32_t first, end, from, at;
  };
  std::vector<NearRange> near_ranges_;
  double near_max_ = 0;
  std::vector<double> near_max_of_;
  std::vector<std::uint32_t> family_count_;  // per category, this call (when limited)
  std::vector<std::uint32_t> families_;      // categories counted this call
};

}  // namespace basketlift
