#include "score/recommend.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#include "model/cold.hpp"
#include "model/metrics.hpp"

namespace basketlift {

namespace {
constexpr std::size_t kInsertionSortMax = 24;

// An order-preserving 16-bit key of a score: sign, exponent and the top 4 bits of the mantissa,
// so keys are 1/16 of an octave wide.
std::uint32_t coarse_key(double score) {
  score += 0.0;  // -0.0 becomes +0.0
  std::uint64_t bits;
  std::memcpy(&bits, &score, sizeof bits);  // no std::bit_cast in Emscripten 3.1.6's libc++
  bits ^= (0 - (bits >> 63)) | (std::uint64_t{1} << 63);  // negatives reversed, below positives
  return static_cast<std::uint32_t>(bits >> 48);
}
}  // namespace

BASKETLIFT_COLD Scorer::Scorer(const Bundle& bundle)
    : bundle_(bundle),
      popularity_(bundle.item_count()),
      category_(bundle.item_count()),
      slots_(bundle.item_count() + 1),  // + 1: the sink of non-merchandise (prepare())
      lists_(bundle.item_count()),
      in_pair_(bundle.item_count(), 0),
      affinity_(bundle.category_count(), 0.0),
      candidates_(bundle.item_count() + 1),  // + 1: sweep() writes one past the candidates
      family_count_(bundle.category_count(), 0) {
  for (std::uint32_t i = 0; i < bundle.item_count(); ++i) {
    popularity_[i] = bundle.popularity(i);
    category_[i] = bundle.item_category(i);
  }
  first_neighbour_ = bundle.single_rule_count() + bundle.pair_rule_count();
  first_learned_ = first_neighbour_ + bundle.all_neighbours().size();
  first_similar_ = first_learned_ + bundle.all_learned().size();
  // Similar names' entries keep count 0 (their antecedent has popularity 0 anyway).
  antecedent_counts_.resize(first_similar_ + bundle.all_similar().size());
  antecedents_.assign(antecedent_counts_.size(), kNoItem);
  const RuleEntry* single = bundle.all_single_rules().data();
  for (std::uint32_t a = 0; a < bundle.item_count(); ++a)
    for (const auto& r : bundle.single_rules(a)) {
      antecedent_counts_[&r - single] = popularity_[a];
      antecedents_[&r - single] = a;
    }
  const RuleEntry* pair = bundle.all_pair_rules().data();
  for (std::uint32_t a = 0; a < bundle.item_count(); ++a)
    bundle.for_each_pair(
        a, [&](std::uint32_t, std::uint32_t pair_count, std::span<const RuleEntry> rules) {
          for (const auto& r : rules)
            antecedent_counts_[bundle.single_rule_count() + (&r - pair)] = pair_count;
        });
  const RuleEntry* near = bundle.all_neighbours().data();
  for (std::uint32_t a = 0; a < bundle.item_count(); ++a)
    for (const auto& r : bundle.neighbours(a))
      antecedent_counts_[first_neighbour_ + (&r - near)] = popularity_[a];
  const RuleEntry* alike = bundle.all_similar().data();
  const RuleEntry* learned = bundle.all_learned().data();
  for (std::uint32_t a = 0; a < bundle.item_count(); ++a) {
    for (const auto& r : bundle.neighbours(a)) antecedents_[first_neighbour_ + (&r - near)] = a;
    // Count 0 over the item's baskets: a result reached only by learned weights reports
    // confidence 0, not 0 / 0.
    for (const auto& r : bundle.learned(a)) {
      antecedents_[first_learned_ + (&r - learned)] = a;
      antecedent_counts_[first_learned_ + (&r - learned)] = std::max(popularity_[a], 1u);
    }
    for (const auto& r : bundle.similar(a)) antecedents_[first_similar_ + (&r - alike)] = a;
  }
  for (std::uint32_t a = 0; a < bundle.item_count(); ++a) {
    const auto rules = bundle.single_rules(a);
    const auto list = bundle.neighbours(a);
    const auto weights = bundle.learned(a);
    const auto first_rule = static_cast<std::uint32_t>(rules.data() - single);
    const auto first_near = static_cast<std::uint32_t>(first_neighbour_ + (list.data() - near));
    const auto first_learned =
        static_cast<std::uint32_t>(first_learned_ + (weights.data() - learned));
    lists_[a] = {first_rule,    first_rule + static_cast<std::uint32_t>(rules.size()),
                 first_near,    first_near + static_cast<std::uint32_t>(list.size()),
                 first_learned, first_learned + static_cast<std::uint32_t>(weights.size())};
  }
  group_categories();
  // About four pairs per 64-bit word: ~2 bytes per pair, a few tenths of a percent false hits.
  while (pair_filter_bits_ < 32 && (std::size_t{1} << pair_filter_bits_) * 4 < bundle.pair_count())
    ++pair_filter_bits_;
  pair_filter_.assign(std::size_t{1} << pair_filter_bits_, 0);
  pair_hits_.reserve(kPairChunk);  // its size for good: memory_needed() counts it
  for (auto* v : {&cart_, &reason_at_, &paired_}) v->reserve(std::size(request_cart_));
  while (pair_slot_bits_ < 32 && (std::size_t{1} << pair_slot_bits_) < 2 * bundle.pair_count())
    ++pair_slot_bits_;
  pair_slots_.assign(std::size_t{1} << pair_slot_bits_, PairSlot{});
  const std::size_t slot_mask = pair_slots_.size() - 1;
  for (std::uint32_t a = 0; a < bundle.item_count(); ++a)
    bundle.for_each_pair(a, [&](std::uint32_t b, std::uint32_t, std::span<const RuleEntry> rules) {
      const auto [word, mask] = pair_hash(a, b);
      pair_filter_[word] |= mask;
      in_pair_[a] = in_pair_[b] = 1;
      auto at = pair_slot(a, b);  // b > a: the reader checks it
      while (pair_slots_[at].a != kNoItem) at = (at + 1) & slot_mask;
      pair_slots_[at] = {
          a, b, static_cast<std::uint32_t>(bundle.single_rule_count() + (rules.data() - pair)),
          static_cast<std::uint32_t>(rules.size())};
    });
}

std::uint64_t Scorer::memory_needed(const Bundle& bundle) {
  // 64-bit throughout: in wasm32 a size_t product could wrap and let a huge bundle through.
  using u64 = std::uint64_t;
  const u64 items = u64{bundle.item_count()} + 1;
  const u64 rules = u64{bundle.single_rule_count()} + bundle.pair_rule_count() +
                    bundle.all_neighbours().size() + bundle.all_learned().size() +
                    bundle.all_similar().size();
  // Per item: popularity, category, slot, lists, in_pair, candidates, by_category, and the
  // per-call buffers that grow with the candidates or the cart (ranked, category pool, keys,
  // cart, its reason bits, paired, results, and `because` for carts of up to 64 items).
  const u64 per_item = 4 + 4 + sizeof(Slot) + sizeof(Lists) + 1 + 4 + 4 + 2 * sizeof(Ranked) + 4 +
                       4 + 4 + 4 + sizeof(Recommendation) + 4 * 64;
  // Per rule: its ScoredRule, antecedent count and antecedent. Per pair: at most 4 table slots (the
  // table is the first power of two at least twice the pairs) and at most 4 bytes of Bloom filter.
  return items * per_item + rules * (sizeof(ScoredRule) + 4 + 4) +
         u64{bundle.pair_count()} * (4 * sizeof(PairSlot) + 4) +
         (u64{bundle.category_count()} + 1) * (8 + 4 + 4 + 8 + 4) + kBuckets * 4 +
         64 * 63 / 2 * sizeof(PairHit);  // the pairs of a 64-item cart
}

std::string Scorer::too_large(const Bundle& bundle, std::uint64_t room) {
  const std::uint64_t need = memory_needed(bundle);
  if (need <= room) return {};
  return "bundle too large to score here: its scorer needs about " + std::to_string(need >> 20) +
         " MB of memory, " + std::to_string(room >> 20) + " MB are left";
}

std::size_t Scorer::memory_used() const {
  std::size_t bytes = 0;
  auto add = [&](const auto& v) { bytes += v.capacity() * sizeof(v[0]); };
  add(rules_), add(antecedent_counts_), add(antecedents_), add(popularity_), add(category_),
      add(slots_);
  add(lists_), add(in_pair_), add(paired_), add(pair_hits_), add(affinity_), add(affinity_touched_);
  add(because_bits_), add(candidates_), add(cart_), add(reason_at_), add(ranked_), add(keys_);
  add(histogram_);
  add(pair_filter_), add(pair_slots_), add(category_first_), add(by_category_);
  add(category_weight_), add(weighted_), add(category_pool_), add(results_), add(because_);
  add(family_count_), add(families_);
  return bytes;
}

std::size_t Scorer::pair_slot(std::uint32_t a, std::uint32_t b) const {
  const std::uint64_t h = ((std::uint64_t{a} << 32) | b) * 0xC2B2AE3D27D4EB4Full;
  return pair_slot_bits_ ? static_cast<std::size_t>(h >> (64 - pair_slot_bits_)) : 0;
}

// A blocked Bloom filter over the pairs that have rules: one word per pair, three bits in it.
std::pair<std::size_t, std::uint64_t> Scorer::pair_hash(std::uint32_t a, std::uint32_t b) const {
  if (a > b) std::swap(a, b);
  const std::uint64_t h = ((std::uint64_t{a} << 32) | b) * 0x9E3779B97F4A7C15ull;
  const auto word = pair_filter_bits_ ? static_cast<std::size_t>(h >> (64 - pair_filter_bits_)) : 0;
  return {word, (1ull << (h & 63)) | (1ull << ((h >> 6) & 63)) | (1ull << ((h >> 12) & 63))};
}

void Scorer::prepare(const ScoringParams& p) {
  if (is_prepared_ && p.aggregation == prepared_.aggregation && p.evidence == prepared_.evidence &&
      p.pair_weight == prepared_.pair_weight && p.smoothing == prepared_.smoothing &&
      p.neighbour_weight == prepared_.neighbour_weight &&
      p.similar_weight == prepared_.similar_weight && p.learned_weight == prepared_.learned_weight)
    return;
  const double n = static_cast<double>(bundle_.transactions());
  auto evidence = [&](const RuleEntry& r, std::uint32_t antecedent_count, double weight) {
    if (p.aggregation == Aggregation::NoisyOr)
      return std::min(1.0, weight * r.count / antecedent_count);
    // Evidence from few baskets is shrunk: confidence as if `smoothing` more baskets had held
    // the antecedent without the consequent.
    const double c = confidence(r.count, antecedent_count + p.smoothing);
    const double l = lift(c, n, bundle_.popularity(r.consequent));
    return weight * (p.evidence == Evidence::Lift         ? l
                     : p.evidence == Evidence::Confidence ? c
                                                          : c * std::sqrt(l));
  };
  rules_.resize(antecedent_counts_.size());
  const RuleEntry* single = bundle_.all_single_rules().data();
  for (std::size_t i = 0; i < bundle_.single_rule_count(); ++i)
    rules_[i] = {single[i].consequent, single[i].count,
                 evidence(single[i], antecedent_counts_[i], 1.0)};
  const RuleEntry* pair = bundle_.all_pair_rules().data();
  for (std::size_t i = 0, at = bundle_.single_rule_count(); i < bundle_.pair_rule_count();
       ++i, ++at)
    rules_[at] = {pair[i].consequent, pair[i].count,
                  evidence(pair[i], antecedent_counts_[at], p.pair_weight)};
  const auto near = bundle_.all_neighbours();
  for (std::size_t i = 0, at = first_neighbour_; i < near.size(); ++i, ++at) {
    const double cosine = near[i].count / std::sqrt(static_cast<double>(antecedent_counts_[at]) *
                                                    popularity_[near[i].consequent]);
    rules_[at] = {near[i].consequent, near[i].count, p.neighbour_weight * cosine};
  }
  const auto learned = bundle_.all_learned();
  for (std::size_t i = 0, at = first_learned_; i < learned.size(); ++i, ++at)
    rules_[at] = {learned[i].consequent, 0,
                  p.learned_weight * static_cast<std::int32_t>(learned[i].count) / kLearnedScale};
  const auto similar = bundle_.all_similar();
  for (std::size_t i = 0, at = first_similar_; i < similar.size(); ++i, ++at)
    rules_[at] = {similar[i].consequent, similar[i].count,
                  p.similar_weight * similar[i].count / kSimilarityScale};
  // Each item's highest neighbour, learned or similar-name evidence (strongest_reason()'s early
  // exit).
  near_max_of_.assign(lists_.size(), 0.0);
  for (std::size_t a = 0; a < lists_.size(); ++a) {
    for (auto j = lists_[a].near_first; j < lists_[a].near_end; ++j)
      near_max_of_[a] = std::max(near_max_of_[a], rules_[j].evidence);
    for (auto j = lists_[a].learned_first; j < lists_[a].learned_end; ++j)
      near_max_of_[a] = std::max(near_max_of_[a], rules_[j].evidence);
  }
  for (std::size_t a = 0; a < lists_.size() && !similar.empty(); ++a) {
    const auto list = bundle_.similar(static_cast<std::uint32_t>(a));
    const auto first = first_similar_ + static_cast<std::size_t>(list.data() - similar.data());
    for (auto j = first; j < first + list.size(); ++j)
      near_max_of_[a] = std::max(near_max_of_[a], rules_[j].evidence);
  }
  if (!bundle_.unrecommendable().empty())
    for (auto& r : rules_)
      if (!bundle_.recommendable(r.consequent)) r.consequent = bundle_.item_count();
  // Learned weights may be negative: they are only summed (sweep<true> needs no sign), so they
  // do not cost the rules their branch-free Max.
  auto nonnegative = [](const ScoredRule& r) { return r.evidence >= 0.0; };
  nonnegative_ =
      std::all_of(rules_.begin(), rules_.begin() + static_cast<std::ptrdiff_t>(first_learned_),
                  nonnegative) &&
      std::all_of(rules_.begin() + static_cast<std::ptrdiff_t>(first_similar_), rules_.end(),
                  nonnegative);
  prepared_ = p;
  is_prepared_ = true;
}

// The hot path. The lists are written through raw pointers into buffers sized beforehand: no
// capacity checks per rule.
// Room in because_bits_ for `count` more candidates (carts of more than 64 items).
void Scorer::reserve_candidates(std::size_t count) {
  if (words_ == 1) return;
  // Each item becomes a candidate once a call at most: never more rows than items.
  const std::size_t items = slots_.size();
  if (because_bits_.size() < std::min(n_candidates_ + count, items) * words_)
    because_bits_.resize(std::min(2 * (n_candidates_ + count), items) * words_);
}

// Walks rules_[first, first + count) (rules or neighbours) whose antecedent is cart positions a
// and b (a == b: one item): skips blocked consequents, enters new candidates (no reasons yet,
// slot.rule = k), calls update(slot, k, is_new) to aggregate, then marks a and b as reasons. The
// per-call state lives in locals for the loop: as members, every store through a slot made the
// compiler reload them. kOneWord: a cart of up to 64 items, whose reasons fit in the slot.
template <bool kOneWord, class Update>
void Scorer::visit(std::size_t first, std::size_t count, std::uint32_t cart_a, std::uint32_t cart_b,
                   Update update) {
  reserve_candidates(count);
  const ScoredRule* rules = rules_.data();
  Slot* slots = slots_.data();
  std::uint64_t* bits = because_bits_.data();
  std::uint32_t* candidates = candidates_.data();  // item_count() long: each item enters once
  const std::uint32_t stamp = stamp_;
  const std::size_t words = words_;
  std::uint32_t n = n_candidates_;
  const std::size_t word_a = cart_a / 64, word_b = cart_b / 64;
  const std::uint64_t bit_a = std::uint64_t{1} << (cart_a % 64),
                      bit_b = std::uint64_t{1} << (cart_b % 64);
  for (std::size_t k = first; k < first + count; ++k) {
    Slot& slot = slots[rules[k].consequent];
    const std::uint32_t state = slot.state - stamp;  // 0: a candidate, 1: blocked
    if (state == 1) continue;
    const bool is_new = state != 0;
    if (is_new) {
      slot.state = stamp;
      slot.rule = static_cast<std::uint32_t>(k);
      if constexpr (kOneWord) {
        slot.reasons = 0;
      } else {
        slot.reasons = n;
        std::fill_n(bits + n * words, words, 0);
      }
      candidates[n++] = rules[k].consequent;
    }
    update(slot, k, is_new);
    if constexpr (kOneWord) {
      slot.reasons |= bit_a | bit_b;
    } else {
      std::uint64_t* row = bits + slot.reasons * words;
      row[word_a] |= bit_a;
      row[word_b] |= bit_b;
    }
  }
  n_candidates_ = n;
}

template <class Update>
void Scorer::visit(std::size_t first, std::size_t count, std::uint32_t cart_a, std::uint32_t cart_b,
                   Update update) {
  if (words_ == 1)
    visit<true>(first, count, cart_a, cart_b, update);
  else
    visit<false>(first, count, cart_a, cart_b, update);
}

namespace {
std::uint64_t bits_of(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}
double double_of(std::uint64_t bits) {
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}
}  // namespace

// Every step is arithmetic, not a branch: whether an item is new, blocked or gets a better rule
// is data the CPU cannot guess, and a wrong guess cost more than the whole step (ternaries were
// compiled back into branches, hence the masks). A blocked item keeps its state; its other fields
// take values no one reads (it never becomes a candidate this call, and a later call starts its
// fields afresh). Every item is written at `out`, which advances by 1 only for a new one. For
// evidence >= 0 (+0.0 included, no -0.0) the bit patterns order as the values do, so comparisons
// are on integers.
template <bool kSum>
void Scorer::sweep(std::size_t first, std::size_t count, std::uint64_t reasons) {
  const ScoredRule* r = rules_.data() + first;
  const ScoredRule* const end = r + count;
  Slot* const slots = slots_.data();
  std::uint32_t* out = candidates_.data() + n_candidates_;
  const std::uint32_t stamp = stamp_;
  for (auto rule = static_cast<std::uint32_t>(first); r != end; ++r, ++rule) {
    const std::uint32_t item = r->consequent;
    Slot& slot = slots[item];
    const std::uint32_t state = slot.state - stamp;  // 0: a candidate, 1: blocked
    const std::uint32_t is_new = state > 1;
    const std::uint64_t keep = std::uint64_t{is_new} - 1;  // 0 for a new candidate
    const double e = r->evidence;
    const std::uint64_t score = bits_of(slot.score) & keep;
    std::uint32_t take = 0 - is_new;  // all ones: slot.rule = rule
    if constexpr (kSum) {
      slot.score = double_of(score) + e;
    } else {
      const std::uint64_t better = 0 - std::uint64_t{(bits_of(e) > score) | is_new};
      slot.score = double_of(score ^ ((score ^ bits_of(e)) & better));
      take = static_cast<std::uint32_t>(better);
    }
    slot.rule ^= (slot.rule ^ rule) & take;
    slot.sum = double_of(bits_of(slot.sum) & keep) + e;
    slot.reasons = (slot.reasons & keep) | reasons;
    slot.state = stamp + (state == 1);
    *out = item;  // kept only if new
    out += is_new;
  }
  n_candidates_ = static_cast<std::uint32_t>(out - candidates_.data());
}

void Scorer::fire(std::size_t first, std::size_t count, std::uint32_t cart_a,
                  std::uint32_t cart_b) {
  if (words_ == 1 && nonnegative_ && prepared_.aggregation == Aggregation::Max)
    return sweep<false>(first, count, (std::uint64_t{1} << cart_a) | (std::uint64_t{1} << cart_b));
  const ScoredRule* rules = rules_.data();
  auto aggregate = [&](auto aggregation) {
    visit(first, count, cart_a, cart_b, [&](Slot& slot, std::size_t k, bool is_new) {
      const double e = rules[k].evidence;
      if (is_new) {
        slot.score = aggregation == Aggregation::NoisyOr ? 1.0 - e : e;
        slot.sum = e;
      } else {
        slot.sum += e;
        if (aggregation == Aggregation::NoisyOr) slot.score *= 1.0 - e;
        if (aggregation == Aggregation::Sum) slot.score += e;
        const double best =
            aggregation == Aggregation::Max ? slot.score : rules[slot.rule].evidence;
        if (e > best) {
          slot.rule = static_cast<std::uint32_t>(k);
          if (aggregation == Aggregation::Max) slot.score = e;
        }
      }
    });
  };
  // The default, Max, gets a loop of its own with the choice made at compile time.
  if (prepared_.aggregation == Aggregation::Max)
    aggregate(std::integral_constant<Aggregation, Aggregation::Max>{});
  else
    aggregate(prepared_.aggregation);
}

void Scorer::fire_cart() {
  const auto k = static_cast<std::uint32_t>(cart_.size());
  // Pairs of cart items the filter lets through (most have no rules: the filter answers those
  // without the table), and only among items in some pair with rules. Found first, so their
  // table slots load while the lists below are read.
  paired_.clear();
  for (std::uint32_t i = 0; i < k; ++i)
    if (in_pair_[cart_[i]]) paired_.push_back(i);
  // Up to 64 such items their pairs fit in pair_hits_ at once (kPairChunk); more take chunks.
  if (paired_.size() > 64) return fire_long_cart();
  pair_hits_.clear();
  std::uint32_t touched = 0;
  for (std::uint32_t x = 0; x < paired_.size(); ++x)
    for (std::uint32_t y = x + 1; y < paired_.size(); ++y) {
      const std::uint32_t a = cart_[paired_[x]], b = cart_[paired_[y]];
      const auto [word, mask] = pair_hash(a, b);
      if ((pair_filter_[word] & mask) != mask) continue;
      const auto at = pair_slot(std::min(a, b), std::max(a, b));
      touched += pair_slots_[at].a;
      pair_hits_.push_back({paired_[x], paired_[y], static_cast<std::uint32_t>(at), 0, 0});
    }
  // Every cart item's lists, then the pairs' rules, then the slots of all their items are read
  // before any list is walked: the cache misses overlap instead of coming one after another as
  // the walk reaches them.
  const std::size_t last = rules_.size() - 1;
  for (std::uint32_t i = 0; i < k && !rules_.empty(); ++i) {
    const Lists& l = lists_[cart_[i]];
    touched += rules_[std::min<std::size_t>(l.single_first, last)].consequent +
               rules_[std::min<std::size_t>(l.near_first, last)].consequent;
  }
  const std::size_t slot_mask = pair_slots_.size() - 1;
  for (auto& hit : pair_hits_) {
    const std::uint32_t a = std::min(cart_[hit.i], cart_[hit.j]),
                        b = std::max(cart_[hit.i], cart_[hit.j]);
    auto at = std::size_t{hit.slot};
    while (pair_slots_[at].a != kNoItem && (pair_slots_[at].a != a || pair_slots_[at].b != b))
      at = (at + 1) & slot_mask;
    // A false hit of the filter finds an empty slot: no rules.
    hit.first = pair_slots_[at].first;
    hit.count = pair_slots_[at].a == kNoItem ? 0 : pair_slots_[at].count;
    if (hit.count) touched += rules_[hit.first].consequent;
  }
  fire_lists(k, touched);
}

// Reads every slot the first k cart items' lists and the pair hits reach (so the loads overlap,
// ahead of the dependent updates), then fires those items' single-item rules and the pair hits'
// rules. `touched`: the caller's early reads, kept alive in touched_.
void Scorer::fire_lists(std::uint32_t k, std::uint32_t touched) {
  auto touch_slots = [&](std::uint32_t first, std::uint32_t end) {
    for (auto r = first; r < end; ++r) touched += slots_[rules_[r].consequent].state;
  };
  for (std::uint32_t i = 0; i < k; ++i) {
    const Lists& l = lists_[cart_[i]];
    touch_slots(l.single_first, l.single_end);
    touch_slots(l.near_first, l.near_end);
  }
  for (const auto& hit : pair_hits_) touch_slots(hit.first, hit.first + hit.count);
  touched_ += touched;
  for (std::uint32_t i = 0; i < k; ++i) {
    const Lists& l = lists_[cart_[i]];
    fire(l.single_first, l.single_end - l.single_first, reason_at_[i], reason_at_[i]);
  }
  for (const auto& hit : pair_hits_)
    fire(hit.first, hit.count, reason_at_[hit.i], reason_at_[hit.j]);
}

void Scorer::add_neighbours() {
  const ScoredRule* rules = rules_.data();
  auto add = [&](Slot& slot, std::size_t k, bool is_new) {
    if (is_new) slot.score = slot.sum = 0;
    slot.score += rules[k].evidence;
    slot.sum += rules[k].evidence;
  };
  const bool branch_free = words_ == 1 && nonnegative_;
  auto note = [&](std::size_t first, std::size_t end, std::uint32_t at) {
    near_ranges_.push_back(
        {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(end), cart_[at], at});
    near_max_ = std::max(near_max_, near_max_of_[cart_[at]]);
  };
  auto visit_list = [&](std::size_t first, std::size_t count, std::uint32_t at) {
    if (branch_free)
      sweep<true>(first, count, std::uint64_t{1} << at);
    else
      visit(first, count, at, at, add);
  };
  // Neighbours, then learned weights: one loop, so the list walk is inlined once (the wasm's
  // bytes are the page's).
#if defined(__clang__)  // the wasm's compiler: two unrolled copies would cost the page bytes
#pragma clang loop unroll(disable)
#endif
  for (const bool learned : {false, true}) {
    if ((learned ? prepared_.learned_weight : prepared_.neighbour_weight) == 0) continue;
    for (std::uint32_t i = 0; i < cart_.size(); ++i) {
      const Lists& l = lists_[cart_[i]];
      const auto first = learned ? l.learned_first : l.near_first,
                 end = learned ? l.learned_end : l.near_end;
      note(first, end, i);
      visit_list(first, end - first, reason_at_[i]);
    }
  }
  // After every co-purchase reason, so a candidate any of them reached reports that one.
  const auto alike = bundle_.all_similar();
  if (prepared_.similar_weight == 0 || alike.empty()) return;
  for (std::uint32_t i = 0; i < cart_.size(); ++i) {
    if (popularity_[cart_[i]] != 0) continue;  // only products no basket holds have them
    const auto list = bundle_.similar(cart_[i]);
    const auto first = first_similar_ + static_cast<std::size_t>(list.data() - alike.data());
    note(first, first + list.size(), i);
    visit_list(first_similar_ + static_cast<std::size_t>(list.data() - alike.data()), list.size(),
               reason_at_[i]);
  }
}

// Compacts candidates[0, m) in place to a few more than the best n (0 < n < m): those whose coarse
// key is in the highest keys that together hold n candidates. Every one of the best n is kept
// (its score is at least the n-th highest); rank() orders them and the caller takes n. Three
// passes over the candidates and a 256-bucket histogram: on a few dozen candidates, cheaper than
// finding the exact n-th score.
std::size_t Scorer::keep_best(std::uint32_t* candidates, std::size_t m, std::size_t n) {
  if (keys_.size() < m) keys_.resize(m);
  std::uint32_t* keys = keys_.data();
  std::uint32_t top = 0;
  for (std::size_t i = 0; i < m; ++i) {
    keys[i] = coarse_key(slots_[candidates[i]].score);
    top = std::max(top, keys[i]);
  }
  // Bucket d: keys top - d (the last bucket: everything lower).
  constexpr std::uint32_t kLast = kBuckets - 1;
  for (std::size_t i = 0; i < m; ++i) {
    keys[i] = std::min(top - keys[i], kLast);
    ++histogram_[keys[i]];
  }
  std::uint32_t cut = 0;
  for (std::size_t total = histogram_[0]; total < n && cut < kLast;) total += histogram_[++cut];
  std::size_t kept = 0;
  for (std::size_t i = 0; i < m; ++i) {
    histogram_[keys[i]] = 0;
    candidates[kept] = candidates[i];
    kept += keys[i] <= cut;
  }
  return kept;
}

// Sorts by score, then the summed evidence, popularity and id.
void Scorer::rank(Ranked* first, std::size_t count) {
  auto better = [](const Ranked& a, const Ranked& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.sum != b.sum) return a.sum > b.sum;
    return a.popularity != b.popularity ? a.popularity > b.popularity : a.item < b.item;
  };
  if (count <= kInsertionSortMax) {  // the usual n plus a tie or two: no sort machinery
    for (std::size_t i = 1; i < count; ++i) {
      const Ranked x = first[i];
      std::size_t at = i;
      for (; at > 0 && better(x, first[at - 1]); --at) first[at] = first[at - 1];
      first[at] = x;
    }
  } else {
    std::sort(first, first + count, better);
  }
}

std::vector<std::uint32_t> Scorer::because(const Recommendation& r) const {
  std::vector<std::uint32_t> ids(because_.begin() + r.because_begin,
                                 because_.begin() + r.because_end);
  for (auto bits = r.reasons; bits != 0; bits &= bits - 1)
    ids.push_back(request_cart_[std::countr_zero(bits)]);
  return ids;
}

std::uint32_t Scorer::strongest_reason(std::uint32_t item) const {
  const Slot& s = slots_[item];
  // Reached from one cart item only (most results): that item, without looking at any list.
  if (words_ == 1 && s.reasons != 0 && (s.reasons & (s.reasons - 1)) == 0) {
    const auto at = static_cast<std::size_t>(std::countr_zero(s.reasons));
    return reasons_out_ ? request_cart_[at] : cart_[at];
  }
  const std::size_t k = s.rule;
  const ScoredRule* rules = rules_.data();
  std::uint32_t best_item = antecedents_[k];
  if (best_item == kNoItem)  // a pair rule: its first cart item
    for (const auto& hit : pair_hits_)
      if (k >= hit.first && k < std::size_t{hit.first} + hit.count) {
        best_item = cart_[hit.i];
        break;
      }
  // A neighbour or similar name of a cart item that reached it may outweigh that rule: the
  // strongest does, a tie going to the rule, then to the earlier cart position (then to the
  // earlier entry of its list). None can when the rule is at least the best of them all.
  double best = rules[k].evidence;
  if (best >= near_max_) return best_item;
  // A handful of entries per cart item: scanned directly, not through each reason's lists.
  std::uint32_t best_at = UINT32_MAX;
  for (const NearRange& r : near_ranges_)
    for (auto j = r.first; j < r.end; ++j)
      if (rules[j].consequent == item &&
          (rules[j].evidence > best ||
           (rules[j].evidence == best && best_at != UINT32_MAX && r.at < best_at))) {
        best = rules[j].evidence;
        best_at = r.at;
        best_item = r.from;
      }
  return best_item;
}

const char* kind_name(RecommendationKind kind) {
  return kind == RecommendationKind::CrossSell  ? "cross-sell"
         : kind == RecommendationKind::Category ? "category"
         : kind == RecommendationKind::Similar  ? "similar"
                                                : "popular";
}

std::span<const Recommendation> Scorer::recommend(const RecommendRequest& req) {
  const auto n_items = bundle_.item_count();
  stamp_ += 2;
  if (stamp_ == 0) {  // wrapped: forget every old mark
    for (auto& slot : slots_) slot.state = 0;
    stamp_ = 2;
  }
  const std::uint32_t blocked = stamp_ + 1;
  cart_.clear();
  reason_at_.clear();
  reasons_out_ = req.cart.size() <= std::size(request_cart_);
  for (std::uint32_t i = 0; i < req.cart.size(); ++i) {
    const auto id = req.cart[i];
    if (id < n_items && slots_[id].state != blocked) {
      slots_[id].state = blocked;
      reason_at_.push_back(reasons_out_ ? i : static_cast<std::uint32_t>(cart_.size()));
      cart_.push_back(id);
    }
  }
  if (reasons_out_) std::copy(req.cart.begin(), req.cart.end(), request_cart_);
  // A part of a sharded bundle answers as the whole would only if every cart item's lists are
  // here (and the fill and the category answer stay inside the heads, checked where they run).
  incomplete_ = 0;
  if (bundle_.is_part())
    for (auto id : cart_)
      if (!bundle_.complete(id)) incomplete_ |= kMissingLists;
  for (auto list : {req.history, req.exclude})
    for (auto id : list)
      if (id < n_items) slots_[id].state = blocked;
  // Rules that end at non-merchandise end at this slot instead (prepare()): blocked, it never
  // becomes a candidate, at the cost of one store per call however many such items there are.
  slots_[n_items].state = blocked;
  max_per_family_ = req.max_per_family;
  near_ranges_.clear();
  near_max_ = 0;
  for (auto k : families_) family_count_[k] = 0;
  families_.clear();

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
  n_candidates_ = 0;
  words_ = std::max<std::size_t>(1, (cart_.size() + 63) / 64);
  results_.clear();
  because_.clear();
  if (req.n == 0) return results_;
  prepare(req.params);
  fire_cart();
  const bool noisy_or = req.params.aggregation == Aggregation::NoisyOr;
  if (noisy_or)  // the aggregate was the product of (1 - evidence)
    for (std::uint32_t i = 0; i < n_candidates_; ++i) {
      auto& score = slots_[candidates_[i]].score;
      score = 1.0 - score;
    }
  if (req.params.neighbour_weight != 0 || req.params.similar_weight != 0 ||
      req.params.learned_weight != 0)
    add_neighbours();

  // Business filters apply to the candidates once, not to every firing rule.
  if (filter_) {
    const auto kept = std::remove_if(candidates_.data(), candidates_.data() + n_candidates_,
                                     [&](std::uint32_t c) { return !filter_->allows(bundle_, c); });
    n_candidates_ = static_cast<std::uint32_t>(kept - candidates_.data());
  }
  const std::span<const std::uint32_t> candidates{candidates_.data(), n_candidates_};
  // The history's category affinity boosts the final score.
  if (!affinity_touched_.empty())
    for (auto c : candidates)
      if (category_[c] != kNoCategory) slots_[c].score *= 1.0 + affinity_[category_[c]];
  // The best n: a few more than n are kept by coarse score, then sorted with the full
  // tie-breaking order. Buffers only grow (a shrink and regrow would zero-fill on every call).
  const std::size_t m = candidates.size();
  if (ranked_.size() < m) ranked_.resize(m);
  std::uint32_t* reaching = candidates_.data();
  std::size_t kept = m;
  // With a family limit the best n may lie anywhere below the first n: every candidate is ranked.
  if (req.n < m && !max_per_family_) kept = keep_best(reaching, m, req.n);
  // The reported rules' antecedent counts are read here, so they load while rank() sorts.
  std::uint32_t touched = 0;
  for (std::size_t i = 0; i < kept; ++i) {
    const std::uint32_t c = reaching[i];
    ranked_[i] = {slots_[c].score, slots_[c].sum, popularity_[c], c};
    touched += antecedent_counts_[slots_[c].rule] + antecedents_[slots_[c].rule];
  }
  touched_ += touched;
  rank(ranked_.data(), kept);
  if (max_per_family_) {
    std::size_t taken = 0;
    for (std::size_t i = 0; i < kept && taken < req.n; ++i)
      if (!family_full(ranked_[i].item)) {
        count_family(ranked_[i].item);
        ranked_[taken++] = ranked_[i];
      }
    kept = taken;
  }
  kept = std::min<std::size_t>(kept, req.n);
  // The results first (for long carts, their `because` ranges after): with no loop of varying
  // length between them, one result's divisions and cache misses overlap the next one's.
  const double n = static_cast<double>(bundle_.transactions());
  const std::uint64_t reasons_out = reasons_out_ ? ~std::uint64_t{0} : 0;  // else ranges below
  for (std::size_t i = 0; i < kept; ++i) {
    const Ranked& r = ranked_[i];
    const Slot& s = slots_[r.item];
    if (s.rule >= first_similar_) {  // only a new product's similar names reached it
      results_.push_back({r.item, RecommendationKind::Similar, s.score,
                          rules_[s.rule].count / double(kSimilarityScale), 1.0,
                          s.reasons & reasons_out, 0, 0, kNoItem});
      continue;
    }
    const double c = confidence(rules_[s.rule].count, antecedent_counts_[s.rule]);
    results_.push_back({r.item, RecommendationKind::CrossSell, s.score, c,
                        lift(c, n, popularity_[r.item]), s.reasons & reasons_out, 0, 0, kNoItem});
  }
  // Reasons in a loop of their own: inside the one above, their lists of varying length kept
  // one result's loads from overlapping the next one's (a quarter more time per call).
  for (auto& result : results_) result.reason = strongest_reason(result.item);
  // Long carts: each result's bits become the ids they stand for, in cart order.
  std::uint32_t end = 0;
  if (!reasons_out_) {
    if (because_.size() < kept * cart_.size()) because_.resize(kept * cart_.size());
    std::uint32_t* because = because_.data();
    for (auto& result : results_) {
      const Slot& s = slots_[result.item];
      result.because_begin = end;
      const std::uint64_t* row =
          words_ == 1 ? &s.reasons : because_bits_.data() + s.reasons * words_;
      for (std::size_t w = 0; w < words_; ++w)
        for (std::uint64_t bits = row[w]; bits != 0; bits &= bits - 1)
          because[end++] = cart_[w * 64 + static_cast<std::size_t>(std::countr_zero(bits))];
      result.because_end = end;
    }
  }
  if (results_.size() < req.n) add_category_results(req.n, end);
  // Fewer rules fired than asked for: fill with the most popular items the shopper lacks.
  for (auto c : bundle_.popular_order()) {
    if (results_.size() >= req.n) break;
    if (bundle_.beyond_popular_head(c)) {  // the whole bundle's next items are not all here
      incomplete_ |= kMorePopular;
      break;
    }
    if (slots_[c].state - stamp_ < 2 ||  // a candidate or blocked
        !bundle_.recommendable(c) || (filter_ && !filter_->allows(bundle_, c)) ||
        (max_per_family_ && family_full(c)))
      continue;
    if (max_per_family_) count_family(c);
    results_.push_back({c, RecommendationKind::Popular, 0.0, bundle_.popularity(c) / n, 1.0, 0, end,
                        end, kNoItem});
  }
  return results_;
}

}  // namespace basketlift
