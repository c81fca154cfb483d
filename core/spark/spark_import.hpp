// Bundles from Spark MLlib's FPGrowth: `model.freqItemsets` (items, freq) and
// `model.associationRules` (antecedent, consequent, confidence, lift, support), as written by
// DataFrame.write.json or, with the item arrays joined by '|', write.csv. The number of baskets
// is not in either output: it is derived from support = freq(X ∪ Y) / N and checked on every
// rule, and every rule's confidence and lift are checked against the itemset counts, so an
// imported bundle holds exactly what a native `mine` of the same baskets would.
// The JSON-lines and CSV conventions: docs/spark.md. The PySpark job: examples/spark/mine_rules.py.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/builder.hpp"
#include "bundle/bundle.hpp"
#include "ingest/catalog.hpp"
#include "ingest/input_file.hpp"
#include "mine/pair_sections.hpp"

namespace basketlift {

// Spark's doubles, as printed, and the same ratios recomputed from the integer counts must agree
// to this relative tolerance (Spark prints every double in full; this allows for last-digit
// differences, not for a count that is off by one below a billion baskets).
inline constexpr double kSparkTolerance = 1e-9;

struct SparkImportOptions {
  std::string rules_path;     // associationRules: a file, or a directory of part-* files
  std::string itemsets_path;  // freqItemsets: the same
  // Optional, the same: every item's basket count and every pair's (examples/spark/
  // mine_rules.py's itemPairs, the freqItemsets schema with one or two items per row). With it
  // the bundle also lists the infrequent items and gets the neighbour and learned sections, as
  // `mine` makes them.
  std::string pairs_path;
  PairSectionOptions sections;  // with pairs_path only
  unsigned threads = 1;         // for the EASE fit; the result is the same for any count
  // As MineOptions::max_rules_per_antecedent: the strongest rules each antecedent keeps; 0 = all.
  std::uint32_t max_rules_per_antecedent = kDefaultRulesPerAntecedent;
  // 0: derive N from the rules' support (or lift). Otherwise every rule is checked against it.
  std::uint64_t transactions = 0;
  // The longest line or CSV record accepted in a part file (see IngestOptions).
  std::size_t max_record_bytes = kDefaultMaxRecordBytes;
};

struct SparkImportReport {
  std::vector<std::string> itemset_files, rule_files, pair_files;  // part files read, in order
  std::vector<std::string> warnings;                 // e.g. a directory without _SUCCESS
  std::uint64_t itemsets = 0, items = 0, rules = 0;  // read
  std::uint64_t single_rules = 0, pair_rules = 0;    // in the bundle
  std::uint64_t skipped_consequent = 0;              // consequent of two or more items
  std::uint64_t skipped_antecedent = 0;              // antecedent of three or more items
  std::uint64_t capped = 0;                          // beyond max_rules_per_antecedent
  std::uint64_t transactions = 0;
  std::uint64_t pairs = 0;                    // pair rows read (pairs_path)
  std::uint64_t infrequent_items = 0;         // items only pairs_path lists, added to the bundle
  std::uint64_t neighbours = 0, learned = 0;  // entries of those sections
  std::string transactions_from;  // "FILE:LINE" of the rule N was derived from, or "--transactions"
  std::uint32_t min_count = 0;    // smallest freq of any itemset: the equivalent mining threshold
  double min_confidence = 0;      // smallest confidence of any rule (0 without rules)
};

struct SparkImport {
  BundleContent content;
  SparkImportReport report;
};

// Reads, checks and converts. Items are numbered as the miner numbers them (descending freq, ties
// by label). With pairs: every item, neighbours and learned weights (pair_sections(), as `mine`
// makes them). With a catalog: names, categories and prices; never category rules or repurchase
// statistics, which need the baskets. Throws InputError ("FILE:LINE: what") on anything
// malformed or inconsistent.
SparkImport import_spark(const SparkImportOptions& options, const std::string& created_at,
                         const Catalog* catalog = nullptr);

// ---- building blocks, exposed for tests ----

// PATH itself when it is a file; for a directory, its part-* files sorted by name (_SUCCESS,
// .crc and other files ignored). Throws InputError when there is nothing to read. A directory
// without _SUCCESS adds a warning: the job may not have finished.
std::vector<std::string> spark_part_files(const std::string& path,
                                          std::vector<std::string>* warnings = nullptr);

enum class SparkFormat { JsonLines, Csv };
// By name (.json/.jsonl/.ndjson or .csv, optionally .gz), else by content: '{' first is JSON.
SparkFormat detect_spark_format(const std::string& file,
                                std::size_t max_record_bytes = kDefaultMaxRecordBytes);

// One field of a flat JSON object: strings, arrays of strings, numbers and null only.
struct JsonField {
  enum class Kind { Null, Number, String, StringArray };
  Kind kind = Kind::Null;
  std::string name;
  std::string text;                  // String: decoded (UTF-8); Number: as written
  std::vector<std::string> strings;  // StringArray: decoded
};

// Strict RFC 8259 for exactly that shape: escapes (\uXXXX and surrogate pairs to UTF-8), raw
// UTF-8 validated, no duplicate names, nothing after the object. Errors are InputErrors spelled
// "FILE:LINE: column C: [field 'NAME': ]what".
std::vector<JsonField> parse_json_object(std::string_view text, const std::string& file,
                                         std::uint64_t line);

}  // namespace basketlift
