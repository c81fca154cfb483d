#include "bundle_args.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "io/files.hpp"
#include "model/error.hpp"
#include "model/threshold.hpp"

namespace basketlift::cli {

std::unique_ptr<Bundle> load_bundle(const std::string& path) {
  std::string error;
  auto bundle = Bundle::load(read_file_bytes(path), error);
  if (!bundle) throw InputError(path + ": " + error);
  return bundle;
}

ShardOptions read_shard_options(const Args& args) {
  ShardOptions o;
  const std::uint64_t max = UINT32_MAX;
  o.shards = static_cast<std::uint32_t>(args.get_uint("--shard-count", max).value_or(o.shards));
  o.popular_head =
      static_cast<std::uint32_t>(args.get_uint("--popular-head", max).value_or(o.popular_head));
  o.category_head =
      static_cast<std::uint32_t>(args.get_uint("--category-head", max).value_or(o.category_head));
  return o;
}

std::string shard_options_help() {
  const ShardOptions d;
  return "  --shard-count N            shards (default: one per " + std::to_string(kShardItems) +
         " items)\n"
         "  --popular-head N           items of the popular order in the global part (default " +
         std::to_string(d.popular_head) +
         ")\n"
         "  --category-head N          offered items per category in a category part (default " +
         std::to_string(d.category_head) + ")\n";
}

std::string write_shards(const std::string& dir, const ShardedBundle& s) {
  auto files = write_sharded(dir, s);
  std::vector<AtomicFile*> pending;
  for (auto& f : files) pending.push_back(f.get());
  commit_together(pending);
  std::size_t total = 0, largest = 0;
  for (const auto& part : s.parts) {
    total += part.bytes.size();
    if (&part != &s.parts.front()) largest = std::max(largest, part.bytes.size());
  }
  return dir + "/manifest.json: a global part of " + std::to_string(s.parts.front().bytes.size()) +
         " bytes and " + std::to_string(s.parts.size() - 1) + " more (largest " +
         std::to_string(largest) + " bytes, all " + std::to_string(total) + ") in " + dir + "/" +
         s.parts.front().path.substr(0, s.parts.front().path.find('/')) + "/\n";
}

namespace {
std::vector<std::string> split(const std::optional<std::string>& list) {
  std::vector<std::string> out;
  if (!list) return out;
  std::stringstream ss(*list);
  std::string part;
  while (std::getline(ss, part, ','))
    if (!part.empty()) out.push_back(part);
  return out;
}
}  // namespace

std::vector<std::uint32_t> ids_of(const Bundle& b, const std::optional<std::string>& list,
                                  const char* option) {
  std::vector<std::uint32_t> ids;
  std::string unknown;
  std::size_t n_unknown = 0;
  for (const auto& label : split(list)) {
    ids.push_back(b.find(label));
    if (ids.back() != b.item_count()) continue;
    if (++n_unknown <= 5) unknown += (n_unknown > 1 ? ", " : "") + label;
  }
  // Ignored, as the JS API ignores them, but a data team checking a bundle gets told.
  if (n_unknown)
    std::fprintf(stderr, "basketlift: note: %s: %zu item%s not in the bundle, ignored: %s%s\n",
                 option, n_unknown, n_unknown == 1 ? "" : "s", unknown.c_str(),
                 n_unknown > 5 ? ", ..." : "");
  return ids;
}

std::vector<std::uint32_t> category_ids(const Bundle& b, const std::optional<std::string>& list) {
  std::vector<std::uint32_t> ids;
  for (const auto& label : split(list)) {
    auto k = b.find_category(label);
    if (k == b.category_count()) throw InputError("unknown category '" + label + "'");
    ids.push_back(k);
  }
  return ids;
}

void read_filters(const Args& args, const Bundle& b, Filters& out, std::uint32_t default_n) {
  out.exclude = ids_of(b, args.get("--exclude"), "--exclude");
  out.categories = category_ids(b, args.get("--categories"));
  out.filter.categories = out.categories;
  if (auto v = args.get("--min-price"))
    out.filter.min_price = parse_fraction(*v, "--min-price").value();
  if (auto v = args.get("--max-price"))
    out.filter.max_price = parse_fraction(*v, "--max-price").value();
  const auto n = args.get_uint("-n").value_or(default_n);
  if (n == 0 || n > 100000) throw InputError("-n: must be between 1 and 100000");
  out.n = static_cast<std::uint32_t>(n);
}

}  // namespace basketlift::cli
