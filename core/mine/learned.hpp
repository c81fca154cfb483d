// Learned item-item weights: EASE (Steck 2019) fitted on the training baskets, one
// implementation for the bundle's learned section (`basketlift mine`) and the `eval` baseline.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "bundle/bundle.hpp"
#include "model/pair_counts.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): with X the binary
// basket × item matrix of the training baskets, G = XᵀX + λI, P = G⁻¹ and
// B = I − P·diag(1/diag P) (so diag B = 0); a cart scores item j with Σ_{i in cart} B[i][j].
// The exact solution needs n² floats for n items, and an n³ factorisation per λ, so only the
// `max_items` most popular items (the first ids of a canonical db) are modelled.
class Ease {
 public:
  Ease(const TransactionDb& db, std::uint32_t max_items);
  // The same from counts (import-spark): XᵀX's block of the modelled items, read from the
  // support (the diagonal) and the pairs.
  Ease(const ItemPairCounts& counts, std::uint32_t max_items);

  std::uint32_t items() const { return n_; }  // ids [0, items()) are modelled
  // Solves for B at this λ (> 0), replacing the previous solution; the inverse's columns are
  // solved on up to `threads` threads.
  void fit(double lambda, unsigned threads = 1);
  // B[from][to] of the last fit; both ids below items().
  float weight(ItemId from, ItemId to) const;
  // Σ B[i][j] over the cart's modelled items into scores[j] (j < items(); overwritten). False
  // when no cart item is modelled: no answer.
  bool score(std::span<const std::uint32_t> cart, std::vector<float>& scores) const;

 private:
  std::uint32_t n_;
  std::vector<float> gram_;  // XᵀX, column-major n × n (symmetric)
  std::vector<float> b_;     // Bᵀ column-major: column i is row i of B, what a cart item adds
};

// The bundle's learned section by default: the K largest-magnitude weights of each modelled
// item's row of B (negative ones kept), λ, and how many of the most popular items are modelled.
// Above kLearnedMaxItems items a dense inverse costs n² memory and n³ time, so the tail gets no
// learned weights (its rules and neighbours still answer). λ on Online Retail's validation
// split; K = 5 because 10 and 20 scored the same there within noise (0.1857, 0.1870 against
// 0.1860) while 20 doubled the scoring time of a 5-item cart (docs/EVALUATION.md, "Learned
// weights").
inline constexpr std::uint32_t kDefaultLearnedPerItem = 5;
inline constexpr double kDefaultLearnedLambda = 50;
inline constexpr std::uint32_t kLearnedMaxItems = 5000;

// (item, {target, weight * kLearnedScale as int32 bits}) for each modelled item's `per_item`
// largest |B[item][target]| (ties: the lower target), rounded to the int16 grid; weights that
// round to 0 are dropped. Empty when per_item is 0.
std::vector<std::pair<std::uint32_t, RuleEntry>> learned_weights(const Ease& ease,
                                                                 std::uint32_t per_item);

}  // namespace basketlift
