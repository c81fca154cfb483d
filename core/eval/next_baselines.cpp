#include "eval/next_baselines.hpp"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <stdexcept>

namespace basketlift {

namespace {

// The n best of `scores` (item, score): highest score first, ties by the smaller id.
std::vector<std::uint32_t> best(std::vector<std::pair<std::uint32_t, double>> scores,
                                std::uint32_t n) {
  const auto take = std::min<std::size_t>(n, scores.size());
  std::partial_sort(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(take),
                    scores.end(), [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < take; ++i) out.push_back(scores[i].first);
  return out;
}

}  // namespace

std::vector<std::uint32_t> p_top_freq(BasketHistory baskets, std::uint32_t n) {
  // item -> (baskets holding it, index of the last one)
  boost::unordered_flat_map<std::uint32_t, std::pair<std::uint32_t, std::size_t>> freq;
  for (std::size_t b = 0; b < baskets.size(); ++b)
    for (auto i : baskets[b]) {
      auto& f = freq[i];
      ++f.first;
      f.second = b;
    }
  std::vector<std::pair<std::uint32_t, std::pair<std::uint32_t, std::size_t>>> ranked(freq.begin(),
                                                                                      freq.end());
  const auto take = std::min<std::size_t>(n, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(take),
                    ranked.end(), [](const auto& a, const auto& b) {
                      if (a.second.first != b.second.first) return a.second.first > b.second.first;
                      if (a.second.second != b.second.second)
                        return a.second.second > b.second.second;
                      return a.first < b.first;
                    });
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < take; ++i) out.push_back(ranked[i].first);
  return out;
}

ItemVector tifu_vector(BasketHistory baskets, std::uint32_t group_size, double within_decay,
                       double group_decay) {
  if (group_size == 0) throw std::invalid_argument("tifu: the group size must be positive");
  const std::size_t t = baskets.size();
  if (t == 0) return {};
  const std::size_t groups = (t + group_size - 1) / group_size;
  const std::size_t first = t - (groups - 1) * group_size;  // baskets in the oldest group
  boost::unordered_flat_map<std::uint32_t, double> sum;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t begin = g == 0 ? 0 : first + (g - 1) * group_size;
    const std::size_t end = g == 0 ? first : begin + group_size;
    const double size = static_cast<double>(end - begin);
    const double group_weight =
        std::pow(group_decay, static_cast<double>(groups - 1 - g)) / static_cast<double>(groups);
    for (std::size_t b = begin; b < end; ++b) {
      const double w =
          group_weight * std::pow(within_decay, static_cast<double>(end - 1 - b)) / size;
      for (auto i : baskets[b]) sum[i] += w;
    }
  }
  ItemVector out(sum.begin(), sum.end());
  std::sort(out.begin(), out.end());
  return out;
}

TifuKnn::TifuKnn(std::vector<ItemVector> pool) : pool_(std::move(pool)) {
  std::uint32_t items = 0;
  for (const auto& v : pool_) {
    double n2 = 0;
    for (const auto& [i, w] : v) {
      n2 += w * w;
      items = std::max(items, i + 1);
    }
    norm2_.push_back(n2);
  }
  offsets_.assign(items + 1, 0);
  for (const auto& v : pool_)
    for (const auto& [i, w] : v) ++offsets_[i + 1];
  for (std::size_t i = 1; i < offsets_.size(); ++i) offsets_[i] += offsets_[i - 1];
  postings_.resize(offsets_.back());
  auto fill = offsets_;
  for (std::uint32_t u = 0; u < pool_.size(); ++u)
    for (const auto& [i, w] : pool_[u]) postings_[fill[i]++] = {u, w};
}

std::vector<std::uint32_t> TifuKnn::neighbours(std::uint32_t self, std::uint32_t k) const {
  // |a − b|² = |a|² + |b|² − 2 a·b, with the dot products through the item index.
  std::vector<double> dot(pool_.size(), 0.0);
  for (const auto& [i, w] : pool_[self])
    for (auto p = offsets_[i]; p < offsets_[i + 1]; ++p)
      dot[postings_[p].first] += w * postings_[p].second;
  std::vector<std::pair<double, std::uint32_t>> dist;
  for (std::uint32_t u = 0; u < pool_.size(); ++u)
    if (u != self && !pool_[u].empty()) dist.push_back({norm2_[self] + norm2_[u] - 2 * dot[u], u});
  const auto take = std::min<std::size_t>(k, dist.size());
  std::partial_sort(dist.begin(), dist.begin() + static_cast<std::ptrdiff_t>(take), dist.end());
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < take; ++i) out.push_back(dist[i].second);
  return out;
}

std::vector<std::uint32_t> TifuKnn::recommend(std::uint32_t self,
                                              std::span<const std::uint32_t> nearest,
                                              std::uint32_t k, double alpha,
                                              std::uint32_t n) const {
  const auto used = nearest.first(std::min<std::size_t>(k, nearest.size()));
  boost::unordered_flat_map<std::uint32_t, double> score;
  for (const auto& [i, w] : pool_[self]) score[i] += alpha * w;
  if (!used.empty()) {
    const double share = (1 - alpha) / static_cast<double>(used.size());
    for (auto u : used)
      for (const auto& [i, w] : pool_[u]) score[i] += share * w;
  }
  std::vector<std::pair<std::uint32_t, double>> scores;
  for (const auto& [i, s] : score)
    if (s > 0) scores.push_back({i, s});
  return best(std::move(scores), n);
}

}  // namespace basketlift
