// `customers`: the customers who bought the most items again and again, with their purchase
// histories, as text or as JSON (the storefront demo's customers.json).
#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "mine/customers.hpp"
#include "mine_args.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/format.hpp"

namespace basketlift::cli {

namespace {

const char* kHelp = R"(usage: basketlift customers ORDERS --user-col COL --date-col COL [options]

The customers with the most items bought on %u or more different days, each with their purchase
history: every item with every day they bought it. Rows are read as `mine` reads them (rows with
quantity <= 0 are left out; an order's customer and date come from its first row).

  --format auto|csv      auto: csv when the header names the order and item columns
  --order-col COL        order id column (default order_id)
  --item-col COL         item column (default item_id)
  --quantity-col COL     rows with quantity <= 0 (cancellations, returns) do not count
  --user-col COL         customer column (required)
  --date-col COL         order date column, YYYY-MM-DD[ time] (required)
  --country-col COL      also export each customer's country (from their first order)
  --top N                how many customers (default %zu)
  --max-purchases N      leave out customers with more than N purchases (item-days; 0 = no
                         limit, the default): wholesale accounts would dominate
  --threads N            threads for reading (default: every core)
  --json                 JSON on stdout
  -o, --output FILE      JSON into FILE (written whole, then renamed)

JSON: [{"id", "country" (with --country-col), "orders", "repeatedItems", "first", "last",
        "history": [{"item", "date"}, ...]}], most repeated items first; a history is sorted by
date, then item; dates are YYYY-MM-DD. More in docs/customers.md.
)";

std::string to_json(const Ingested& data, const std::vector<RepeatCustomer>& customers) {
  std::string out = "[";
  for (std::size_t k = 0; k < customers.size(); ++k) {
    const auto& c = customers[k];
    if (k) out += ',';
    out += "{\"id\":" + json_string(data.users.label(c.user));
    if (!data.user_country.empty()) out += ",\"country\":" + json_string(data.user_country[c.user]);
    out += ",\"orders\":" + std::to_string(c.orders);
    out += ",\"repeatedItems\":" + std::to_string(c.repeated_items);
    out += ",\"first\":\"" + format_day(c.history.front().day) + '"';
    out += ",\"last\":\"" + format_day(c.history.back().day) + '"';
    out += ",\"history\":[";
    for (std::size_t i = 0; i < c.history.size(); ++i) {
      if (i) out += ',';
      out += "{\"item\":" + json_string(data.db.items.label(c.history[i].item)) + ",\"date\":\"" +
             format_day(c.history[i].day) + "\"}";
    }
    out += "]}";
  }
  return out + "]\n";
}

}  // namespace

int run_customers(int argc, char** argv) {
  Args args(argc, argv, 2,
            with_ingest_options(
                {"--country-col", "--top", "--max-purchases", "--threads", "-o", "--output"}),
            {"--json", "--help", "-h"});
  if (args.flag("--help") || args.flag("-h")) {
    std::printf(kHelp, RepeatCustomerOptions{}.repeat_days, RepeatCustomerOptions{}.top);
    return 0;
  }
  if (args.positional().size() != 1) {
    std::fprintf(stderr, kHelp, RepeatCustomerOptions{}.repeat_days, RepeatCustomerOptions{}.top);
    throw InputError("expected exactly one ORDERS file");
  }
  IngestOptions ingest;
  read_ingest_options(args, ingest);
  if (ingest.user_col.empty() || ingest.date_col.empty())
    throw InputError("customers: --user-col and --date-col are required");
  ingest.country_col = args.get_or("--country-col", "");
  ingest.threads = default_threads();
  if (auto n = args.get_uint("--threads")) {
    if (*n == 0 || *n > 1024) throw InputError("--threads: must be in [1, 1024]");
    ingest.threads = static_cast<unsigned>(*n);
  }
  RepeatCustomerOptions opt;
  if (auto n = args.get_uint("--top")) opt.top = static_cast<std::size_t>(*n);
  if (auto n = args.get_uint("--max-purchases")) opt.max_purchases = *n;
  auto out = args.get("-o");
  const char* out_option = out ? "-o" : "--output";
  if (!out) out = args.get("--output");
  if (out) {
    const NamedPath outputs[] = {{out_option, *out}},
                    inputs[] = {{"the order log", args.positional()[0]}};
    check_outputs(outputs, inputs);
  }

  const auto data = read_transactions(args.positional()[0], ingest);
  const auto customers = top_repeat_customers(data, opt);
  if (out) {
    AtomicFile file(*out);
    file.write(to_json(data, customers));
    file.commit();
    std::fprintf(stderr, "%s: %zu customers of %zu\n", out->c_str(), customers.size(),
                 data.users.size());
  }
  if (args.flag("--json")) {
    std::fputs(to_json(data, customers).c_str(), stdout);
  } else if (!out) {
    for (const auto& c : customers) {
      std::printf("%-12s %-20s %4u orders  %4u items on %u+ days  %5zu purchases  %s to %s\n",
                  printable(data.users.label(c.user)).c_str(),
                  printable(data.user_country.empty() ? "" : data.user_country[c.user]).c_str(),
                  c.orders, c.repeated_items, opt.repeat_days, c.history.size(),
                  format_day(c.history.front().day).c_str(),
                  format_day(c.history.back().day).c_str());
    }
  }
  return 0;
}

}  // namespace basketlift::cli
