// What every bundle-reading subcommand shares: loading the bundle, turning comma-separated
// labels into ids, and the business filters (--exclude, --categories, --min/max-price).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "args.hpp"
#include "bundle/bundle.hpp"
#include "bundle/shards.hpp"
#include "score/filters.hpp"

namespace basketlift::cli {

std::unique_ptr<Bundle> load_bundle(const std::string& path);

// Labels -> item ids; unknown labels map past the end (ignored by the core), and a note on
// stderr names them and `option`.
std::vector<std::uint32_t> ids_of(const Bundle& b, const std::optional<std::string>& list,
                                  const char* option);
// Category labels -> category ids; an unknown category is an error.
std::vector<std::uint32_t> category_ids(const Bundle& b, const std::optional<std::string>& list);

// How `mine --shards` and `shard` cut a bundle: --shard-count, --popular-head, --category-head.
inline const std::set<std::string> kShardOptions = {"--shard-count", "--popular-head",
                                                    "--category-head"};
ShardOptions read_shard_options(const Args& args);
std::string shard_options_help();  // their lines of --help, with the core's defaults
// A sharded bundle's files written and committed; returns the summary line for stdout.
std::string write_shards(const std::string& dir, const ShardedBundle& s);

// Options every kind accepts.
inline const std::set<std::string> kFilterOptions = {"--exclude", "--categories", "--min-price",
                                                     "--max-price", "-n"};

struct Filters {
  std::vector<std::uint32_t> exclude, categories;
  ItemFilter filter;  // points into `categories`: keep this object alive while using it
  std::uint32_t n = 0;
};
// `default_n`: the core's default for the kind (its request struct's n), used without -n.
void read_filters(const Args& args, const Bundle& b, Filters& out, std::uint32_t default_n);

}  // namespace basketlift::cli
