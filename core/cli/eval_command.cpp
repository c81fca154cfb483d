// `eval`: offline evaluation on a held-out split, and `--tune` to choose scoring defaults on a
// validation split carved from the training part (never from the test split).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "args.hpp"
#include "commands.hpp"
#include "eval/evaluate.hpp"
#include "mine_args.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/format.hpp"

namespace basketlift::cli {

namespace {

// For printf's %llu.
unsigned long long u(std::uint64_t x) { return x; }

const char* kHelp = R"(usage: basketlift eval INPUT [input and mining options of 'mine'] [options]

  --split random|temporal   random: --test-percent of baskets held out (default 20, seed 42);
                            temporal: train on baskets before --train-before YYYY-MM-DD
  --seed N                  held-out baskets and hidden items (default 42)
  --catalog FILE.csv        categories: history personalisation, and answers for carts whose
                            items have no rules (unsold catalog items included, see mine's
                            --catalog-items)
  --json                    one JSON object: {"methods": {...}, "test_carts": N}
  --no-history              recommend from the cart alone (no customer history)
  --max-per-family N        basketlift recommends at most N items per family (catalog category;
                            default 0: no limit); the report's families@4 shows the effect
  --similar-weight W        the scorer's weight on new products' similar names (default 1;
                            for choosing it with --validation)
  --learned-weight W        the scorer's weight on the bundle's learned weights (default
                            {learned_weight}; for choosing it with --validation)
  --validation              evaluate on the validation split --tune uses (the training part,
                            split again; temporal: its last 60 days) instead of the test split
  --tune                    evaluate a grid of scoring settings on a validation split taken
                            from the training part (temporal: its last 60 days), not the test
  --knn-k K                 the item-kNN baseline's k: each item's K most similar items
                            (default {knn_k}); auto: the best of 1 to 500 on the validation
                            split (another mining run), named on stderr
  --ease-lambda L           the EASE baseline's L2 weight (default auto: the best on the
                            validation split of {ease_grid})
  --ease-max-items N        EASE models the N most popular training items (default
                            {ease_max_items}; memory and time grow as N² and N³); 0: no EASE
  --session-k K             the session-kNN baseline's neighbour baskets (default auto: the
                            best on the validation split of {session_grid})
  --next-only               temporal split: only the next-purchase evaluation (nextPurchases
                            against P-TopFreq and TIFU-KNN)
  --tune-next               temporal split: evaluate grids of nextPurchases' and TIFU-KNN's
                            settings on the training part's last 84 days (bundle mined on the
                            days before)
mining defaults here: --min-support {min_support} --min-confidence {min_confidence} (the
smallest bundle as good as the larger ones on Online Retail's validation split);
--threads N as for mine (reading, FP-growth and EASE's solve)
)";

const char* aggregation_name(const ScoringParams& p) {
  if (p.aggregation == Aggregation::NoisyOr) return "noisy-or";
  static const char* kMax[] = {"max-confidence", "max-lift", "max-conf*sqrt(lift)"};
  static const char* kSum[] = {"sum-confidence", "sum-lift", "sum-conf*sqrt(lift)"};
  return (p.aggregation == Aggregation::Max ? kMax : kSum)[static_cast<int>(p.evidence)];
}

// The next-purchase figures as a JSON object.
std::string next_json(const NextPurchaseReport& next) {
  return "{\"cases\": " + std::to_string(next.cases) +
         ", \"basketlift_p@5\": " + format_double(next.basketlift_p5) +
         ", \"p_top_freq_p@5\": " + format_double(next.p_top_freq_p5) +
         ", \"tifu_knn_p@5\": " + format_double(next.tifu_knn_p5) + "}";
}

void print_json(const EvalReport& r, const std::optional<NextPurchaseReport>& next) {
  std::printf("{\"methods\": {");
  for (std::size_t i = 0; i < r.methods.size(); ++i) {
    const auto& m = r.methods[i].metrics;
    std::printf(
        "%s%s: {\"hr@5\": %s, \"hr@10\": %s, \"mrr@10\": %s, \"coverage\": %s, \"served\": %s, "
        "\"families@4\": %s",
        i ? ", " : "", json_string(r.methods[i].name).c_str(), format_double(m.hr5).c_str(),
        format_double(m.hr10).c_str(), format_double(m.mrr10).c_str(),
        format_double(m.coverage).c_str(), format_double(m.served).c_str(),
        format_double(m.families4).c_str());
    // basketlift's HR@10 over this baseline's, with its 95 % bootstrap interval (a bound is null
    // when resamples where the baseline hits nothing make it unbounded).
    auto bound = [](double x) { return std::isfinite(x) ? format_double(x) : std::string("null"); };
    if (std::isfinite(m.ratio))
      std::printf(", \"basketlift_hr@10_ratio\": %s, \"ratio_ci95\": [%s, %s]",
                  format_double(m.ratio).c_str(), bound(m.ratio_lo).c_str(),
                  bound(m.ratio_hi).c_str());
    std::printf("}");
  }
  std::printf("}");
  if (next) std::printf(", \"next_purchase\": %s", next_json(*next).c_str());
  const auto& un = r.unserved;
  std::printf(
      ", \"knn_k\": %u, \"ease_lambda\": %s, \"ease_items\": %u, \"session_k\": %u, "
      "\"test_carts\": %llu, \"train_baskets\": %llu, \"bundle_rules\": %llu, "
      "\"bundle_bytes\": %llu, \"bundle_gzip_bytes\": %llu, \"min_count\": %llu, "
      "\"unknown_targets\": %llu, "
      "\"no_recommendable_target\": %llu, "
      "\"served_without_rules\": %llu, \"unserved\": {\"unknown_items\": %llu, "
      "\"below_support\": %llu, \"no_rules\": %llu, "
      "\"all_excluded\": %llu}}\n",
      r.knn_k, format_double(r.ease_lambda).c_str(), r.ease_items, r.session_k, u(r.test_carts),
      u(r.train_baskets), u(r.bundle_rules), u(r.bundle_bytes), u(r.bundle_gzip_bytes),
      u(r.min_count), u(r.unknown_targets), u(r.no_recommendable_target), u(r.served_without_rules),
      u(un.unknown_items), u(un.below_support), u(un.no_rules), u(un.all_excluded));
}

void print_table(const EvalReport& r) {
  std::printf("%llu test carts, %llu training baskets, %llu rules in the bundle\n", u(r.test_carts),
              u(r.train_baskets), u(r.bundle_rules));
  std::printf("%-14s %7s %7s %7s %9s %7s %11s  %s\n", "method", "HR@5", "HR@10", "MRR@10",
              "coverage", "served", "families@4", "basketlift HR@10 / this [95% CI]");
  for (const auto& [name, m] : r.methods) {
    std::printf("%-14s %7.4f %7.4f %7.4f %9.4f %7.4f %11.3f", name.c_str(), m.hr5, m.hr10, m.mrr10,
                m.coverage, m.served, m.families4);
    if (std::isfinite(m.ratio))
      std::printf("  %.2f [%.2f, %.2f]", m.ratio, m.ratio_lo, m.ratio_hi);  // "inf": unbounded
    std::printf("\n");
  }
  const auto& un = r.unserved;
  std::printf(
      "basketlift served %llu carts with no item rule firing (by new products' similar names or "
      "the cart's categories)\n"
      "basketlift served %llu carts only the popular fill: %llu hold no item seen in training, "
      "%llu only items below the min count (%u baskets), %llu frequent items without rules, "
      "%llu rules whose consequents are all in the cart or history\n"
      "%llu carts hide an item never sold in training (only similar names can reach it)\n"
      "%llu test baskets hold no recommendable item (none is hidden: not carts)\n",
      u(r.served_without_rules), u(un.total()), u(un.unknown_items), u(un.below_support),
      r.min_count, u(un.no_rules), u(un.all_excluded), u(r.unknown_targets),
      u(r.no_recommendable_target));
}

int tune(const Ingested& data, const EvalOptions& opt) {
  const auto grid = scoring_tuning_grid();
  std::printf("validation split of the training part; HR@10 per setting\n");
  std::printf("%-12s %-15s %5s %8s %7s %7s %7s\n", "min-support", "aggregation", "pair", "affinity",
              "HR@5", "HR@10", "MRR@10");
  for (const std::string s : kTuningMinSupports) {
    EvalOptions o = opt;
    o.mine.min_support = parse_fraction(s, "--min-support");
    const auto report = evaluate_validation(data, o, grid);
    for (std::size_t i = 0; i < grid.size(); ++i) {
      const auto& m = report.methods[i].metrics;
      std::printf("%-12s %-20s %5.1f %8.1f %9.1f %7.4f %7.4f %7.4f\n", s.c_str(),
                  aggregation_name(grid[i]), grid[i].pair_weight, grid[i].affinity_weight,
                  grid[i].smoothing, m.hr5, m.hr10, m.mrr10);
    }
    for (std::size_t i = grid.size(); i < report.methods.size(); ++i)
      std::printf("%-12s %-20s %5s %8s %9s %7.4f %7.4f %7.4f\n", s.c_str(),
                  report.methods[i].name.c_str(), "", "", "", report.methods[i].metrics.hr5,
                  report.methods[i].metrics.hr10, report.methods[i].metrics.mrr10);
  }
  return 0;
}

void print_next(const NextPurchaseReport& next) {
  std::printf(
      "next purchase, %llu (customer, as-of) cases, precision@5 over the next 14 days:\n"
      "  basketlift nextPurchases %.4f\n  P-TopFreq                %.4f\n"
      "  TIFU-KNN                 %.4f\n",
      static_cast<unsigned long long>(next.cases), next.basketlift_p5, next.p_top_freq_p5,
      next.tifu_knn_p5);
}

constexpr std::int32_t kNextValidationDays = 84;

int tune_next(const Ingested& data, const EvalOptions& opt) {
  if (opt.split != SplitKind::Temporal || data.basket_user.empty())
    throw InputError("--tune-next needs --split temporal with --user-col and --date-col");
  const auto train = training_part(data, opt);
  const auto v = validation_options(train, opt, kNextValidationDays);
  std::vector<NextPurchaseParams> grid;
  for (double interval : {0.0, 0.1, 0.25, 0.5, 0.75, 1.0})
    for (double half_life : {0.0, 90.0, 180.0, 365.0})
      for (double prior : {0.0, 3.0, 10.0, 30.0, 100.0})
        grid.push_back({interval, half_life, prior});
  std::vector<TifuParams> tifu;
  for (std::uint32_t m : kTifuGroupSizeGrid)
    for (double rb : kTifuWithinDecayGrid)
      for (double rg : kTifuGroupDecayGrid)
        for (std::uint32_t k : kTifuKGrid)
          for (double alpha : kTifuAlphaGrid) tifu.push_back({m, rb, rg, k, alpha});
  const auto report = evaluate_next_purchase(train, v, grid, tifu);
  std::printf("validation: as-of days from %s, %llu (customer, as-of) cases; precision@5\n",
              format_day(v.train_before).c_str(), static_cast<unsigned long long>(report.cases));
  std::printf("%-9s %-10s %-6s %7s\n", "interval", "half-life", "prior", "P@5");
  for (std::size_t i = 0; i < grid.size(); ++i)
    std::printf("%-9.2f %-10.0f %-6.0f %7.4f\n", grid[i].interval_weight, grid[i].half_life_days,
                grid[i].prior_visits, report.config_p5[i]);
  std::printf("P-TopFreq                        %7.4f\n", report.p_top_freq_p5);
  std::printf("\nTIFU-KNN\n%-4s %-5s %-5s %-5s %-6s %7s\n", "m", "r_b", "r_g", "k", "alpha", "P@5");
  for (std::size_t i = 0; i < tifu.size(); ++i)
    std::printf("%-4u %-5.2f %-5.2f %-5u %-6.2f %7.4f\n", tifu[i].group_size, tifu[i].within_decay,
                tifu[i].group_decay, tifu[i].k, tifu[i].alpha, report.tifu_p5[i]);
  return 0;
}

}  // namespace

int run_eval(int argc, char** argv) {
  Args args(argc, argv, 2,
            with_mine_options({"--split", "--train-before", "--test-percent", "--seed", "--catalog",
                               "--similar-weight", "--learned-weight", "--max-per-family",
                               "--knn-k", "--ease-lambda", "--ease-max-items", "--session-k"}),
            {"--json", "--tune", "--tune-next", "--next-only", "--no-history", "--validation",
             "--help", "-h"});
  if (args.flag("--help") || args.flag("-h")) {
    // The core's defaults and grids in place of the {placeholders}.
    std::string help = kHelp;
    auto put = [&](const std::string& key, const std::string& value) {
      const auto at = help.find(key);
      help = help.substr(0, at) + value + help.substr(at + key.size());
    };
    auto list = [](const auto& grid) {
      std::string out;
      for (const auto g : grid) out += (out.empty() ? "" : ", ") + format_double(g);
      return out;
    };
    put("{learned_weight}", format_double(ScoringParams{}.learned_weight));
    put("{min_support}", format_double(kEvalMinSupport.value()));
    put("{min_confidence}", format_double(kEvalMinConfidence.value()));
    put("{knn_k}", std::to_string(kDefaultKnnK));
    put("{ease_grid}", list(kEaseLambdaGrid));
    put("{ease_max_items}", std::to_string(kEaseMaxItems));
    put("{session_grid}", list(kSessionKGrid));
    std::fputs((help + max_record_bytes_help()).c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1) throw InputError("eval: expected exactly one INPUT file");
  EvalOptions opt;
  opt.mine.min_support = kEvalMinSupport;
  opt.mine.rules.min_confidence = kEvalMinConfidence;
  read_mine_options(args, opt.mine);
  const auto split = args.get_or("--split", "random");
  if (split == "temporal") {
    opt.split = SplitKind::Temporal;
    auto before = args.get("--train-before");
    if (!before || !parse_day(*before, opt.train_before))
      throw InputError("--train-before: expected YYYY-MM-DD with --split temporal");
  } else if (split != "random") {
    throw InputError("--split: expected random or temporal, got '" + split + "'");
  }
  if (auto p = args.get_uint("--test-percent")) {
    if (*p == 0 || *p >= 100) throw InputError("--test-percent: must be in [1, 99]");
    opt.test_percent = static_cast<std::uint32_t>(*p);
  }
  if (auto s = args.get_uint("--seed")) opt.seed = *s;
  opt.use_history = !args.flag("--no-history");
  if (auto m = args.get_uint("--max-per-family"))
    opt.max_per_family = static_cast<std::uint32_t>(*m);
  const bool knn_auto = args.get("--knn-k") == "auto";
  if (!knn_auto)
    if (auto k = args.get_uint("--knn-k", UINT32_MAX)) {
      if (*k == 0) throw InputError("--knn-k: must be at least 1 or auto");
      opt.knn_k = static_cast<std::uint32_t>(*k);
    }
  const bool ease_auto = args.get_or("--ease-lambda", "auto") == "auto";
  if (!ease_auto) {
    const auto l = *args.get("--ease-lambda");
    opt.ease_lambda = parse_fraction(l, "--ease-lambda").value();
    if (!(opt.ease_lambda > 0))
      throw InputError("--ease-lambda: expected a positive number or auto, got '" + l + "'");
  }
  if (auto n = args.get_uint("--ease-max-items", UINT32_MAX))
    opt.ease_max_items = static_cast<std::uint32_t>(*n);
  const bool session_auto = args.get_or("--session-k", "auto") == "auto";
  if (!session_auto)
    if (auto k = args.get_uint("--session-k", UINT32_MAX)) {
      if (*k == 0) throw InputError("--session-k: must be at least 1 or auto");
      opt.session_k = static_cast<std::uint32_t>(*k);
    }
  BaselineGrids grids;  // the settings left to the validation split
  if (knn_auto) grids.knn_k = {std::begin(kKnnKGrid), std::end(kKnnKGrid)};
  if (ease_auto && opt.ease_max_items > 0)
    grids.ease_lambda = {std::begin(kEaseLambdaGrid), std::end(kEaseLambdaGrid)};
  if (session_auto) grids.session_k = {std::begin(kSessionKGrid), std::end(kSessionKGrid)};
  std::optional<Catalog> catalog;
  if (auto path = args.get("--catalog")) {
    catalog = read_catalog(*path, opt.mine.ingest.max_record_bytes);
    opt.catalog = &*catalog;
  }
  ScoringParams scoring;
  if (auto w = args.get("--similar-weight"))
    scoring.similar_weight = parse_fraction(*w, "--similar-weight").value();
  if (auto w = args.get("--learned-weight"))
    scoring.learned_weight = parse_fraction(*w, "--learned-weight").value();
  const auto data = read_transactions(args.positional()[0], opt.mine.ingest);
  if (args.flag("--tune")) return tune(data, opt);
  if (args.flag("--tune-next")) return tune_next(data, opt);
  if (args.flag("--next-only")) {
    if (opt.split != SplitKind::Temporal || data.basket_user.empty())
      throw InputError("--next-only needs --split temporal with --user-col and --date-col");
    const auto next = evaluate_next_purchase(data, opt);
    if (args.flag("--json"))
      std::printf("{\"next_purchase\": %s}\n", next_json(next).c_str());
    else
      print_next(next);
    return 0;
  }
  if (args.flag("--validation")) {
    // Each candidate of an `auto` setting is reported as its own row.
    auto v = opt;
    v.knn_k_grid = grids.knn_k;
    v.ease_lambda_grid = grids.ease_lambda;
    v.session_k_grid = grids.session_k;
    const auto report = evaluate_validation(data, v, {scoring});
    if (args.flag("--json"))
      print_json(report, std::nullopt);
    else
      print_table(report);
    return 0;
  }
  std::optional<ValidationChoice> chosen;
  if (!grids.knn_k.empty() || !grids.ease_lambda.empty() || !grids.session_k.empty()) {
    chosen = choose_on_validation(data, opt, grids, scoring);
    opt = chosen->options;
  }
  const auto report = evaluate(data, opt, {scoring});
  if (chosen) {
    auto say = [](const char* what, const std::string& value, const std::optional<double>& hr10) {
      if (hr10)
        std::fprintf(stderr, "eval: %s = %s, the best on the validation split (HR@10 %s)\n", what,
                     value.c_str(), format_double(*hr10).c_str());
    };
    say("item-knn k", std::to_string(opt.knn_k), chosen->knn_hr10);
    say("ease lambda", format_double(opt.ease_lambda), chosen->ease_hr10);
    say("session-knn k", std::to_string(opt.session_k), chosen->session_hr10);
  }
  if (report.ease_items > 0 && report.ease_items < report.sold_items)
    std::fprintf(stderr,
                 "eval: ease models the %u most popular of the %u training items "
                 "(--ease-max-items); the others get no EASE score\n",
                 report.ease_items, report.sold_items);
  std::optional<NextPurchaseReport> next;
  if (opt.split == SplitKind::Temporal && !data.basket_user.empty())
    next = evaluate_next_purchase(data, opt);
  if (args.flag("--json")) {
    print_json(report, next);
  } else {
    print_table(report);
    if (next) {
      std::printf("\n");
      print_next(*next);
    }
  }
  return 0;
}

}  // namespace basketlift::cli
