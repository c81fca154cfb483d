// `import-spark`: a rule bundle from Spark MLlib FPGrowth's freqItemsets and associationRules.
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "bundle/shards.hpp"
#include "bundle_args.hpp"
#include "commands.hpp"
#include "ingest/catalog.hpp"
#include "io/atomic_file.hpp"
#include "io/files.hpp"
#include "mine_args.hpp"
#include "model/error.hpp"
#include "spark/spark_import.hpp"

namespace basketlift::cli {

namespace {

const char* kHelp =
    R"(usage: basketlift import-spark --rules PATH --itemsets PATH -o rules.blb [options]

PATH is a file or a directory of part-* files as Spark's write.json / write.csv leaves them
(_SUCCESS, .crc and other files ignored; .gz parts read directly). JSON lines with Spark's
schemas, or CSV with a header and item arrays joined by '|' (docs/spark.md).

  --rules PATH              model.associationRules: antecedent, consequent, confidence, lift,
                            support
  --itemsets PATH           model.freqItemsets: items, freq
  --pairs PATH              every item's and every pair's basket count (mine_rules.py's
                            itemPairs: items of one or two, freq): the bundle then also lists
                            the infrequent items and gets neighbours and learned weights,
                            made as mine makes them, with these options:
{pair_sections}  --catalog FILE.csv        item_id,name,category,price: names, categories and prices in the
                            bundle (no category rules: those need the baskets)
 -o, --output FILE.blb      the rule bundle ('-': stdout, the summary then goes to stderr)
  --shards DIR               the bundle as a sharded bundle in DIR (with -o or instead), cut
                             with the options of `basketlift shard --help`
  --max-rules-per-antecedent K  rules the bundle keeps per antecedent, the most confident
                            (default 20, as mine; 0 = all)
  --transactions N          the number of baskets, checked against every rule's support
                            (default: derived from it)
  --threads N               threads for the learned weights' fit (default: every core); the
                            results are the same for any N
  --summary json            one JSON object on stdout instead of the human summary

Every rule's support, confidence and lift is checked against the itemset counts, and every pair
count against the item counts, N and freqItemsets; rules with one consequent and one or two
antecedent items go into the bundle, others are counted as skipped. Exit codes: 0 done, 2 bad
input, option or output (nothing written), 1 internal error. See docs/cli-outputs.md.
)";

// kHelp with the neighbour and learned options as `mine --help` prints them.
std::string help() {
  std::string text = kHelp;
  const std::string key = "{pair_sections}";
  text.replace(text.find(key), key.size(), pair_section_help());
  return text;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

int run_import_spark(int argc, char** argv) {
  Args args(argc, argv, 2,
            with_pair_section_options(
                {"--rules", "--itemsets", "--pairs", "--catalog", "-o", "--output",
                 "--max-rules-per-antecedent", "--transactions", "--summary", "--max-record-bytes",
                 "--shards", "--shard-count", "--popular-head", "--category-head", "--threads"}),
            {"--help", "-h"});
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs((help() + max_record_bytes_help()).c_str(), stdout);
    return 0;
  }
  if (!args.positional().empty())
    throw InputError("import-spark: unexpected argument '" + args.positional()[0] +
                     "' (see basketlift import-spark --help)");
  auto out = args.get("-o");
  const char* out_option = out ? "-o" : "--output";
  if (!out) out = args.get("--output");
  SparkImportOptions opt;
  const auto rules = args.get("--rules"), itemsets = args.get("--itemsets");
  const auto shards_dir = args.get("--shards");
  const auto shard_options = read_shard_options(args);
  if (!rules || !itemsets || (!out && !shards_dir))
    throw InputError(
        "import-spark: expected --rules PATH, --itemsets PATH and -o FILE.blb (or --shards DIR)");
  opt.rules_path = *rules;
  opt.itemsets_path = *itemsets;
  if (auto pairs = args.get("--pairs")) {
    opt.pairs_path = *pairs;
  } else {
    for (const char* name : {"--neighbours", "--learned", "--learned-lambda", "--learned-items"})
      if (args.get(name))
        throw InputError(std::string(name) +
                         ": needs --pairs (the neighbour and learned sections are made from the "
                         "pair counts)");
  }
  read_pair_section_options(args, opt.sections);
  opt.threads = default_threads();
  if (auto n = args.get_uint("--threads")) {
    if (*n == 0 || *n > 1024) throw InputError("--threads: must be in [1, 1024]");
    opt.threads = static_cast<unsigned>(*n);
  }
  if (auto k = args.get_uint("--max-rules-per-antecedent", UINT32_MAX))
    opt.max_rules_per_antecedent = static_cast<std::uint32_t>(*k);
  if (auto n = args.get_uint("--transactions")) {
    if (*n == 0) throw InputError("--transactions: must be at least 1");
    opt.transactions = *n;
  }
  const auto summary = args.get_or("--summary", "text");
  if (summary != "json" && summary != "text")
    throw InputError("--summary: expected json or text, got '" + summary + "'");
  std::optional<Catalog> catalog;
  opt.max_record_bytes = max_record_bytes(args);
  if (auto path = args.get("--catalog")) catalog = read_catalog(*path, opt.max_record_bytes);
  // The output is checked before anything is read, against every file the import reads.
  std::vector<NamedPath> inputs;
  for (const auto& part : spark_part_files(*rules)) inputs.push_back({"--rules", part});
  for (const auto& part : spark_part_files(*itemsets)) inputs.push_back({"--itemsets", part});
  if (!opt.pairs_path.empty())
    for (const auto& part : spark_part_files(opt.pairs_path)) inputs.push_back({"--pairs", part});
  if (auto path = args.get("--catalog")) inputs.push_back({"--catalog", *path});
  std::vector<NamedPath> outputs;
  if (out) outputs.push_back({out_option, *out});
  if (shards_dir) {
    make_output_dir(*shards_dir, "--shards");
    outputs.push_back({"--shards", *shards_dir + "/manifest.json"});
  }
  std::FILE* report = check_outputs(outputs, inputs)[0].is_stdout() ? stderr : stdout;

  const auto imported = import_spark(opt, utc_now(), catalog ? &*catalog : nullptr);
  // Both outputs appear together, or neither (docs/cli-outputs.md).
  std::vector<std::unique_ptr<AtomicFile>> files;
  if (out) {
    files.push_back(std::make_unique<AtomicFile>(*out));
    write_bundle(*files.back(), imported.content);
  }
  if (shards_dir)
    for (auto& f : write_sharded(*shards_dir, shard_bundle(imported.content, shard_options)))
      files.push_back(std::move(f));
  std::vector<AtomicFile*> pending;
  for (auto& f : files) pending.push_back(f.get());
  commit_together(pending);

  const auto& r = imported.report;
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  if (summary == "json") {
    std::fprintf(
        report,
        "{\"transactions\": %llu, \"items\": %llu, \"frequent_itemsets\": %llu, \"rules\": %llu, "
        "\"single_rules\": %llu, \"pair_rules\": %llu, \"skipped_consequent\": %llu, "
        "\"skipped_antecedent\": %llu, \"capped\": %llu, \"min_count\": %u, "
        "\"itemset_files\": %zu, \"rule_files\": %zu, \"pair_files\": %zu, \"pairs\": %llu, "
        "\"infrequent_items\": %llu, \"neighbours\": %llu, \"learned\": %llu}\n",
        u(r.transactions), u(r.items), u(r.itemsets), u(r.rules), u(r.single_rules),
        u(r.pair_rules), u(r.skipped_consequent), u(r.skipped_antecedent), u(r.capped), r.min_count,
        r.itemset_files.size(), r.rule_files.size(), r.pair_files.size(), u(r.pairs),
        u(r.infrequent_items), u(r.neighbours), u(r.learned));
    return 0;
  }
  // With --shards alone there is no -o: name the manifest.
  const std::string written = out ? *out : *shards_dir + "/manifest.json";
  std::fprintf(report, "%s: %llu frequent itemsets (%zu files), %llu rules (%zu files)\n",
               written.c_str(), u(r.itemsets), r.itemset_files.size(), u(r.rules),
               r.rule_files.size());
  std::fprintf(report, "transactions %llu (derived from %s), items %llu", u(r.transactions),
               r.transactions_from.c_str(), u(r.items));
  if (!opt.pairs_path.empty())
    std::fprintf(report, " (+%llu infrequent from the pair counts)", u(r.infrequent_items));
  std::fprintf(report, ", smallest itemset freq %u\n", r.min_count);
  std::fprintf(report, "bundle: %llu single-item rules, %llu pair rules", u(r.single_rules),
               u(r.pair_rules));
  if (!opt.pairs_path.empty())
    std::fprintf(report, ", %llu neighbours, %llu learned weights (from %llu pairs, %zu files)",
                 u(r.neighbours), u(r.learned), u(r.pairs), r.pair_files.size());
  if (catalog) std::fprintf(report, ", catalog (no category rules: they need the baskets)");
  std::fprintf(
      report,
      "\nskipped: %llu with a consequent of 2+ items, %llu with an antecedent of 3+ items, "
      "%llu beyond %u per antecedent\n",
      u(r.skipped_consequent), u(r.skipped_antecedent), u(r.capped), opt.max_rules_per_antecedent);
  return 0;
}

}  // namespace basketlift::cli
