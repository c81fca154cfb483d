// `catalog`: derive item_id,name,category,price from an order log with descriptions and prices.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"
#include "ingest/catalog.hpp"
#include "io/atomic_file.hpp"
#include "model/error.hpp"

namespace basketlift::cli {

int run_catalog(int argc, char** argv) {
  Args args(argc, argv, 2,
            {"-o", "--output", "--item-col", "--description-col", "--price-col", "--quantity-col",
             "--max-record-bytes"},
            {"--help", "-h", "--explain"});
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs(
        "usage: basketlift catalog ORDERS.csv[.gz] -o catalog.csv [--item-col StockCode]\n"
        "       [--description-col Description] [--price-col UnitPrice] [--quantity-col Quantity]\n"
        "name = most frequent description, price = median unit price (quantity and price > 0),\n"
        "category = product type parsed from the name, recommendable = 0 for postage, fees,\n"
        "adjustments and other non-merchandise (docs/catalog.md); --explain lists those on stderr\n"
        "-o - writes to stdout; outputs and exit codes: docs/cli-outputs.md\n",
        stdout);
    std::fputs(max_record_bytes_help().c_str(), stdout);
    return 0;
  }
  auto out = args.get("-o");
  const char* out_option = out ? "-o" : "--output";
  if (!out) out = args.get("--output");
  if (args.positional().size() != 1 || !out)
    throw InputError("catalog: expected ORDERS file and -o catalog.csv");
  const NamedPath outputs[] = {{out_option, *out}}, inputs[] = {{"ORDERS", args.positional()[0]}};
  check_outputs(outputs, inputs);
  DeriveCatalogOptions opt;
  opt.item_col = args.get_or("--item-col", opt.item_col);
  opt.description_col = args.get_or("--description-col", opt.description_col);
  opt.price_col = args.get_or("--price-col", opt.price_col);
  opt.quantity_col = args.get_or("--quantity-col", opt.quantity_col);
  opt.max_record_bytes = max_record_bytes(args);
  auto catalog = derive_catalog(args.positional()[0], opt);
  write_catalog_csv(*out, catalog);
  const double n = catalog.rows.empty() ? 1.0 : static_cast<double>(catalog.rows.size());
  std::fprintf(stderr,
               "%s: %zu items; category from the product vocabulary %zu (%.1f%%), from the last "
               "word %zu (%.1f%%), none (no description) %zu\n",
               out->c_str(), catalog.rows.size(), catalog.typed, 100.0 * catalog.typed / n,
               catalog.rows.size() - catalog.typed - catalog.untyped,
               100.0 * (catalog.rows.size() - catalog.typed - catalog.untyped) / n,
               catalog.untyped);
  std::size_t by_rule[5] = {};
  for (auto why : catalog.why) ++by_rule[static_cast<int>(why)];
  std::fprintf(stderr,
               "%s: not recommendable %zu: by description %zu, by code %zu, by price %zu, "
               "unpriced %zu\n",
               out->c_str(), catalog.rows.size() - by_rule[0], by_rule[1], by_rule[2], by_rule[3],
               by_rule[4]);
  if (args.flag("--explain"))
    for (std::size_t i = 0; i < catalog.rows.size(); ++i)
      if (catalog.why[i] != NonMerchandise::None)
        std::fprintf(stderr, "%s\t%s\t%s\n", non_merchandise_name(catalog.why[i]),
                     catalog.rows[i].first.c_str(), catalog.rows[i].second.name.c_str());
  return 0;
}

}  // namespace basketlift::cli
