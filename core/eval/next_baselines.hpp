// The next-purchase evaluation's baselines from Hu et al. (SIGIR 2020, "Modeling Personalized
// Item Frequency Information for Next-basket Recommendation"): P-TopFreq and TIFU-KNN. They are
// written apart from the scorer (score/next_purchase.cpp) so that neither can borrow the other's
// mistakes; TIFU-KNN also reads other shoppers' histories, which a device never has.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace basketlift {

// A shopper's history: their baskets oldest first, each a sorted list of distinct item ids.
using BasketHistory = std::span<const std::vector<std::uint32_t>>;

// P-TopFreq: the shopper's n items bought in the most baskets (ties: the one bought more
// recently, then the smaller id).
std::vector<std::uint32_t> p_top_freq(BasketHistory baskets, std::uint32_t n);

// TIFU-KNN's settings (the paper's m, r_b, r_g, k and α). The defaults are the best of the
// grids below on Online Retail's validation split (`eval --tune-next`; ties: the first in grid
// order): one basket per group and no group decay, so r_b has no effect and the shopper's vector
// is the mean of their baskets.
struct TifuParams {
  std::uint32_t group_size = 1;  // m: baskets per group
  double within_decay = 0.9;     // r_b: a basket's weight per later basket of its group
  double group_decay = 1.0;      // r_g: a group's weight per later group
  std::uint32_t k = 300;         // nearest shoppers
  double alpha = 0.7;            // the shopper's own vector's share of the prediction
};

// The grids `eval --tune-next` evaluates TIFU-KNN on (the paper's own choices lie inside them).
inline constexpr std::uint32_t kTifuGroupSizeGrid[] = {1, 2, 4, 7};
inline constexpr double kTifuWithinDecayGrid[] = {0.9, 1.0};
inline constexpr double kTifuGroupDecayGrid[] = {0.5, 0.7, 0.9, 1.0};
inline constexpr std::uint32_t kTifuKGrid[] = {50, 300};
inline constexpr double kTifuAlphaGrid[] = {0.3, 0.5, 0.7, 0.9, 1.0};

// A sparse item vector, sorted by item.
using ItemVector = std::vector<std::pair<std::uint32_t, double>>;

// The shopper's time-decayed, group-decayed item-frequency vector: the T baskets are cut into
// ⌈T/m⌉ groups of m consecutive baskets counted from the newest (the oldest group holds the
// rest); a group of g baskets b_1 … b_g (oldest first) is (1/g) Σ_j r_b^(g−j) b_j, and the
// shopper's vector over groups G_1 … G_K (oldest first) is (1/K) Σ_i r_g^(K−i) G_i.
ItemVector tifu_vector(BasketHistory baskets, std::uint32_t group_size, double within_decay,
                       double group_decay);

// The k nearest shoppers of a pool by Euclidean distance between their vectors, and the
// prediction α·own + (1 − α)·(mean of the neighbours' vectors).
class TifuKnn {
 public:
  explicit TifuKnn(std::vector<ItemVector> pool);
  std::size_t size() const { return pool_.size(); }
  // The k pool members nearest to member `self` (itself and members with an empty vector
  // excluded), nearest first (ties: the smaller index).
  std::vector<std::uint32_t> neighbours(std::uint32_t self, std::uint32_t k) const;
  // The n best items (score > 0; ties: the smaller id) for member `self` given its nearest
  // members (the first k of `nearest` are used).
  std::vector<std::uint32_t> recommend(std::uint32_t self, std::span<const std::uint32_t> nearest,
                                       std::uint32_t k, double alpha, std::uint32_t n) const;

 private:
  std::vector<ItemVector> pool_;
  std::vector<double> norm2_;  // squared length of each member's vector
  // item -> (member, weight) in postings_[offsets_[item] ...)
  std::vector<std::size_t> offsets_;
  std::vector<std::pair<std::uint32_t, double>> postings_;
};

}  // namespace basketlift
