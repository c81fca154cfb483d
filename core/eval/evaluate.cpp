#include "eval/evaluate.hpp"

#include <zlib.h>

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <numeric>
#include <span>
#include <utility>

#include "eval/baselines.hpp"
#include "eval/next_baselines.hpp"
#include "mine/bundle_content.hpp"
#include "mine/learned.hpp"
#include "model/error.hpp"
#include "model/format.hpp"
#include "score/next_purchase.hpp"

namespace basketlift {

namespace {

// Bytes of `data` as gzip -9 writes it: what the bundle costs a visitor over a gzipping server.
std::uint64_t gzip_size(const std::vector<std::uint8_t>& data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::bad_alloc();
  std::vector<std::uint8_t> out(deflateBound(&z, static_cast<uLong>(data.size())));
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  const std::uint64_t size = z.total_out;
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("eval: gzip of the bundle failed");
  return size;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64: a fixed, portable stream from the seed
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

bool is_test(const Ingested& data, const EvalOptions& o, std::size_t b) {
  if (o.split == SplitKind::Temporal) return data.basket_day[b] >= o.train_before;
  return mix(o.seed ^ (b * 2 + 1)) % 100 < o.test_percent;
}

// The baskets `keep` selects, with their users and days, as a fresh canonical Ingested.
template <class Keep>
Ingested subset(const Ingested& data, Keep keep) {
  Ingested out;
  const bool dated = data.basket_day.size() == data.db.size();
  std::vector<ItemId> items;
  for (std::size_t b = 0; b < data.db.size(); ++b) {
    if (!keep(b)) continue;
    items.clear();
    for (auto i : data.db.basket(b)) items.push_back(out.db.items.intern(data.db.items.label(i)));
    out.db.add_basket(items);
    if (dated) {
      out.basket_day.push_back(data.basket_day[b]);
      const auto u = data.basket_user[b];
      out.basket_user.push_back(u == kNoUser ? kNoUser : out.users.intern(data.users.label(u)));
    }
  }
  out.db.canonicalize();
  return out;
}

void require_dates(const Ingested& data, const EvalOptions& o) {
  if (o.split == SplitKind::Temporal && data.basket_day.size() != data.db.size())
    throw InputError("--split temporal needs dates: give --date-col (and --user-col)");
}

// Item-item cosine similarity over the training baskets, as neighbour lists.
class Cooccurrence {
 public:
  explicit Cooccurrence(const TransactionDb& db) : offsets_(db.items.size() + 1, 0) {
    boost::unordered_flat_map<std::uint64_t, std::uint32_t> pairs;
    for (std::size_t b = 0; b < db.size(); ++b) {
      auto items = db.basket(b);
      for (std::size_t i = 0; i < items.size(); ++i)
        for (std::size_t j = i + 1; j < items.size(); ++j)
          ++pairs[(std::uint64_t{items[i]} << 32) | items[j]];
    }
    for (const auto& [key, n] : pairs) {
      ++offsets_[(key >> 32) + 1];
      ++offsets_[(key & 0xffffffffu) + 1];
    }
    std::partial_sum(offsets_.begin(), offsets_.end(), offsets_.begin());
    neighbours_.resize(offsets_.back());
    auto fill = offsets_;
    for (const auto& [key, n] : pairs) {
      const auto a = static_cast<ItemId>(key >> 32), c = static_cast<ItemId>(key);
      const double sim = n / std::sqrt(static_cast<double>(db.support[a]) * db.support[c]);
      neighbours_[fill[a]++] = {c, sim};
      neighbours_[fill[c]++] = {a, sim};
    }
    // Each item's list most similar first (ties by id), so its best k are a prefix.
    for (std::size_t i = 0; i + 1 < offsets_.size(); ++i)
      std::sort(neighbours_.begin() + static_cast<std::ptrdiff_t>(offsets_[i]),
                neighbours_.begin() + static_cast<std::ptrdiff_t>(offsets_[i + 1]),
                [](const Neighbour& x, const Neighbour& y) {
                  return x.sim != y.sim ? x.sim > y.sim : x.item < y.item;
                });
  }
  struct Neighbour {
    ItemId item;
    double sim;
  };
  std::span<const Neighbour> of(ItemId i) const {
    return {neighbours_.data() + offsets_[i], neighbours_.data() + offsets_[i + 1]};
  }

 private:
  std::vector<std::uint64_t> offsets_;
  std::vector<Neighbour> neighbours_;
};

// Top 10 of `score` over `candidates` (ties by id), skipping blocked items.
void top10(std::vector<std::uint32_t>& candidates, const std::vector<double>& score,
           std::vector<std::uint32_t>& out) {
  auto better = [&](std::uint32_t x, std::uint32_t y) {
    return score[x] != score[y] ? score[x] > score[y] : x < y;
  };
  const std::size_t k = std::min<std::size_t>(10, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                    candidates.end(), better);
  out.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k));
}

struct Tally {
  double hr5 = 0, hr10 = 0, mrr = 0, served = 0, families4 = 0;
  std::vector<std::uint8_t> hit10;  // per test cart, in order: the hidden item in the top 10
  std::vector<bool> shown;
  std::uint32_t items = 0;  // coverage's denominator: the items sold in training
  const Bundle* bundle = nullptr;
  void add(const std::vector<std::uint32_t>& list, std::uint32_t target, bool served_cart) {
    std::uint32_t seen[4];
    std::size_t families = 0;
    for (std::size_t r = 0; r < list.size() && r < 4; ++r) {
      const auto k = bundle->item_category(list[r]);
      if (k == kNoCategory || std::find(seen, seen + families, k) == seen + families)
        seen[families++] = k;
    }
    families4 += static_cast<double>(families);
    hit10.push_back(0);
    for (std::size_t r = 0; r < list.size(); ++r) {
      shown[list[r]] = true;
      if (list[r] != target) continue;
      if (r < 5) ++hr5;
      ++hr10;
      hit10.back() = 1;
      mrr += 1.0 / static_cast<double>(r + 1);
    }
    served += served_cart;
  }
  MethodMetrics metrics(std::uint64_t carts) const {
    const double n = carts ? static_cast<double>(carts) : 1.0;
    const auto end = shown.begin() + std::min<std::ptrdiff_t>(items, std::ssize(shown));
    return {
        hr5 / n,    hr10 / n,
        mrr / n,    static_cast<double>(std::count(shown.begin(), end, true)) / std::max(1u, items),
        served / n, families4 / n};
  }
};

// HR@10 of `ours` over `theirs` on the same carts, and its 95 % interval from 1,000 bootstrap
// resamples of the carts (seeded: the same figures every run). NaN where theirs is 0.
void hr10_ratio(const Tally& ours, const Tally& theirs, std::uint64_t seed, MethodMetrics& out) {
  const std::size_t n = ours.hit10.size();
  if (n == 0 || theirs.hit10.size() != n || theirs.hr10 == 0) return;
  out.ratio = ours.hr10 / theirs.hr10;
  constexpr int kResamples = 1000;
  std::vector<double> ratios;
  ratios.reserve(kResamples);
  std::uint64_t state = seed ^ 0x5bd1e995u;
  for (int b = 0; b < kResamples; ++b) {
    std::uint64_t a = 0, t = 0;
    for (std::size_t i = 0; i < n; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;  // PCG's LCG step
      const auto c = static_cast<std::size_t>((state >> 33) % n);
      a += ours.hit10[c];
      t += theirs.hit10[c];
    }
    ratios.push_back(t ? static_cast<double>(a) / static_cast<double>(t)
                       : std::numeric_limits<double>::infinity());
  }
  std::sort(ratios.begin(), ratios.end());
  out.ratio_lo = ratios[kResamples * 25 / 1000];
  out.ratio_hi = ratios[kResamples * 975 / 1000 - 1];
}

// Counts an unserved cart under the first reason that holds (see UnservedBreakdown).
void classify_unserved(const Bundle& bundle, std::span<const std::uint32_t> cart,
                       std::uint32_t min_count, UnservedBreakdown& out) {
  const auto n_items = bundle.item_count();
  bool known = false, frequent = false, rules = false;
  for (std::size_t i = 0; i < cart.size(); ++i) {
    if (cart[i] >= n_items || bundle.popularity(cart[i]) == 0) continue;
    known = true;
    frequent |= bundle.popularity(cart[i]) >= min_count;
    rules |= !bundle.single_rules(cart[i]).empty();
    for (std::size_t j = i + 1; j < cart.size(); ++j)
      if (cart[j] < n_items) {
        std::uint32_t pair_count = 0;
        rules |= !bundle.pair_rules(cart[i], cart[j], &pair_count).empty();
      }
  }
  ++(!known      ? out.unknown_items
     : !frequent ? out.below_support
     : !rules    ? out.no_rules
                 : out.all_excluded);
}

}  // namespace

Ingested training_part(const Ingested& data, const EvalOptions& o) {
  require_dates(data, o);
  return subset(data, [&](std::size_t b) { return !is_test(data, o, b); });
}

EvalOptions validation_options(const Ingested& train, const EvalOptions& o,
                               std::int32_t validation_days) {
  EvalOptions v = o;
  if (o.split == SplitKind::Temporal) {
    const auto last = *std::max_element(train.basket_day.begin(), train.basket_day.end());
    v.train_before = last + 1 - validation_days;
  } else {
    v.seed = mix(o.seed);
  }
  return v;
}

EvalReport evaluate_validation(const Ingested& data, const EvalOptions& o,
                               const std::vector<ScoringParams>& configs) {
  const auto train = training_part(data, o);
  return evaluate(train, validation_options(train, o, kValidationDays), configs);
}

std::vector<ScoringParams> scoring_tuning_grid() {
  std::vector<ScoringParams> grid;
  for (auto [agg, ev] : {std::pair{Aggregation::NoisyOr, Evidence::Confidence},
                         {Aggregation::Max, Evidence::Confidence},
                         {Aggregation::Max, Evidence::Lift},
                         {Aggregation::Max, Evidence::ConfidenceLift},
                         {Aggregation::Sum, Evidence::ConfidenceLift},
                         {Aggregation::Sum, Evidence::Confidence},
                         {Aggregation::Sum, Evidence::Lift}})
    for (double pair : {0.0, 0.5, 1.0})
      for (double affinity : {0.0, 1.0})
        for (double smoothing : {0.0, 30.0, 100.0, 300.0}) {
          ScoringParams p;
          p.smoothing = smoothing;
          p.aggregation = agg;
          p.evidence = ev;
          p.pair_weight = pair;
          p.affinity_weight = affinity;
          grid.push_back(p);
        }
  return grid;
}

std::string grid_row_name(const std::string& method, double setting) {
  return method + "@" + format_double(setting);
}

ValidationChoice choose_on_validation(const Ingested& data, const EvalOptions& options,
                                      const BaselineGrids& grids, const ScoringParams& scoring) {
  EvalOptions v = options;
  v.knn_k_grid = grids.knn_k;
  v.ease_lambda_grid = grids.ease_lambda;
  v.session_k_grid = grids.session_k;
  const auto report = evaluate_validation(data, v, {scoring});
  ValidationChoice out{options, std::nullopt, std::nullopt, std::nullopt};
  // Each candidate is its own row, named by its setting.
  auto best = [&](const std::string& method, const auto& grid, auto& setting,
                  std::optional<double>& hr10) {
    for (const auto candidate : grid) {
      const auto name = grid_row_name(method, candidate);
      const auto m = std::find_if(report.methods.begin(), report.methods.end(),
                                  [&](const EvalResult& r) { return r.name == name; });
      if (m != report.methods.end() && (!hr10 || m->metrics.hr10 > *hr10)) {
        hr10 = m->metrics.hr10;
        setting = candidate;
      }
    }
  };
  best("item-knn", grids.knn_k, out.options.knn_k, out.knn_hr10);
  best("ease", grids.ease_lambda, out.options.ease_lambda, out.ease_hr10);
  best("session-knn", grids.session_k, out.options.session_k, out.session_hr10);
  return out;
}

EvalReport evaluate(const Ingested& data, const EvalOptions& o,
                    const std::vector<ScoringParams>& configs) {
  require_dates(data, o);
  MineResult trained;
  trained.data = subset(data, [&](std::size_t b) { return !is_test(data, o, b); });
  if (trained.data.db.size() == 0) throw InputError("eval: the split leaves no training baskets");
  mine_db(trained, o.mine);
  std::string error;
  auto bytes = encode_bundle(make_bundle_content(trained, o.mine, "eval", "", o.catalog));
  const auto bundle_bytes = bytes.size();
  const auto bundle_gzip_bytes = gzip_size(bytes);
  auto bundle = Bundle::load(std::move(bytes), error);
  if (!bundle) throw std::runtime_error("eval: " + error);
  const auto& train = trained.data.db;
  const Cooccurrence cooc(train);
  // Ids below `sold` are the training baskets' items; the catalog's unsold items follow.
  const std::uint32_t n_items = bundle->item_count();
  const auto sold = static_cast<std::uint32_t>(train.items.size());

  // Full-data ids -> training ids (n_items when the item never occurs in training).
  std::vector<std::uint32_t> to_train(data.db.items.size());
  for (std::size_t i = 0; i < to_train.size(); ++i)
    to_train[i] = bundle->find(data.db.items.label(static_cast<ItemId>(i)));

  // Each user's baskets by day, for histories.
  const bool personal = o.use_history && data.basket_user.size() == data.db.size();
  boost::unordered_flat_map<std::uint32_t, std::vector<std::uint32_t>> by_user;
  if (personal) {
    for (std::uint32_t b = 0; b < data.db.size(); ++b)
      if (data.basket_user[b] != kNoUser) by_user[data.basket_user[b]].push_back(b);
  }

  EvalReport report;
  report.train_baskets = train.size();
  report.bundle_rules = bundle->single_rule_count() + bundle->pair_rule_count();
  report.bundle_bytes = bundle_bytes;
  report.bundle_gzip_bytes = bundle_gzip_bytes;
  report.knn_k = o.knn_k;
  report.min_count = trained.min_count;
  report.sold_items = sold;
  report.session_k = o.session_k;
  std::optional<Ease> ease;
  if (o.ease_max_items > 0) {
    ease.emplace(train, o.ease_max_items);
    report.ease_lambda = o.ease_lambda;
    report.ease_items = ease->items();
  }
  SessionKnn session(train);
  // Rows: configs, seed, popularity, cooccurrence, item-knn, [ease], session-knn, then the
  // grids' rows: item-knn@, ease@, session-knn@.
  const std::size_t seed_row = configs.size(), popular_row = seed_row + 1, cooc_row = seed_row + 2,
                    knn_row = seed_row + 3, ease_row = seed_row + 4,
                    session_row = ease_row + (ease ? 1 : 0), knn_grid_row = session_row + 1,
                    ease_grid_row = knn_grid_row + o.knn_k_grid.size(),
                    session_grid_row = ease_grid_row + (ease ? o.ease_lambda_grid.size() : 0),
                    n_methods = session_grid_row + o.session_k_grid.size();
  std::vector<Tally> tallies(n_methods);
  for (auto& t : tallies) {
    t.shown.assign(n_items, false);
    t.items = sold;
    t.bundle = bundle.get();
  }

  struct Case {
    std::vector<std::uint32_t> cart, history;
    std::uint32_t target;
  };
  std::vector<Case> cases;  // the scorer's carts, evaluated after the baselines
  std::vector<std::uint32_t> cart, history, list, candidates, eligible;
  // Items no kind may recommend: never hidden, and excluded from every method's lists alike.
  auto recommendable = [&](ItemId i) {
    const CatalogEntry* e = o.catalog ? o.catalog->find(data.db.items.label(i)) : nullptr;
    return !e || e->recommendable;
  };
  std::vector<double> score(n_items, 0.0);
  // Stamped marks: in_cart[i] == cart_stamp (cart or history: excluded), seen[i] == seen_stamp.
  std::vector<std::uint32_t> in_cart(n_items + 1, 0), seen(n_items + 1, 0);
  std::uint32_t cart_stamp = 0, seen_stamp = 0;
  // Every method gets the same exclusions: the cart and, where known, the customer's earlier
  // purchases (a cross-sell list never offers what the shopper already buys).
  auto exclude = [&](const std::vector<std::uint32_t>& cart_items,
                     const std::vector<std::uint32_t>& history_items) {
    ++cart_stamp;
    for (auto i : cart_items) in_cart[std::min(i, n_items)] = cart_stamp;
    for (auto i : history_items) in_cart[i] = cart_stamp;
    for (auto i : bundle->unrecommendable()) in_cart[i] = cart_stamp;
  };
  // A method's list: its scores summed per item (excluded items skipped), then the top 10.
  auto add_score = [&](std::uint32_t item, double s) {
    if (in_cart[item] == cart_stamp) return;
    if (seen[item] != seen_stamp) {
      seen[item] = seen_stamp;
      score[item] = 0;
      candidates.push_back(item);
    }
    score[item] += s;
  };
  auto start_list = [&] {
    candidates.clear();
    ++seen_stamp;
  };
  auto finish_list = [&](Tally& tally, std::uint32_t target) {
    top10(candidates, score, list);
    tally.add(list, target, !list.empty());
  };
  auto scored = [&](auto&& for_each_score, Tally& tally, std::uint32_t target) {
    start_list();
    for_each_score(add_score);
    finish_list(tally, target);
  };
  // Session-kNN's rows by k: a larger k only adds neighbours, so one pass over a cart's nearest
  // baskets serves every k, each taking its list when its k-th neighbour is in.
  std::vector<std::pair<std::uint32_t, Tally*>> session_rows{{o.session_k, &tallies[session_row]}};
  for (std::size_t g = 0; g < o.session_k_grid.size(); ++g)
    session_rows.emplace_back(o.session_k_grid[g], &tallies[session_grid_row + g]);
  std::stable_sort(session_rows.begin(), session_rows.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<SessionKnn::Neighbour> nearest;
  for (std::size_t b = 0; b < data.db.size(); ++b) {
    const auto basket = data.db.basket(b);
    if (!is_test(data, o, b) || basket.size() < 2) continue;
    eligible.clear();
    for (auto i : basket)
      if (recommendable(i)) eligible.push_back(i);
    if (eligible.empty()) {
      ++report.no_recommendable_target;
      continue;
    }
    // With every item recommendable this is the same pick as without a catalog.
    const auto hidden = eligible[mix(o.seed ^ (b * 2)) % eligible.size()];
    const auto target = to_train[hidden];
    cart.clear();
    for (auto i : basket)
      if (i != hidden) cart.push_back(to_train[i]);
    history.clear();
    if (personal && data.basket_user[b] != kNoUser) {
      ++seen_stamp;
      for (auto h : by_user[data.basket_user[b]]) {
        if (data.basket_day[h] >= data.basket_day[b]) continue;
        for (auto i : data.db.basket(h)) {
          const auto t = to_train[i];
          if (t < n_items && seen[t] != seen_stamp) {
            seen[t] = seen_stamp;
            history.push_back(t);
          }
        }
      }
    }
    ++report.test_carts;
    report.unknown_targets += target >= sold;

    cases.push_back({cart, history, target});

    exclude(cart, history);
    const double n = static_cast<double>(bundle->transactions());
    scored(
        [&](auto&& add) {
          for (auto a : cart)
            if (a < n_items)
              for (const auto& r : bundle->single_rules(a))
                add(r.consequent, r.count * n /
                                      (static_cast<double>(bundle->popularity(a)) *
                                       bundle->popularity(r.consequent)));
        },
        tallies[seed_row], target);
    scored(
        [&](auto&& add) {
          for (auto a : cart)
            if (a < sold)
              for (const auto& nb : cooc.of(a)) add(nb.item, nb.sim);
        },
        tallies[cooc_row], target);
    auto knn = [&](std::uint32_t k, Tally& tally) {
      scored(
          [&](auto&& add) {
            for (auto a : cart)
              if (a < sold) {
                const auto all = cooc.of(a);
                for (const auto& nb : all.first(std::min<std::size_t>(k, all.size())))
                  add(nb.item, nb.sim);
              }
          },
          tally, target);
    };
    knn(o.knn_k, tallies[knn_row]);
    for (std::size_t g = 0; g < o.knn_k_grid.size(); ++g)
      knn(o.knn_k_grid[g], tallies[knn_grid_row + g]);
    session.neighbours(cart, session_rows.back().first, nearest);
    start_list();
    std::size_t used = 0;
    for (auto [k, tally] : session_rows) {
      const auto upto = std::min<std::size_t>(k, nearest.size());
      session.score(std::span(nearest).subspan(used, upto - used), k, add_score);
      used = upto;
      finish_list(*tally, target);  // reorders candidates, keeps them
    }
    list.clear();
    for (auto i : bundle->popular_order()) {
      if (list.size() == 10) break;
      if (in_cart[i] != cart_stamp) list.push_back(i);
    }
    tallies[popular_row].add(list, target, true);
  }

  // EASE one λ at a time over all carts: each fit replaces the last (n² floats).
  if (ease) {
    std::vector<float> ease_scores;
    auto run_ease = [&](double lambda, Tally& tally) {
      ease->fit(lambda, o.mine.threads);
      for (const auto& k : cases) {
        exclude(k.cart, k.history);
        const bool any = ease->score(k.cart, ease_scores);
        scored(
            [&](auto&& add) {
              if (any)
                for (std::uint32_t j = 0; j < ease_scores.size(); ++j) add(j, ease_scores[j]);
            },
            tally, k.target);
      }
    };
    // A fit per distinct λ (each is an n³ factorisation): the main row copies a grid row's tally.
    bool main_in_grid = false;
    for (std::size_t g = 0; g < o.ease_lambda_grid.size(); ++g) {
      run_ease(o.ease_lambda_grid[g], tallies[ease_grid_row + g]);
      if (o.ease_lambda_grid[g] == o.ease_lambda && !main_in_grid) {
        tallies[ease_row] = tallies[ease_grid_row + g];
        main_in_grid = true;
      }
    }
    if (!main_in_grid) run_ease(o.ease_lambda, tallies[ease_row]);
  }

  // One configuration at a time over all carts: the scorer prepares each rule's evidence once
  // per parameter set, not once per cart.
  Scorer scorer(*bundle);
  for (std::size_t c = 0; c < configs.size(); ++c) {
    for (const auto& k : cases) {
      RecommendRequest req;
      req.cart = k.cart;
      req.history = k.history;
      req.n = 10;
      req.params = configs[c];
      req.max_per_family = o.max_per_family;
      list.clear();
      bool served = false, by_rules = false;
      for (const auto& r : scorer.recommend(req)) {
        list.push_back(r.item);
        served |= r.kind != RecommendationKind::Popular;
        by_rules |= r.kind == RecommendationKind::CrossSell;
      }
      tallies[c].add(list, k.target, served);
      if (c == 0) report.served_without_rules += served && !by_rules;
      if (c == 0 && !served) classify_unserved(*bundle, k.cart, trained.min_count, report.unserved);
    }
  }
  for (std::size_t c = 0; c < configs.size(); ++c)
    report.methods.push_back({c == 0 ? "basketlift" : "basketlift[" + std::to_string(c) + "]",
                              tallies[c].metrics(report.test_carts)});
  const auto carts = report.test_carts;
  report.methods.push_back({"seed", tallies[seed_row].metrics(carts)});
  report.methods.push_back({"popularity", tallies[popular_row].metrics(carts)});
  report.methods.push_back({"cooccurrence", tallies[cooc_row].metrics(carts)});
  report.methods.push_back({"item-knn", tallies[knn_row].metrics(carts)});
  if (ease) report.methods.push_back({"ease", tallies[ease_row].metrics(carts)});
  report.methods.push_back({"session-knn", tallies[session_row].metrics(carts)});
  for (std::size_t g = 0; g < o.knn_k_grid.size(); ++g)
    report.methods.push_back(
        {grid_row_name("item-knn", o.knn_k_grid[g]), tallies[knn_grid_row + g].metrics(carts)});
  if (ease)
    for (std::size_t g = 0; g < o.ease_lambda_grid.size(); ++g)
      report.methods.push_back({grid_row_name("ease", o.ease_lambda_grid[g]),
                                tallies[ease_grid_row + g].metrics(carts)});
  for (std::size_t g = 0; g < o.session_k_grid.size(); ++g)
    report.methods.push_back({grid_row_name("session-knn", o.session_k_grid[g]),
                              tallies[session_grid_row + g].metrics(carts)});
  // basketlift over each baseline (methods[i] is tallies[i]), with its bootstrap interval.
  for (std::size_t i = configs.size(); i < report.methods.size(); ++i)
    hr10_ratio(tallies[0], tallies[i], o.seed, report.methods[i].metrics);
  return report;
}

NextPurchaseReport evaluate_next_purchase(const Ingested& data, const EvalOptions& o,
                                          std::vector<NextPurchaseParams> configs,
                                          std::vector<TifuParams> tifu) {
  NextPurchaseReport report;
  if (configs.empty()) configs.emplace_back();
  if (tifu.empty()) tifu.emplace_back();
  report.config_p5.assign(configs.size(), 0.0);
  report.tifu_p5.assign(tifu.size(), 0.0);
  if (o.split != SplitKind::Temporal || data.basket_user.size() != data.db.size())
    throw InputError(
        "next-purchase evaluation needs --split temporal with --user-col and --date-col");
  MineResult trained;
  trained.data = subset(data, [&](std::size_t b) { return data.basket_day[b] < o.train_before; });
  mine_db(trained, o.mine);
  std::string error;
  auto bundle = Bundle::load(
      encode_bundle(make_bundle_content(trained, o.mine, "eval", "", o.catalog)), error);
  if (!bundle) throw std::runtime_error("eval: " + error);
  const auto last_day = *std::max_element(data.basket_day.begin(), data.basket_day.end());
  boost::unordered_flat_map<std::uint32_t, std::vector<std::uint32_t>> by_user;
  for (std::uint32_t b = 0; b < data.db.size(); ++b)
    if (data.basket_user[b] != kNoUser) by_user[data.basket_user[b]].push_back(b);
  std::vector<std::uint32_t> users;
  for (auto& [u, baskets] : by_user) {
    users.push_back(u);
    std::stable_sort(baskets.begin(), baskets.end(), [&](std::uint32_t a, std::uint32_t b) {
      return data.basket_day[a] < data.basket_day[b];
    });
  }
  std::sort(users.begin(), users.end());
  // TIFU-KNN's vectors depend on (m, r_b, r_g) only: one pool per distinct triple, its
  // neighbours found once at the largest k of the settings that share it.
  std::vector<std::size_t> pool_of(tifu.size());
  std::vector<std::size_t> pool_setting;  // a setting of each pool
  std::vector<std::uint32_t> pool_k;
  for (std::size_t t = 0; t < tifu.size(); ++t) {
    std::size_t p = 0;
    while (p < pool_setting.size() &&
           !(tifu[pool_setting[p]].group_size == tifu[t].group_size &&
             tifu[pool_setting[p]].within_decay == tifu[t].within_decay &&
             tifu[pool_setting[p]].group_decay == tifu[t].group_decay))
      ++p;
    if (p == pool_setting.size()) {
      pool_setting.push_back(t);
      pool_k.push_back(0);
    }
    pool_of[t] = p;
    pool_k[p] = std::max(pool_k[p], tifu[t].k);
  }

  struct Shopper {
    std::vector<std::vector<std::uint32_t>> baskets;  // before as_of, in bundle ids, oldest first
    std::vector<PurchaseEvent> history;
    std::vector<std::uint32_t> future;  // bought in [as_of, as_of + 14), sorted
    bool is_case = false;
  };
  std::vector<Shopper> shoppers;
  for (std::int32_t as_of = o.train_before; as_of + 14 <= last_day + 1; as_of += 14) {
    shoppers.clear();
    for (auto u : users) {
      Shopper s;
      std::uint32_t earlier_baskets = 0;
      for (auto b : by_user[u]) {
        const auto day = data.basket_day[b];
        if (day < as_of) {
          ++earlier_baskets;
          s.baskets.emplace_back();
        }
        for (auto i : data.db.basket(b)) {
          const auto t = bundle->find(data.db.items.label(i));
          if (t == bundle->item_count()) continue;
          if (day < as_of) {
            s.history.push_back({t, day});
            s.baskets.back().push_back(t);
          } else if (day < as_of + 14) {
            s.future.push_back(t);
          }
        }
        if (day < as_of) {
          auto& basket = s.baskets.back();
          std::sort(basket.begin(), basket.end());
          basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
          if (basket.empty()) s.baskets.pop_back();
        }
      }
      if (earlier_baskets == 0) continue;
      std::sort(s.future.begin(), s.future.end());
      s.is_case = earlier_baskets >= 2 && !s.future.empty();
      shoppers.push_back(std::move(s));
    }
    auto precision = [](const Shopper& s, const std::vector<std::uint32_t>& top) {
      double hits = 0;
      for (auto i : top) hits += std::binary_search(s.future.begin(), s.future.end(), i);
      return hits / 5;
    };
    std::vector<TifuKnn> pools;
    for (auto setting : pool_setting) {
      const auto& t = tifu[setting];
      std::vector<ItemVector> vectors;
      for (const auto& s : shoppers)
        vectors.push_back(tifu_vector(s.baskets, t.group_size, t.within_decay, t.group_decay));
      pools.emplace_back(std::move(vectors));
    }
    for (std::uint32_t c = 0; c < shoppers.size(); ++c) {
      const auto& s = shoppers[c];
      if (!s.is_case) continue;
      ++report.cases;
      // The model asked about the middle of the next 14 days, with a ±7-day window.
      NextPurchaseRequest req;
      req.history = s.history;
      req.as_of = as_of + 7;
      req.n = 5;
      req.window_days = 7;
      std::vector<std::uint32_t> top;
      for (std::size_t k = 0; k < configs.size(); ++k) {
        req.params = configs[k];
        top.clear();
        for (const auto& p : next_purchases(*bundle, req)) top.push_back(p.item);
        report.config_p5[k] += precision(s, top);
      }
      report.p_top_freq_p5 += precision(s, p_top_freq(s.baskets, 5));
      for (std::size_t p = 0; p < pools.size(); ++p) {
        const auto nearest = pools[p].neighbours(c, pool_k[p]);
        for (std::size_t t = 0; t < tifu.size(); ++t)
          if (pool_of[t] == p)
            report.tifu_p5[t] +=
                precision(s, pools[p].recommend(c, nearest, tifu[t].k, tifu[t].alpha, 5));
      }
    }
  }
  if (report.cases) {
    const auto cases = static_cast<double>(report.cases);
    for (auto& p : report.config_p5) p /= cases;
    for (auto& p : report.tifu_p5) p /= cases;
    report.p_top_freq_p5 /= cases;
  }
  report.basketlift_p5 = report.config_p5[0];
  report.tifu_knn_p5 = report.tifu_p5[0];
  return report;
}

}  // namespace basketlift
