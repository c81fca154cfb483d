// The input and mining options `mine` and `eval` share.
#pragma once

#include <set>
#include <string>

#include "args.hpp"
#include "mine/mine.hpp"

namespace basketlift::cli {

// `extra` plus --format, --order-col, --item-col, --quantity-col, --user-col, --date-col, --sep:
// how an order log is read, the same for every command that reads one.
std::set<std::string> with_ingest_options(std::set<std::string> extra);
void read_ingest_options(const Args& args, IngestOptions& opt);

// `extra` plus --format, --order-col, --item-col, --quantity-col, --user-col, --date-col, --sep,
// --min-support, --min-count, --max-len, --algorithm, --min-confidence, --min-lift,
// --max-consequent-len, --max-rules-per-antecedent, --threads, --max-record-bytes.
std::set<std::string> with_mine_options(std::set<std::string> extra);
void read_mine_options(const Args& args, MineOptions& opt);

// `extra` plus --neighbours, --learned, --learned-lambda, --learned-items: the neighbour and
// learned sections, the same for `mine` and `import-spark`; their --help lines with the defaults.
std::set<std::string> with_pair_section_options(std::set<std::string> extra);
void read_pair_section_options(const Args& args, PairSectionOptions& opt);
std::string pair_section_help();

// --threads when not given: every core (std::thread::hardware_concurrency, at least 1).
unsigned default_threads();

}  // namespace basketlift::cli
