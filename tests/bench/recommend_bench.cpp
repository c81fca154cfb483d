// Native side of the "scoring" bench section (tests/bench/scoring.mjs): loads a bundle with the
// core exactly as the CLI does (Bundle::load + Scorer) and times Scorer::recommend on carts the
// JS side wrote, one cart a line, item labels separated by tabs. Prints one JSON object.
//
// usage: recommend_bench BUNDLE.blb WARMUP CALLS SAMPLES N CARTS_FILE...
//   batched: CALLS calls (cycling through the carts) in short rounds of about kRoundNs each,
//            sized from the warm-up; ns_per_call is the median round's time / calls per round,
//            so a round that lost the CPU to another process does not count.
//   samples: SAMPLES single calls, each timed with steady_clock, for p50 / p99.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bundle/bundle.hpp"
#include "score/recommend.hpp"

using namespace basketlift;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kRoundNs = 500e3;

double ns_between(Clock::time_point a, Clock::time_point b) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

double quantile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  const auto at = static_cast<std::size_t>(q * static_cast<double>(xs.size() - 1) + 0.5);
  return xs[std::min(at, xs.size() - 1)];
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const auto m = xs.size() / 2;
  return xs.size() % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

std::vector<std::uint8_t> read_bytes(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "recommend_bench: cannot read %s\n", path);
    std::exit(1);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One cart a line, labels separated by tabs. Unknown labels are reported, not dropped silently.
std::vector<std::vector<std::uint32_t>> read_carts(const Bundle& b, const char* path,
                                                   std::size_t& unknown) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "recommend_bench: cannot read %s\n", path);
    std::exit(1);
  }
  std::vector<std::vector<std::uint32_t>> carts;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::uint32_t> cart;
    std::size_t from = 0;
    while (from <= line.size()) {
      auto to = line.find('\t', from);
      if (to == std::string::npos) to = line.size();
      const auto id = b.find(std::string_view(line).substr(from, to - from));
      if (id >= b.item_count()) ++unknown;
      cart.push_back(id);
      from = to + 1;
    }
    carts.push_back(std::move(cart));
  }
  return carts;
}

// FNV-1a over the result labels, the same as scoring.mjs computes over the wasm results: the two
// builds must recommend the same items in the same order.
std::uint32_t fnv(std::uint32_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr int kFirstCarts = 6;
  if (argc <= kFirstCarts) {
    std::fprintf(stderr, "usage: recommend_bench BUNDLE WARMUP CALLS SAMPLES N CARTS...\n");
    return 2;
  }
  const std::size_t warmup = std::max(1ul, std::strtoul(argv[2], nullptr, 10));
  const std::size_t calls = std::strtoul(argv[3], nullptr, 10);
  const std::size_t samples = std::max(1ul, std::strtoul(argv[4], nullptr, 10));
  const auto n = static_cast<std::uint32_t>(std::strtoul(argv[5], nullptr, 10));

  // Load time from bytes already in memory (the copy Bundle::load takes ownership of is made
  // outside the timed region), median of several loads.
  const auto file = read_bytes(argv[1]);
  std::vector<double> load_ns;
  std::unique_ptr<Bundle> bundle;
  for (int i = 0; i < 7; ++i) {
    auto copy = file;
    std::string error;
    const auto t0 = Clock::now();
    auto b = Bundle::load(std::move(copy), error);
    auto scorer = b ? std::make_unique<Scorer>(*b) : nullptr;
    const auto t1 = Clock::now();
    if (!b) {
      std::fprintf(stderr, "recommend_bench: %s: %s\n", argv[1], error.c_str());
      return 1;
    }
    load_ns.push_back(ns_between(t0, t1));
    bundle = std::move(b);
  }
  const Bundle& b = *bundle;
  Scorer scorer(b);

  // What it costs to read the clock, to judge the single-call figures.
  std::vector<double> empty;
  for (int i = 0; i < 10000; ++i) {
    const auto t0 = Clock::now();
    const auto t1 = Clock::now();
    empty.push_back(ns_between(t0, t1));
  }

  std::printf(
      "{\"bundle_bytes\": %zu, \"load_ms\": %.4f, \"timer_overhead_ns\": %.1f, \"files\": [",
      b.byte_size(), median(load_ns) / 1e6, median(empty));
  std::uint64_t sink = 0;
  for (int f = kFirstCarts; f < argc; ++f) {
    std::size_t unknown = 0;
    const auto carts = read_carts(b, argv[f], unknown);
    if (carts.empty()) {
      std::fprintf(stderr, "recommend_bench: no carts in %s\n", argv[f]);
      return 1;
    }
    RecommendRequest req;
    req.n = n;
    auto call = [&](std::size_t i) {
      req.cart = carts[i % carts.size()];
      const auto results = scorer.recommend(req);
      sink += results.size() + (results.empty() ? 0 : results[0].item);
    };

    // Parity hash and what the core does per cart (rules fired, pair lookups, candidates).
    std::uint32_t hash = 2166136261u;
    double single_fired = 0, pair_lookups = 0, pairs_found = 0, pair_fired = 0, candidates = 0;
    std::vector<double> fired;  // per cart: single + pair rules
    for (const auto& cart : carts) {
      const double before = single_fired + pair_fired;
      req.cart = cart;
      for (const auto& r : scorer.recommend(req)) hash = fnv(fnv(hash, b.label(r.item)), "\n");
      hash = fnv(hash, "\x1e");
      std::vector<std::uint32_t> items;
      for (auto id : cart)
        if (id < b.item_count() && std::find(items.begin(), items.end(), id) == items.end())
          items.push_back(id);
      std::set<std::uint32_t> touched;
      for (auto a : items)
        for (const auto& r : b.single_rules(a)) {
          ++single_fired;
          touched.insert(r.consequent);
        }
      for (std::size_t i = 0; i < items.size(); ++i)
        for (std::size_t j = i + 1; j < items.size(); ++j) {
          ++pair_lookups;
          std::uint32_t count = 0;
          const auto rules = b.pair_rules(items[i], items[j], &count);
          if (!rules.empty()) ++pairs_found;
          for (const auto& r : rules) {
            ++pair_fired;
            touched.insert(r.consequent);
          }
        }
      for (auto a : items) touched.erase(a);
      candidates += static_cast<double>(touched.size());
      fired.push_back(single_fired + pair_fired - before);
    }
    const double k = static_cast<double>(carts.size());

    const auto w0 = Clock::now();
    for (std::size_t i = 0; i < warmup; ++i) call(i);
    const double estimate = ns_between(w0, Clock::now()) / static_cast<double>(warmup);
    const auto per_round = static_cast<std::size_t>(std::clamp(kRoundNs / estimate, 10.0, 5000.0));
    const auto rounds = std::max<std::size_t>(5, (calls + per_round - 1) / per_round);
    std::vector<double> round_ns;
    for (std::size_t r = 0; r < rounds; ++r) {
      const auto t0 = Clock::now();
      for (std::size_t i = 0; i < per_round; ++i) call(r * per_round + i);
      round_ns.push_back(ns_between(t0, Clock::now()) / static_cast<double>(per_round));
    }
    std::vector<double> single;
    single.reserve(samples);
    for (std::size_t i = 0; i < samples; ++i) {
      const auto t0 = Clock::now();
      call(i);
      single.push_back(ns_between(t0, Clock::now()));
    }

    std::printf(
        "%s{\"file\": \"%s\", \"carts\": %zu, \"unknown_labels\": %zu, \"hash\": %u, "
        "\"rounds\": %zu, \"calls_per_round\": %zu, \"ns_per_call\": %.1f, \"p50_ns\": %.1f, "
        "\"p99_ns\": %.1f, \"max_ns\": %.1f, \"single_rules_fired\": %.2f, \"pair_lookups\": %.2f, "
        "\"pairs_with_rules\": %.2f, \"pair_rules_fired\": %.2f, \"candidates\": %.2f, "
        "\"rules_fired_p50\": %.0f, \"rules_fired_p99\": %.0f, \"rules_fired_max\": %.0f}",
        f == kFirstCarts ? "" : ", ", argv[f], carts.size(), unknown, hash, rounds, per_round,
        median(round_ns), quantile(single, 0.5), quantile(single, 0.99), quantile(single, 1.0),
        single_fired / k, pair_lookups / k, pairs_found / k, pair_fired / k, candidates / k,
        quantile(fired, 0.5), quantile(fired, 0.99), quantile(fired, 1.0));
  }
  std::printf("], \"sink\": %llu}\n", static_cast<unsigned long long>(sink % 1000));
  return 0;
}
