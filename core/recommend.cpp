#include "recommend.hpp"

#include <algorithm>
#include <cmath>

namespace basketlift {

namespace {
constexpr std::uint32_t kNone = UINT32_MAX;
}

Scorer::Scorer(const Bundle& bundle)
    : bundle_(bundle),
      blocked_(bundle.item_count(), 0),
      seen_(bundle.item_count(), 0),
      score_(bundle.item_count()),
      best_conf_(bundle.item_count()),
      best_lift_(bundle.item_count()),
      support_(bundle.item_count()),
      affinity_(bundle.category_count(), 0.0),
      head_(bundle.item_count()) {}

void Scorer::fire(std::span<const RuleEntry> rules, std::uint32_t antecedent_count,
                  std::uint32_t cart_a, std::uint32_t cart_b, const ScoringParams& params) {
  const double weight = cart_a == cart_b ? 1.0 : params.pair_weight;
  const double n = static_cast<double>(bundle_.transactions());
  for (const auto& r : rules) {
    const auto c = r.consequent;
    if (blocked_[c] == stamp_) continue;
    const double confidence = static_cast<double>(r.count) / antecedent_count;
    const double lift = confidence * n / bundle_.popularity(c);
    if (seen_[c] != stamp_) {
      if (filter_ && !filter_->allows(bundle_, c)) {
        blocked_[c] = stamp_;
        continue;
      }
      seen_[c] = stamp_;
      score_[c] = params.aggregation == Aggregation::NoisyOr ? 1.0 : 0.0;
      best_conf_[c] = -1.0;
      support_[c] = 0.0;
      head_[c] = kNone;
      candidates_.push_back(c);
    }
    support_[c] += confidence * weight;
    // Evidence from few baskets is shrunk: confidence as if `smoothing` more baskets had held
    // the antecedent without the consequent.
    const double shrunk = static_cast<double>(r.count) / (antecedent_count + params.smoothing);
    const double shrunk_lift = shrunk * n / bundle_.popularity(c);
    const double evidence =
        weight * (params.evidence == Evidence::Lift         ? shrunk_lift
                  : params.evidence == Evidence::Confidence ? shrunk
                                                            : shrunk * std::sqrt(shrunk_lift));
    switch (params.aggregation) {
      case Aggregation::NoisyOr:
        score_[c] *= 1.0 - std::min(1.0, confidence * weight);
        break;
      case Aggregation::Max:
        score_[c] = std::max(score_[c], evidence);
        break;
      case Aggregation::Sum:
        score_[c] += evidence;
        break;
    }
    if (confidence > best_conf_[c] || (confidence == best_conf_[c] && lift > best_lift_[c])) {
      best_conf_[c] = confidence;
      best_lift_[c] = lift;
    }
    contributions_.push_back({cart_a, cart_b, head_[c]});
    head_[c] = static_cast<std::uint32_t>(contributions_.size() - 1);
  }
}

std::span<const Recommendation> Scorer::recommend(const RecommendRequest& req) {
  const auto n_items = bundle_.item_count();
  if (++stamp_ == 0) {  // wrapped: forget every old mark
    std::fill(blocked_.begin(), blocked_.end(), 0);
    std::fill(seen_.begin(), seen_.end(), 0);
    stamp_ = 1;
  }
  cart_.clear();
  for (auto id : req.cart) {
    if (id < n_items && blocked_[id] != stamp_) {
      blocked_[id] = stamp_;
      cart_.push_back(id);
    }
  }
  for (auto list : {req.history, req.exclude})
    for (auto id : list)
      if (id < n_items) blocked_[id] = stamp_;

  filter_ = req.filter.categories.empty() && !req.filter.price_limited() ? nullptr : &req.filter;
  for (auto k : affinity_touched_) affinity_[k] = 0.0;
  affinity_touched_.clear();
  std::uint32_t categorised = 0;
  for (auto id : req.history) {
    const auto k = id < n_items ? bundle_.item_category(id) : kNoCategory;
    if (k == kNoCategory) continue;
    if (affinity_[k] == 0.0) affinity_touched_.push_back(k);
    affinity_[k] += 1.0;
    ++categorised;
  }
  for (auto k : affinity_touched_)
    affinity_[k] = req.params.affinity_weight * affinity_[k] / categorised;
  candidates_.clear();
  contributions_.clear();
  results_.clear();
  because_.clear();
  const auto k = static_cast<std::uint32_t>(cart_.size());
  for (std::uint32_t i = 0; i < k; ++i)
    fire(bundle_.single_rules(cart_[i]), bundle_.popularity(cart_[i]), i, i, req.params);
  for (std::uint32_t i = 0; i < k; ++i) {
    for (std::uint32_t j = i + 1; j < k; ++j) {
      std::uint32_t pair_count = 0;
      auto rules = bundle_.pair_rules(cart_[i], cart_[j], &pair_count);
      if (!rules.empty()) fire(rules, pair_count, i, j, req.params);
    }
  }

  // The final score: the aggregate, boosted by the history's category affinity.
  const bool noisy_or = req.params.aggregation == Aggregation::NoisyOr;
  for (auto c : candidates_) {
    const auto k = bundle_.item_category(c);
    const double base = noisy_or ? 1.0 - score_[c] : score_[c];
    score_[c] = base * (1.0 + (k == kNoCategory ? 0.0 : affinity_[k]));
  }
  auto better = [&](std::uint32_t x, std::uint32_t y) {
    if (score_[x] != score_[y]) return score_[x] > score_[y];
    if (support_[x] != support_[y]) return support_[x] > support_[y];
    if (best_conf_[x] != best_conf_[y]) return best_conf_[x] > best_conf_[y];
    auto px = bundle_.popularity(x), py = bundle_.popularity(y);
    return px != py ? px > py : x < y;
  };
  const std::size_t take = std::min<std::size_t>(req.n, candidates_.size());
  std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(take),
                    candidates_.end(), better);
  for (std::size_t r = 0; r < take; ++r) {
    const auto c = candidates_[r];
    const auto begin = static_cast<std::uint32_t>(because_.size());
    for (auto at = head_[c]; at != kNone; at = contributions_[at].next) {
      because_.push_back(contributions_[at].cart_a);
      because_.push_back(contributions_[at].cart_b);
    }
    std::sort(because_.begin() + begin, because_.end());
    because_.erase(std::unique(because_.begin() + begin, because_.end()), because_.end());
    for (auto p = begin; p < because_.size(); ++p) because_[p] = cart_[because_[p]];
    results_.push_back({c, score_[c], best_conf_[c], best_lift_[c], RecommendationKind::CrossSell,
                        begin, static_cast<std::uint32_t>(because_.size())});
  }
  // Fewer rules fired than asked for: fill with the most popular items the shopper lacks.
  const double n = static_cast<double>(bundle_.transactions());
  const auto end = static_cast<std::uint32_t>(because_.size());
  for (auto c : bundle_.popular_order()) {
    if (results_.size() >= req.n) break;
    if (blocked_[c] == stamp_ || seen_[c] == stamp_ || (filter_ && !filter_->allows(bundle_, c)))
      continue;
    results_.push_back(
        {c, 0.0, bundle_.popularity(c) / n, 1.0, RecommendationKind::Popular, end, end});
  }
  return results_;
}

}  // namespace basketlift
