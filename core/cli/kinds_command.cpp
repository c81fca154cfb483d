// `upsell`, `categories` and `next`: the core's other recommendation kinds, as text or as the
// JSON objects the JS API returns.
#include <cstdio>

#include "args.hpp"
#include "bundle_args.hpp"
#include "commands.hpp"
#include "ingest/input_file.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/format.hpp"
#include "model/threshold.hpp"
#include "score/complements.hpp"
#include "score/next_purchase.hpp"
#include "score/upsell.hpp"

namespace basketlift::cli {

namespace {

std::set<std::string> with(std::set<std::string> options, std::initializer_list<std::string> more) {
  options.insert(more);
  return options;
}

// "item,date" rows (header optional, dates YYYY-MM-DD[ time]).
std::vector<PurchaseEvent> read_history(const std::string& path, const Bundle& b) {
  InputFile in(path);
  CsvReader csv(in);
  std::vector<PurchaseEvent> events;
  while (csv.next()) {
    if (csv.size() < 2) throw InputError(at_line(path, csv.line(), "expected item,date"));
    std::int32_t day;
    if (!parse_day(csv.field(1), day)) {
      if (csv.line() == 1) continue;  // a header
      throw InputError(at_line(path, csv.line(),
                               "invalid date '" + std::string(csv.field(1)) + "' (YYYY-MM-DD)"));
    }
    events.push_back({b.find(csv.field(0)), day});
  }
  return events;
}

}  // namespace

int run_upsell(int argc, char** argv) {
  Args args(argc, argv, 2, with(kFilterOptions, {"--item", "--max-price-ratio"}),
            {"--json", "--help", "-h"});
  if (usage_or_bundle(
          args,
          "usage: basketlift upsell BUNDLE --item ID [--max-price-ratio " +
              format_double(UpsellRequest{}.max_price_ratio) + "] [-n " +
              std::to_string(UpsellRequest{}.n) +
              "]\n"
              "       [--exclude A,B] [--categories C] [--min-price P] [--max-price P] [--json]\n"))
    return 0;
  auto bundle = load_bundle(args.positional()[0]);
  Filters f;
  read_filters(args, *bundle, f, UpsellRequest{}.n);
  auto item = args.get("--item");
  if (!item) throw InputError("upsell: --item is required");
  UpsellRequest req;
  req.item = bundle->find(*item);
  if (req.item == bundle->item_count())
    std::fprintf(stderr, "basketlift: note: --item %s is not in the bundle: no upsells\n",
                 item->c_str());
  req.n = f.n;
  req.exclude = f.exclude;
  req.filter = f.filter;
  if (auto r = args.get("--max-price-ratio"))
    req.max_price_ratio = parse_fraction(*r, "--max-price-ratio").value();
  auto results = upsell(*bundle, req);
  const bool json = args.flag("--json");
  if (json) std::printf("[");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& u = results[i];
    if (json) {
      std::printf("%s{\"item\":%s,\"score\":%s,\"substitution\":%s,\"priceRatio\":%s}",
                  i ? "," : "", json_string(bundle->label(u.item)).c_str(),
                  format_double(u.score).c_str(), format_double(u.substitution).c_str(),
                  format_double(u.price_ratio).c_str());
    } else {
      std::printf("%2zu. %-10s %-40s price %8.2f (x%.2f)  substitution %.3f  score %.3f\n", i + 1,
                  printable(bundle->label(u.item)).c_str(), printable(bundle->name(u.item)).c_str(),
                  bundle->price(u.item), u.price_ratio, u.substitution, u.score);
    }
  }
  if (json) std::printf("]\n");
  return 0;
}

int run_categories(int argc, char** argv) {
  // Price filters apply to items, not categories: not accepted here rather than ignored.
  Args args(argc, argv, 2, {"--category", "--exclude", "--categories", "-n"},
            {"--json", "--help", "-h"});
  if (usage_or_bundle(args, "usage: basketlift categories BUNDLE --category C [-n " +
                                std::to_string(kDefaultCategoryResults) +
                                "] [--categories allow,list] [--exclude C1,C2] [--json]\n"))
    return 0;
  auto bundle = load_bundle(args.positional()[0]);
  Filters f;
  read_filters(args, *bundle, f, kDefaultCategoryResults);
  auto category = args.get("--category");
  if (!category) throw InputError("categories: --category is required");
  const auto k = bundle->find_category(*category);
  if (k == bundle->category_count()) throw InputError("unknown category '" + *category + "'");
  // Here --exclude names categories, not items.
  const auto excluded = category_ids(*bundle, args.get("--exclude"));
  auto results = complementary_categories(*bundle, k, f.n, excluded, f.categories);
  const bool json = args.flag("--json");
  if (json) std::printf("[");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& c = results[i];
    if (json) {
      std::printf("%s{\"category\":%s,\"confidence\":%s,\"lift\":%s,\"support\":%s}", i ? "," : "",
                  json_string(bundle->category_label(c.category)).c_str(),
                  format_double(c.confidence).c_str(), format_double(c.lift).c_str(),
                  format_double(c.support).c_str());
    } else {
      std::printf("%2zu. %-30s confidence %.3f  lift %.2f  support %.4f\n", i + 1,
                  printable(bundle->category_label(c.category)).c_str(), c.confidence, c.lift,
                  c.support);
    }
  }
  if (json) std::printf("]\n");
  return 0;
}

int run_next(int argc, char** argv) {
  Args args(argc, argv, 2, with(kFilterOptions, {"--history", "--as-of", "--window"}),
            {"--json", "--help", "-h"});
  if (usage_or_bundle(
          args,
          "usage: basketlift next BUNDLE --history FILE.csv (item,date) --as-of YYYY-MM-DD\n"
          "       [--window " +
              std::to_string(NextPurchaseRequest{}.window_days) + "] [-n " +
              std::to_string(NextPurchaseRequest{}.n) +
              "] [--exclude A] [--categories C] [--json]\n"))
    return 0;
  auto bundle = load_bundle(args.positional()[0]);
  Filters f;
  read_filters(args, *bundle, f, NextPurchaseRequest{}.n);
  auto history_path = args.get("--history");
  auto as_of = args.get("--as-of");
  if (!history_path || !as_of) throw InputError("next: --history and --as-of are required");
  NextPurchaseRequest req;
  if (!parse_day(*as_of, req.as_of))
    throw InputError("--as-of: invalid date '" + *as_of + "' (expected YYYY-MM-DD)");
  const auto events = read_history(*history_path, *bundle);
  req.history = events;
  req.n = f.n;
  req.exclude = f.exclude;
  req.filter = f.filter;
  if (auto w = args.get_uint("--window", INT32_MAX))
    req.window_days = static_cast<std::int32_t>(*w);
  auto results = next_purchases(*bundle, req);
  const bool json = args.flag("--json");
  if (json) std::printf("[");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (json) {
      std::printf("%s{\"item\":%s,\"probability\":%s,\"dueInDays\":%s}", i ? "," : "",
                  json_string(bundle->label(r.item)).c_str(), format_double(r.probability).c_str(),
                  format_double(r.due_in_days).c_str());
    } else {
      std::printf("%2zu. %-10s %-40s probability %.3f  due in %.1f days\n", i + 1,
                  printable(bundle->label(r.item)).c_str(), printable(bundle->name(r.item)).c_str(),
                  r.probability, r.due_in_days);
    }
  }
  if (json) std::printf("]\n");
  return 0;
}

}  // namespace basketlift::cli
