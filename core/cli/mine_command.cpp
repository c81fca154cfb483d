#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>

#include "args.hpp"
#include "bundle_args.hpp"
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
  --order-col NAME           order id column (csv; default {order_col})
  --item-col NAME            item id column (csv; default {item_col})
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
                             TF-IDF cosine), its link to the rest (default {similar}; 0 = none)
mining:
  --min-support F            fraction in (0,1]; frequent when count >= ceil(F*N) (default {min_support})
  --min-count N              absolute count (overrides --min-support)
  --max-len K                longest itemset (default {max_len}; 0 = unlimited)
  --algorithm auto|fpgrowth|eclat  auto (default): Eclat on sparse data, FP-growth on
                             dense (the same itemsets; see docs/PERFORMANCE.md)
rules:
  --min-confidence F         (default {min_confidence}; compared exactly)
  --min-lift F               (default {min_lift})
  --max-consequent-len K     (default {max_consequent_len}; 0 = unlimited)
output:
 -o, --output FILE.blb      write the rule bundle the storefront loads ('-': stdout)
  --max-rules-per-antecedent K  rules the bundle keeps per antecedent, the most confident
                             (default {rules_per_antecedent}; 0 = all)
{pair_sections}  --shards DIR               also the bundle as a sharded bundle in DIR (manifest.json and
                             its parts), for pages that fetch only what the cart needs;
                             cut with the options of `basketlift shard --help`
  --itemsets-out FILE        one itemset a line: items separated by a space, a tab, the count
  --rules-out FILE.csv       rules with mlxtend's columns
  --summary json             one JSON object on stdout instead of the human summary
  --top N                    rules shown in the human summary, by lift (default {top})
performance:
  --threads N                threads for reading, parsing and mining (default: every core);
                             the results are the same for any N

Every output is checked before mining (its directory exists and takes a new file; it is not
a directory, an input or another output). Files appear together, each renamed into place only
when all are complete: an error or an interruption (Ctrl-C, SIGTERM) leaves the previous files
as they were and no temp files. '-' is stdout (the summary then goes to stderr); a FIFO or
character device is written through; a symlink is followed. Exit codes: 0 done, 2 bad input,
option or output (nothing written), 1 internal error. See docs/cli-outputs.md.
)";

// The summary's rule count when --top is not given: a screenful.
constexpr std::uint64_t kDefaultTop = 10;

// kHelp with each {name} replaced by the default the core (or this command) uses.
std::string help() {
  const MineOptions d;
  const std::pair<const char*, std::string> values[] = {
      {"{order_col}", d.ingest.order_col},
      {"{item_col}", d.ingest.item_col},
      {"{similar}", std::to_string(d.similar_per_item)},
      {"{min_support}", format_double(kDefaultMinSupport.value())},
      {"{max_len}", std::to_string(d.max_len)},
      {"{min_confidence}", format_double(d.rules.min_confidence.value())},
      {"{min_lift}", format_double(d.rules.min_lift.value())},
      {"{max_consequent_len}", std::to_string(d.rules.max_consequent_len)},
      {"{rules_per_antecedent}", std::to_string(d.max_rules_per_antecedent)},
      {"{pair_sections}", pair_section_help()},
      {"{top}", std::to_string(kDefaultTop)},
  };
  std::string text = kHelp;
  for (const auto& [key, value] : values)
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at))
      text.replace(at, std::strlen(key), value);
  return text;
}

const char* format_name(InputFormat f) {
  return f == InputFormat::Csv ? "csv" : f == InputFormat::Basket ? "basket" : "auto";
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

void print_top_rules(std::FILE* out, const MineResult& r, std::size_t top) {
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
  if (top) std::fprintf(out, "\ntop %zu rules by lift:\n", top);
  for (std::size_t k = 0; k < top; ++k) {
    const auto& x = r.rules[order[k]];
    auto m = rule_metrics(t.counts[x.antecedent], t.counts[x.consequent], t.counts[x.itemset], n);
    std::fprintf(out, "  %s -> %s  support %.4f  confidence %.3f  lift %.2f\n",
                 printable(join_labels(r.data.db.items, t.itemset(x.antecedent), " + ")).c_str(),
                 printable(join_labels(r.data.db.items, t.itemset(x.consequent), " + ")).c_str(),
                 m.support, m.confidence, m.lift);
  }
}

}  // namespace

int run_mine(int argc, char** argv) {
  Args args(argc, argv, 2,
            with_mine_options({"--itemsets-out", "--rules-out", "--summary", "--top", "-o",
                               "--output", "--catalog", "--shards", "--shard-count",
                               "--popular-head", "--category-head"}),
            {"--help", "-h"});
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs((help() + max_record_bytes_help()).c_str(), stdout);
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
  const auto top = args.get_uint("--top").value_or(kDefaultTop);
  auto bundle_path = args.get("-o");
  const char* bundle_option = bundle_path ? "-o" : "--output";
  if (!bundle_path) bundle_path = args.get("--output");
  // Every output is checked before the mining: a bad one found only at the end would leave the
  // others replaced, or the work wasted.
  std::vector<NamedPath> outputs, inputs = {{"the order log", input}};
  if (auto path = args.get("--catalog")) inputs.push_back({"--catalog", *path});
  if (auto path = args.get("--itemsets-out")) outputs.push_back({"--itemsets-out", *path});
  if (auto path = args.get("--rules-out")) outputs.push_back({"--rules-out", *path});
  if (bundle_path) outputs.push_back({bundle_option, *bundle_path});
  const auto shards_dir = args.get("--shards");
  const auto shard_options = read_shard_options(args);
  if (shards_dir) {
    make_output_dir(*shards_dir, "--shards");
    outputs.push_back({"--shards", *shards_dir + "/manifest.json"});
  }
  const auto targets = check_outputs(outputs, inputs);
  // With an output on stdout, the summary must not be mixed into it.
  std::FILE* report = stdout;
  for (const auto& t : targets)
    if (t.is_stdout()) report = stderr;

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
  // Only the rules an output needs: all of them for --rules-out, or when the summary is the only
  // output (its rule count is what was asked); the shapes a bundle stores for -o; none for
  // itemsets alone. The summary says which ("rule_shapes").
  const bool any_bundle = bundle_path || shards_dir;
  const bool any_file = any_bundle || args.get("--itemsets-out") || args.get("--rules-out");
  opt.rule_shapes = args.get("--rules-out") || !any_file ? RuleShapes::All
                    : any_bundle                         ? RuleShapes::Bundle
                                                         : RuleShapes::None;
  const char* shapes = opt.rule_shapes == RuleShapes::All      ? "all"
                       : opt.rule_shapes == RuleShapes::Bundle ? "bundle"
                                                               : "none";
  MineResult r;
  r.data = read_transactions(input, opt.ingest);
  const double ingest_seconds = since(ingest_start);
  // Every output is written to its temp first; then all are renamed together. The itemsets
  // stream into theirs while they are mined: they are never all in memory at once.
  std::vector<std::unique_ptr<AtomicFile>> files;
  std::optional<ItemsetsWriter> itemsets_writer;
  if (auto path = args.get("--itemsets-out")) {
    files.push_back(std::make_unique<AtomicFile>(*path));
    itemsets_writer.emplace(*files.back(), r.data.db.items);
    opt.itemsets_out = &*itemsets_writer;
  }
  if (tty) std::fputs("\r\033[Kmining...\r", stderr);
  const auto mining_start = Clock::now();
  mine_db(r, opt);
  const double mining_seconds = since(mining_start);
  if (tty) std::fputs("\r\033[Kwriting...\r", stderr);
  if (auto path = args.get("--rules-out")) {
    files.push_back(std::make_unique<AtomicFile>(*path));
    write_rules_csv(*files.back(), r.rules, r.itemsets, r.data.db.items, r.data.db.size());
  }
  std::optional<ShardedBundle> sharded;
  if (any_bundle) {
    const auto slash = input.find_last_of('/');
    const auto content = make_bundle_content(r, opt, input.substr(slash + 1), utc_now(),
                                             catalog ? &*catalog : nullptr);
    if (bundle_path) {
      files.push_back(std::make_unique<AtomicFile>(*bundle_path));
      write_bundle(*files.back(), content);
    }
    if (shards_dir) {
      sharded = shard_bundle(content, shard_options);
      for (auto& f : write_sharded(*shards_dir, *sharded)) files.push_back(std::move(f));
    }
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
    std::fprintf(
        report,
        "{\"transactions\": %zu, \"items\": %zu, \"frequent_itemsets\": %zu, \"rules\": %zu, "
        "\"rule_shapes\": \"%s\", "
        "\"seconds\": %.6f, \"min_count\": %u, \"rows\": %llu, \"rows_skipped\": %llu, "
        "\"rows_skipped_quantity\": %llu, \"rows_skipped_empty\": %llu, \"duplicates\": %llu, "
        "\"distinct_baskets\": %zu, \"bytes\": %llu, \"threads\": %u, "
        "\"ingest_seconds\": %.6f, \"mining_seconds\": %.6f, \"rows_per_second\": %.1f, "
        "\"mb_per_second\": %.3f}\n",
        r.data.db.size(), r.data.db.items.size(), r.itemsets_found, r.rules.size(), shapes, seconds,
        r.min_count, ull(st.lines), ull(st.skipped_quantity + st.skipped_empty),
        ull(st.skipped_quantity), ull(st.skipped_empty), ull(st.duplicates), r.data.db.rows(),
        ull(st.bytes), opt.threads, ingest_seconds, mining_seconds, rows_per_second, mb_per_second);
  } else {
    std::fprintf(report, "%s (%s): %llu rows, %zu baskets (%zu distinct), %zu items\n",
                 input.c_str(), format_name(st.format), ull(st.lines), r.data.db.size(),
                 r.data.db.rows(), r.data.db.items.size());
    if (st.skipped_quantity || st.skipped_empty) {
      std::fprintf(report, "skipped %llu rows:", ull(st.skipped_quantity + st.skipped_empty));
      if (st.skipped_quantity)
        std::fprintf(report, " %llu with quantity <= 0", ull(st.skipped_quantity));
      if (st.skipped_quantity && st.skipped_empty) std::fprintf(report, ",");
      if (st.skipped_empty)
        std::fprintf(report, " %llu with no %s", ull(st.skipped_empty),
                     st.format == InputFormat::Csv ? "order id or item" : "item (empty lines)");
      std::fprintf(report, "\n");
    }
    if (st.duplicates)
      std::fprintf(report, "%llu repeated items within a basket counted once\n",
                   ull(st.duplicates));
    std::fprintf(report, "read %.1f MB in %.3f s: %.0f rows/s, %.1f MB/s (%u threads)\n",
                 static_cast<double>(st.bytes) / 1e6, ingest_seconds, rows_per_second,
                 mb_per_second, opt.threads);
    std::fprintf(
        report,
        "min count %u: %zu frequent itemsets, %zu rules%s; mined in %.3f s, %.3f s in all\n",
        r.min_count, r.itemsets_found, r.rules.size(),
        opt.rule_shapes == RuleShapes::Bundle ? " (of the shapes a bundle stores)"
        : opt.rule_shapes == RuleShapes::None ? " (none asked for)"
                                              : "",
        mining_seconds, seconds);
    print_top_rules(report, r, top);
  }
  return 0;
}

}  // namespace basketlift::cli
