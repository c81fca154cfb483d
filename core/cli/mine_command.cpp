#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <numeric>

#include "args.hpp"
#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "io/files.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "mine/writers.hpp"
#include "mine_args.hpp"
#include "model/error.hpp"
#include "model/format.hpp"

namespace basketlift::cli {

namespace {

const char* kHelp = R"(usage: basketlift mine INPUT [options]

input:
  --format auto|csv|basket   auto: a column option means an order log; else .dat/.txt are
                             baskets; a CSV whose header names the order and item columns is an
                             order log; a table without them is an error; other files are
                             baskets (',' in a .csv). Limits, dates: docs/input-formats.md
  --order-col NAME           order id column (csv; default order_id)
  --item-col NAME            item id column (csv; default item_id)
  --quantity-col NAME        rows with quantity <= 0 are skipped (csv)
  --sep C                    item separator (basket; default: whitespace)
  --user-col NAME            customer column (csv): with --date-col, the bundle gets
  --date-col NAME            per-item repurchase intervals for next-purchase prediction
  --catalog FILE.csv         item_id,name,category,price: stored in the bundle (names,
                             categories, prices, category rules)
  --catalog-items all|sold   all (default): catalog items no basket holds are kept too
                             (popularity 0), so carts of new products get answers from
                             their categories; sold: only items the baskets hold
  --similar K                each unsold catalog item's K most similarly named items (word
                             TF-IDF cosine), its link to the rest (default 5; 0 = none)
mining:
  --min-support F            fraction in (0,1]; frequent when count >= ceil(F*N) (default 0.01)
  --min-count N              absolute count (overrides --min-support)
  --max-len K                longest itemset (default 3; 0 = unlimited)
  --algorithm fpgrowth|eclat (default fpgrowth)
rules:
  --min-confidence F         (default 0; compared exactly)
  --min-lift F               (default 0)
  --max-consequent-len K     (default 1; 0 = unlimited)
output:
 -o, --output FILE.blb      write the rule bundle the storefront loads
  --max-rules-per-antecedent K  rules the bundle keeps per antecedent, the most confident
                             (default 20; 0 = all)
  --neighbours K             each item's K most co-purchased items (cosine, no support
                             threshold) kept for the scorer (default 3; 0 = none)
  --itemsets-out FILE        one itemset a line: items separated by a space, a tab, the count
  --rules-out FILE.csv       rules with mlxtend's columns
  --summary json             one JSON object on stdout instead of the human summary
  --top N                    rules shown in the human summary, by lift (default 10)
performance:
  --threads N                threads for reading, parsing and mining (default: every core);
                             the results are the same for any N

Outputs appear together, each renamed into place only when all are complete: an error or
an interruption (Ctrl-C, SIGTERM) leaves the previous files as they were and no temp files.
)";

const char* format_name(InputFormat f) {
  return f == InputFormat::Csv ? "csv" : f == InputFormat::Basket ? "basket" : "auto";
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

void print_top_rules(const MineResult& r, std::size_t top) {
  const auto n = r.data.db.size();
  const auto& t = r.itemsets;
  std::vector<std::size_t> order(r.rules.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto lift = [&](std::size_t k) {
    const auto& x = r.rules[k];
    return rule_metrics(t.counts[x.antecedent], t.counts[x.consequent], t.counts[x.itemset], n)
        .lift;
  };
  top = std::min(top, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                    [&](std::size_t a, std::size_t b) {
                      double la = lift(a), lb = lift(b);
                      return la != lb ? la > lb : a < b;
                    });
  if (top) std::printf("\ntop %zu rules by lift:\n", top);
  for (std::size_t k = 0; k < top; ++k) {
    const auto& x = r.rules[order[k]];
    auto m = rule_metrics(t.counts[x.antecedent], t.counts[x.consequent], t.counts[x.itemset], n);
    std::printf("  %s -> %s  support %.4f  confidence %.3f  lift %.2f\n",
                join_labels(r.data.db.items, t.itemset(x.antecedent), " + ").c_str(),
                join_labels(r.data.db.items, t.itemset(x.consequent), " + ").c_str(), m.support,
                m.confidence, m.lift);
  }
}

}  // namespace

int run_mine(int argc, char** argv) {
  Args args(argc, argv, 2,
            with_mine_options({"--itemsets-out", "--rules-out", "--summary", "--top", "-o",
                               "--output", "--catalog"}),
            {"--help", "-h"});
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs((kHelp + max_record_bytes_help()).c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1)
    throw InputError("mine: expected exactly one INPUT file (see basketlift mine --help)");
  const auto start = std::chrono::steady_clock::now();

  MineOptions opt;
  const std::string input = args.positional()[0];
  read_mine_options(args, opt);
  std::optional<Catalog> catalog;
  if (auto path = args.get("--catalog")) catalog = read_catalog(*path, opt.ingest.max_record_bytes);
  const auto summary = args.get_or("--summary", "text");
  if (summary != "json" && summary != "text")
    throw InputError("--summary: expected json or text, got '" + summary + "'");
  const auto top = args.get_uint("--top").value_or(10);
  auto bundle_path = args.get("-o");
  if (!bundle_path) bundle_path = args.get("--output");
  // Every output must be creatable before any is written: otherwise a bad --rules-out would
  // fail only after --itemsets-out was already renamed into place. The probe's temp is removed.
  for (const auto& path : {args.get("--itemsets-out"), args.get("--rules-out"), bundle_path})
    if (path) {
      AtomicFile probe(*path);
    }

  const bool tty = isatty(STDERR_FILENO);
  using Clock = std::chrono::steady_clock;
  const auto ingest_start = Clock::now();
  auto since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  if (tty) {
    opt.ingest.progress_bytes = [&](std::uint64_t lines, std::uint64_t bytes) {
      const double s = std::max(since(ingest_start), 1e-9);
      std::fprintf(stderr, "\rreading: %.1f M rows, %.0f MB, %.2f M rows/s, %.0f MB/s   ",
                   static_cast<double>(lines) / 1e6, static_cast<double>(bytes) / 1e6,
                   static_cast<double>(lines) / s / 1e6, static_cast<double>(bytes) / s / 1e6);
    };
  }
  MineResult r;
  r.data = read_transactions(input, opt.ingest);
  const double ingest_seconds = since(ingest_start);
  if (tty) std::fputs("\r\033[Kmining...\r", stderr);
  const auto mining_start = Clock::now();
  mine_db(r, opt);
  const double mining_seconds = since(mining_start);
  if (tty) std::fputs("\r\033[Kwriting...\r", stderr);
  // Every output is written to its temp first; then all are renamed together.
  std::vector<std::unique_ptr<AtomicFile>> files;
  if (auto path = args.get("--itemsets-out")) {
    files.push_back(std::make_unique<AtomicFile>(*path));
    write_itemsets(*files.back(), r.itemsets, r.data.db.items);
  }
  if (auto path = args.get("--rules-out")) {
    files.push_back(std::make_unique<AtomicFile>(*path));
    write_rules_csv(*files.back(), r.rules, r.itemsets, r.data.db.items, r.data.db.size());
  }
  if (bundle_path) {
    const auto slash = input.find_last_of('/');
    files.push_back(std::make_unique<AtomicFile>(*bundle_path));
    write_bundle(*files.back(), make_bundle_content(r, opt, input.substr(slash + 1), utc_now(),
                                                    catalog ? &*catalog : nullptr));
  }
  std::vector<AtomicFile*> pending;
  for (auto& f : files) pending.push_back(f.get());
  commit_together(pending);
  if (tty) std::fputs("\r\033[K", stderr);
  const double seconds = since(start);

  const auto& st = r.data.stats;
  const double per_second = ingest_seconds > 0 ? 1 / ingest_seconds : 0;
  const double rows_per_second = static_cast<double>(st.lines) * per_second;
  const double mb_per_second = static_cast<double>(st.bytes) / 1e6 * per_second;
  const auto ull = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  if (summary == "json") {
    std::printf(
        "{\"transactions\": %zu, \"items\": %zu, \"frequent_itemsets\": %zu, \"rules\": %zu, "
        "\"seconds\": %.6f, \"min_count\": %u, \"rows\": %llu, \"rows_skipped\": %llu, "
        "\"rows_skipped_quantity\": %llu, \"rows_skipped_empty\": %llu, \"duplicates\": %llu, "
        "\"distinct_baskets\": %zu, \"bytes\": %llu, \"threads\": %u, "
        "\"ingest_seconds\": %.6f, \"mining_seconds\": %.6f, \"rows_per_second\": %.1f, "
        "\"mb_per_second\": %.3f}\n",
        r.data.db.size(), r.data.db.items.size(), r.itemsets.size(), r.rules.size(), seconds,
        r.min_count, ull(st.lines), ull(st.skipped_quantity + st.skipped_empty),
        ull(st.skipped_quantity), ull(st.skipped_empty), ull(st.duplicates), r.data.db.rows(),
        ull(st.bytes), opt.threads, ingest_seconds, mining_seconds, rows_per_second, mb_per_second);
  } else {
    std::printf("%s (%s): %llu rows, %zu baskets (%zu distinct), %zu items\n", input.c_str(),
                format_name(st.format), ull(st.lines), r.data.db.size(), r.data.db.rows(),
                r.data.db.items.size());
    if (st.skipped_quantity || st.skipped_empty) {
      std::printf("skipped %llu rows:", ull(st.skipped_quantity + st.skipped_empty));
      if (st.skipped_quantity) std::printf(" %llu with quantity <= 0", ull(st.skipped_quantity));
      if (st.skipped_quantity && st.skipped_empty) std::printf(",");
      if (st.skipped_empty)
        std::printf(" %llu with no %s", ull(st.skipped_empty),
                    st.format == InputFormat::Csv ? "order id or item" : "item (empty lines)");
      std::printf("\n");
    }
    if (st.duplicates)
      std::printf("%llu repeated items within a basket counted once\n", ull(st.duplicates));
    std::printf("read %.1f MB in %.3f s: %.0f rows/s, %.1f MB/s (%u threads)\n",
                static_cast<double>(st.bytes) / 1e6, ingest_seconds, rows_per_second, mb_per_second,
                opt.threads);
    std::printf("min count %u: %zu frequent itemsets, %zu rules; mined in %.3f s, %.3f s in all\n",
                r.min_count, r.itemsets.size(), r.rules.size(), mining_seconds, seconds);
    print_top_rules(r, top);
  }
  return 0;
}

}  // namespace basketlift::cli
