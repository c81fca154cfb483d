// A baseline from the recommender literature for `eval`: session-kNN (similar baskets), on the
// training baskets only. (EASE, the other, is mine/learned.hpp: the bundle's learned section.)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/transactions.hpp"

namespace basketlift {

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
