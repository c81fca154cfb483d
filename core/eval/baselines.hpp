// Two baselines from the recommender literature for `eval`: EASE (item-item regression) and
// session-kNN (similar baskets). Both read the training baskets only.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

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

// Session-kNN (Jannach & Ludewig 2017, "When Recurrent Neural Networks meet the Neighborhood for
// Session-Based Recommendation"), for baskets: a cart's neighbours are the training baskets most
// similar to it (cosine of binary item sets: |C ∩ S| / √(|C| · |S|), C the cart's items seen in
// training), found through an item → baskets index; an item scores the summed similarity of
// the k nearest baskets that hold it. Every basket sharing an item is compared (no sampling).
class SessionKnn {
 public:
  explicit SessionKnn(const TransactionDb& db);
  struct Neighbour {
    std::uint32_t basket;
    double sim;
  };
  // The cart's `max_k` nearest training baskets, most similar first (ties: the later basket,
  // as the method prefers recent sessions). Cart ids at or above the db's item count are ignored.
  void neighbours(std::span<const std::uint32_t> cart, std::uint32_t max_k,
                  std::vector<Neighbour>& out);
  // The items of the first k of `nearest` with each neighbour's similarity, in order.
  template <class Add>
  void score(std::span<const Neighbour> nearest, std::uint32_t k, Add&& add) const {
    for (const auto& nb : nearest.first(std::min<std::size_t>(k, nearest.size())))
      for (auto i : db_.basket(nb.basket)) add(i, nb.sim);
  }

 private:
  const TransactionDb& db_;
  std::vector<std::uint64_t> offsets_;  // item -> its baskets in postings_[offsets_[i] ...)
  std::vector<std::uint32_t> postings_;
  std::vector<std::uint32_t> overlap_;  // per basket, zero between calls
  std::vector<std::uint32_t> touched_;
};

}  // namespace basketlift
