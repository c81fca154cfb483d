// Offline evaluation: hide one item of each held-out basket, recommend from the rest, and see
// whether the hidden item comes back. Compares basketlift's scorer with three baselines.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "eval/next_baselines.hpp"
#include "ingest/catalog.hpp"
#include "ingest/order_log.hpp"
#include "mine/mine.hpp"
#include "score/next_purchase.hpp"
#include "score/recommend.hpp"

namespace basketlift {

enum class SplitKind { Random, Temporal };

// The item-kNN baseline's k by default: the best of 1-5, 10, 20, 50 and 100 on Online Retail's
// validation split (temporal, with the catalog); see docs/EVALUATION.md.
inline constexpr std::uint32_t kDefaultKnnK = 3;

// The EASE baseline's λ when not chosen on the validation split, and the grid `auto` chooses
// from (docs/EVALUATION.md, "EASE and session-kNN").
inline constexpr double kDefaultEaseLambda = 250;
inline constexpr double kEaseLambdaGrid[] = {5, 10, 25, 50, 100, 250, 500, 1000};
// EASE models at most this many of the most popular training items: G, B and the inverse take
// n² floats each and every λ an n³ solve, so 5,000 items take 3 × 100 MB while fitting and
// about 12 s per λ on one core (7 s on two: --threads); the other items get no EASE score.
inline constexpr std::uint32_t kEaseMaxItems = 5000;
// The session-kNN baseline's k (neighbour baskets) when not chosen, and the grid `auto` uses.
inline constexpr std::uint32_t kDefaultSessionK = 100;
inline constexpr std::uint32_t kSessionKGrid[] = {10, 20, 50, 100, 200, 500, 1000};

struct EvalOptions {
  MineOptions mine;  // how the training split is mined
  SplitKind split = SplitKind::Random;
  std::int32_t train_before = 0;    // temporal: train on baskets dated before this day
  std::uint32_t test_percent = 20;  // random: share of baskets held out
  std::uint64_t seed = 42;          // which baskets are held out, which item is hidden
  const Catalog* catalog = nullptr;
  bool use_history = true;  // give basketlift the customer's earlier purchases
  // basketlift's RecommendRequest::max_per_family (0: no limit): what a family limit costs in
  // hit rate and gains in families shown.
  std::uint32_t max_per_family = 0;
  // The item-kNN baseline's k: each item's k most similar items (cosine of co-occurrence counts),
  // summed over the cart. Chosen on the validation split (docs/EVALUATION.md).
  std::uint32_t knn_k = kDefaultKnnK;
  // More item-kNN baselines, one per k here, reported as "item-knn@K" (for choosing k).
  std::vector<std::uint32_t> knn_k_grid;
  // The EASE baseline: its λ, the items it models (the most popular; 0: no EASE rows), and
  // more EASE rows, one per λ here, reported as "ease@λ".
  double ease_lambda = kDefaultEaseLambda;
  std::uint32_t ease_max_items = kEaseMaxItems;
  std::vector<double> ease_lambda_grid;
  // The session-kNN baseline's k, and more rows, one per k here, as "session-knn@K".
  std::uint32_t session_k = kDefaultSessionK;
  std::vector<std::uint32_t> session_k_grid;
};

struct MethodMetrics {
  double hr5 = 0, hr10 = 0, mrr10 = 0;
  double coverage = 0;  // distinct items recommended (top 10) / items in the training data
  // Carts with at least one recommendation that is not the popular fill (for basketlift:
  // kind cross-sell or category).
  double served = 0;
  // Distinct families (catalog categories; an item without one is a family of its own) among the
  // first 4 recommendations, averaged over carts: how varied a 4-slot widget looks.
  double families4 = 0;
  // basketlift's HR@10 divided by this method's, and its 95 % bootstrap interval (1,000
  // resamples of the test carts, percentiles); NaN for basketlift itself and where this
  // method's HR@10 is 0.
  double ratio = std::numeric_limits<double>::quiet_NaN();
  double ratio_lo = std::numeric_limits<double>::quiet_NaN();
  double ratio_hi = std::numeric_limits<double>::quiet_NaN();
};

struct EvalResult {
  std::string name;
  MethodMetrics metrics;
};

// Why the first scorer configuration served a cart nothing but the popular fill (neither item
// rules nor the cart's categories answered). Every unserved cart is counted under the first
// reason that holds, in this order.
struct UnservedBreakdown {
  std::uint64_t unknown_items = 0;  // no cart item occurs in the training baskets
  std::uint64_t below_support = 0;  // some do, but none reaches the mining's min count
  std::uint64_t no_rules = 0;       // some are frequent, but no rule in the bundle starts there
  std::uint64_t all_excluded = 0;   // rules fire, but every consequent is in the cart or history
  std::uint64_t total() const { return unknown_items + below_support + no_rules + all_excluded; }
};

struct EvalReport {
  std::uint64_t train_baskets = 0, test_carts = 0, bundle_rules = 0, bundle_bytes = 0;
  std::uint64_t bundle_gzip_bytes = 0;  // what a visitor downloads when the server gzips it (-9)
  std::uint32_t knn_k = 0;              // the item-kNN baseline's k
  double ease_lambda = 0;               // the EASE baseline's λ
  std::uint32_t ease_items = 0;         // the items EASE models (0: no EASE rows)
  std::uint32_t sold_items = 0;         // the items of the training baskets
  std::uint32_t session_k = 0;          // the session-kNN baseline's k
  std::uint32_t min_count = 0;          // the mining's absolute support threshold, in baskets
  std::uint64_t unknown_targets = 0;    // carts whose hidden item never occurs in training
  // Test baskets that hold only items the catalog marks as not recommendable (no cart: such an
  // item is never the hidden one, since no kind may recommend it).
  std::uint64_t no_recommendable_target = 0;
  // Carts the first configuration served with no item rule: by a new product's similar names or
  // by the cart's categories.
  std::uint64_t served_without_rules = 0;
  UnservedBreakdown unserved;
  std::vector<EvalResult> methods;
};

// The evaluation of every scorer configuration in `configs` (reported as "basketlift" for the
// first, "basketlift[i]" for the others) plus the baselines: "seed" (single-item rules, sum of
// lifts, no fallback), "popularity", "cooccurrence" (item-item cosine kNN over the training
// baskets, no fallback), "item-knn" (the same, each item's knn_k best), "ease" and
// "session-knn" (eval/baselines.hpp; no fallback), then the grids' rows. Carts come with the
// customer's earlier purchases as history when the data has users and dates; no method may
// recommend them (basketlift also uses them to personalise).
EvalReport evaluate(const Ingested& data, const EvalOptions& options,
                    const std::vector<ScoringParams>& configs);

struct NextPurchaseReport {
  std::uint64_t cases = 0;        // (customer, as-of day) pairs evaluated
  double basketlift_p5 = 0;       // config_p5[0]
  double p_top_freq_p5 = 0;       // P-TopFreq: the customer's 5 items bought in the most orders
  double tifu_knn_p5 = 0;         // tifu_p5[0]
  std::vector<double> config_p5;  // per entry of `configs`
  std::vector<double> tifu_p5;    // per entry of `tifu`
};

// Repeat purchases, temporal split only: for customers with at least two earlier orders, at
// as-of days train_before + 0, 14, 28, ... (while the 14 days fit in the data), precision@5 of
// next_purchases() (asked about the middle of those 14 days, window ±7) against what they bought
// in the following 14 days, next to the baselines P-TopFreq and TIFU-KNN
// (eval/next_baselines.hpp; TIFU-KNN's neighbours are the customers with an order before the
// as-of day). Cases where the customer bought nothing in those 14 days are skipped. The bundle
// is mined on the baskets before train_before. Each entry of `configs` and of `tifu` is
// evaluated on the same cases (the defaults when empty).
NextPurchaseReport evaluate_next_purchase(const Ingested& data, const EvalOptions& options,
                                          std::vector<NextPurchaseParams> configs = {},
                                          std::vector<TifuParams> tifu = {});

// The split a tuning run validates on: the training part of `options`, split again the same
// way (temporal: its last `validation_days`; random: test_percent of it).
Ingested training_part(const Ingested& data, const EvalOptions& options);
EvalOptions validation_options(const Ingested& train, const EvalOptions& options,
                               std::int32_t validation_days);

// The validation split's length on a temporal split (`eval --tune`, `--validation`, `auto`).
inline constexpr std::int32_t kValidationDays = 60;

// evaluate() on the validation split of `options` (the training part, split again: temporal,
// its last kValidationDays days) instead of its test split.
EvalReport evaluate_validation(const Ingested& data, const EvalOptions& options,
                               const std::vector<ScoringParams>& configs);

// The scoring settings `eval --tune` compares on the validation split, and the min supports it
// mines them at (docs/EVALUATION.md, "How the scoring defaults were chosen").
std::vector<ScoringParams> scoring_tuning_grid();

// A grid row's name: "item-knn@3", "ease@250".
std::string grid_row_name(const std::string& method, double setting);
inline constexpr const char* kTuningMinSupports[] = {"0.0015", "0.003"};

// `eval`'s mining thresholds unless told otherwise. With the learned section, Online Retail's
// byte-budget frontier (scripts/bundle-frontier.mjs, validation split) scores as well with these
// as with the 0.0015 / 0.01 used before, in a ninth of the bytes (docs/EVALUATION.md, "Bytes
// against quality").
inline constexpr Fraction kEvalMinSupport{5, 1000};
inline constexpr Fraction kEvalMinConfidence{3, 10};

// The k `--knn-k auto` tries on the validation split.
inline constexpr std::uint32_t kKnnKGrid[] = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500};

// Baseline settings to choose on the validation split; an empty grid keeps the option's value.
struct BaselineGrids {
  std::vector<std::uint32_t> knn_k;
  std::vector<double> ease_lambda;
  std::vector<std::uint32_t> session_k;
};

// What choose_on_validation chose: `options` with each chosen setting in place, and the
// validation HR@10 it was chosen for (empty where its grid was).
struct ValidationChoice {
  EvalOptions options;
  std::optional<double> knn_hr10, ease_hr10, session_hr10;
};

// Evaluates every candidate of `grids` on the validation split of `options` (one run; as
// evaluate_validation with the grids as EvalOptions' *_grid) and chooses, per grid, the one with
// the best HR@10 (ties: the earlier candidate, so grids go from cheap to costly).
ValidationChoice choose_on_validation(const Ingested& data, const EvalOptions& options,
                                      const BaselineGrids& grids, const ScoringParams& scoring);

}  // namespace basketlift
