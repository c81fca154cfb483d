// Scoring a cart against a bundle: the one implementation behind the CLI, wasm and JS API.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bundle.hpp"
#include "filters.hpp"

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
};

enum class RecommendationKind : std::uint8_t { CrossSell = 0, Popular = 1 };

struct Recommendation {
  std::uint32_t item;
  double score;
  double confidence;  // of the strongest firing rule; for 'popular', the item's support
  double lift;        // of that rule; 1 for 'popular'
  RecommendationKind kind;
  std::uint32_t because_begin, because_end;  // range in Scorer::because(): cart items
};

struct RecommendRequest {
  std::span<const std::uint32_t> cart;
  std::span<const std::uint32_t> history;
  std::span<const std::uint32_t> exclude;
  std::uint32_t n = 10;
  ItemFilter filter;
  ScoringParams params;
};

// Reusable scoring state for one bundle. Not thread-safe; make one per thread. After the first
// calls it allocates nothing, so a million calls keep memory flat.
class Scorer {
 public:
  explicit Scorer(const Bundle& bundle);
  // Ids >= bundle.item_count() are ignored. Results stay valid until the next call.
  std::span<const Recommendation> recommend(const RecommendRequest& request);
  std::span<const std::uint32_t> because(const Recommendation& r) const {
    return {because_.data() + r.because_begin, r.because_end - r.because_begin};
  }

 private:
  // Each rule's evidence depends only on the bundle and the parameters, so it is computed once
  // per parameter set (here, not per call): the hot loop then reads one number per rule.
  void prepare(const ScoringParams& params);
  template <Aggregation kAggregation>
  void fire(std::span<const RuleEntry> rules, const double* evidence,
            std::uint32_t antecedent_count, std::uint32_t cart_a, std::uint32_t cart_b);
  template <Aggregation kAggregation>
  void fire_cart();

  const Bundle& bundle_;
  std::vector<double> single_evidence_, pair_evidence_;  // by position in all_*_rules()
  ScoringParams prepared_;
  bool is_prepared_ = false;

  std::uint32_t stamp_ = 0;
  // Everything the hot loop touches for one item, in one cache line.
  struct Slot {
    std::uint32_t blocked = 0;  // == stamp_: in cart, history or exclude
    std::uint32_t seen = 0;     // == stamp_: a candidate this call
    // The aggregate while rules fire (noisy-or: the product of (1 - evidence)), then the final
    // score; the summed evidence breaks ties.
    double score = 0, sum = 0;
    double best =
        0;  // the most evidence one rule gave; that rule's confidence and lift are reported
    const RuleEntry* rule = nullptr;
    std::uint32_t antecedent_count = 0;
    std::uint32_t head = 0;  // first contribution
  };
  std::vector<Slot> slots_;
  std::vector<double> affinity_;  // per category, from the history
  std::vector<std::uint32_t> affinity_touched_;
  const ItemFilter* filter_ = nullptr;

  struct Contribution {
    std::uint32_t cart_a, cart_b, next;
  };
  std::vector<Contribution> contributions_;
  std::vector<std::uint32_t> candidates_, cart_;
  struct Ranked {
    double score, sum;
    std::uint32_t popularity, item;
  };
  std::vector<Ranked> ranked_;
  std::vector<Recommendation> results_;
  std::vector<std::uint32_t> because_;
};

}  // namespace basketlift
