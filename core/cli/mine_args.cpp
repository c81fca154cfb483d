#include "mine_args.hpp"

#include <algorithm>
#include <thread>
#include <utility>

#include "model/error.hpp"
#include "model/format.hpp"
#include "model/threshold.hpp"

namespace basketlift::cli {

std::set<std::string> with_ingest_options(std::set<std::string> extra) {
  extra.insert({"--format", "--order-col", "--item-col", "--quantity-col", "--user-col",
                "--date-col", "--sep", "--max-record-bytes"});
  return extra;
}

void read_ingest_options(const Args& args, IngestOptions& opt) {
  const auto format = args.get_or("--format", "auto");
  if (format == "auto") {
    opt.format = InputFormat::Auto;
  } else if (format == "csv") {
    opt.format = InputFormat::Csv;
  } else if (format == "basket") {
    opt.format = InputFormat::Basket;
  } else {
    throw InputError("--format: expected auto, csv or basket, got '" + format + "'");
  }
  opt.order_col = args.get_or("--order-col", opt.order_col);
  opt.item_col = args.get_or("--item-col", opt.item_col);
  opt.quantity_col = args.get_or("--quantity-col", "");
  opt.user_col = args.get_or("--user-col", "");
  opt.date_col = args.get_or("--date-col", "");
  opt.max_record_bytes = max_record_bytes(args);
  if (auto sep = args.get("--sep")) {
    std::string s = *sep == "\\t" ? "\t" : *sep;
    if (s.size() != 1) throw InputError("--sep: expected one character, got '" + *sep + "'");
    opt.sep = s[0];
  }
}

std::set<std::string> with_mine_options(std::set<std::string> extra) {
  extra = with_ingest_options(std::move(extra));
  extra.insert({"--min-support", "--min-count", "--max-len", "--algorithm", "--min-confidence",
                "--min-lift", "--max-consequent-len", "--max-rules-per-antecedent",
                "--catalog-items", "--similar", "--threads"});
  return with_pair_section_options(std::move(extra));
}

std::set<std::string> with_pair_section_options(std::set<std::string> extra) {
  extra.insert({"--neighbours", "--learned", "--learned-lambda", "--learned-items"});
  return extra;
}

void read_pair_section_options(const Args& args, PairSectionOptions& opt) {
  if (auto k = args.get_uint("--neighbours")) {
    if (*k > 1000) throw InputError("--neighbours: must be in [0, 1000]");
    opt.neighbours_per_item = static_cast<std::uint32_t>(*k);
  }
  if (auto k = args.get_uint("--learned")) {
    if (*k > 1000) throw InputError("--learned: must be in [0, 1000]");
    opt.learned_per_item = static_cast<std::uint32_t>(*k);
  }
  if (auto l = args.get("--learned-lambda")) {
    opt.learned_lambda = parse_fraction(*l, "--learned-lambda").value();
    if (!(opt.learned_lambda > 0))
      throw InputError("--learned-lambda: expected a positive number, got '" + *l + "'");
  }
  if (auto n = args.get_uint("--learned-items")) {
    if (*n > 65536) throw InputError("--learned-items: must be in [0, 65536]");
    opt.learned_max_items = static_cast<std::uint32_t>(*n);
  }
}

std::string pair_section_help() {
  const PairSectionOptions d;
  return "  --neighbours K             each item's K most co-purchased items (cosine, no support\n"
         "                             threshold) kept for the scorer (default " +
         std::to_string(d.neighbours_per_item) +
         "; 0 = none)\n"
         "  --learned K                each item's K largest learned weights (EASE on the\n"
         "                             --learned-items most popular items) kept for the scorer\n"
         "                             (default " +
         std::to_string(d.learned_per_item) +
         "; 0 = none)\n"
         "  --learned-lambda L         EASE's L2 weight (default " +
         format_double(d.learned_lambda) +
         ")\n"
         "  --learned-items N          the most popular items EASE models (default " +
         std::to_string(d.learned_max_items) +
         "):\n"
         "                             memory grows as N², time as N³\n";
}

void read_mine_options(const Args& args, MineOptions& opt) {
  read_ingest_options(args, opt.ingest);
  if (auto s = args.get("--min-support")) opt.min_support = parse_fraction(*s, "--min-support");
  if (auto c = args.get_uint("--min-count")) {
    if (*c == 0 || *c > UINT32_MAX) throw InputError("--min-count: must be in [1, 2^32)");
    opt.min_count = static_cast<std::uint32_t>(*c);
  }
  if (auto k = args.get_uint("--max-len", UINT32_MAX)) opt.max_len = static_cast<std::uint32_t>(*k);
  const auto algorithm = args.get_or("--algorithm", "auto");
  if (algorithm == "eclat") {
    opt.algorithm = Algorithm::Eclat;
  } else if (algorithm == "fpgrowth") {
    opt.algorithm = Algorithm::FpGrowth;
  } else if (algorithm != "auto") {
    throw InputError("--algorithm: expected auto, fpgrowth or eclat, got '" + algorithm + "'");
  }
  if (auto s = args.get("--min-confidence"))
    opt.rules.min_confidence = parse_fraction(*s, "--min-confidence");
  if (auto s = args.get("--min-lift")) opt.rules.min_lift = parse_fraction(*s, "--min-lift");
  if (auto k = args.get_uint("--max-consequent-len", UINT32_MAX))
    opt.rules.max_consequent_len = static_cast<std::uint32_t>(*k);
  if (auto k = args.get_uint("--max-rules-per-antecedent", UINT32_MAX))
    opt.max_rules_per_antecedent = static_cast<std::uint32_t>(*k);
  if (auto v = args.get("--catalog-items")) {
    if (*v != "all" && *v != "sold")
      throw InputError("--catalog-items: expected all or sold, got '" + *v + "'");
    opt.catalog_unsold_items = *v == "all";
  }
  if (auto k = args.get_uint("--similar")) {
    if (*k > 1000) throw InputError("--similar: must be in [0, 1000]");
    opt.similar_per_item = static_cast<std::uint32_t>(*k);
  }
  read_pair_section_options(args, opt);
  opt.threads = default_threads();
  if (auto n = args.get_uint("--threads")) {
    if (*n == 0 || *n > 1024) throw InputError("--threads: must be in [1, 1024]");
    opt.threads = static_cast<unsigned>(*n);
  }
  opt.ingest.threads = opt.threads;
}

unsigned default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace basketlift::cli
