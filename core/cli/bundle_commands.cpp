// `inspect` and `recommend`: read a bundle, translate the core's answers to text or JSON.
#include <cinttypes>
#include <cstdio>
#include <sstream>

#include "args.hpp"
#include "bundle/bundle.hpp"
#include "bundle_args.hpp"
#include "commands.hpp"
#include "io/files.hpp"
#include "model/error.hpp"
#include "model/format.hpp"
#include "score/recommend.hpp"

namespace basketlift::cli {

int run_inspect(int argc, char** argv) {
  Args args(argc, argv, 2, {}, {"--json", "--help", "-h"});
  if (usage_or_bundle(args, "usage: basketlift inspect BUNDLE [--json]\n")) return 0;
  const auto path = args.positional()[0];
  const auto bytes = read_file_bytes(path);
  BundleHeader h;
  std::string error;
  if (!read_bundle_header(bytes, h, error)) throw InputError(path + ": " + error);
  const bool checksum_ok = h.stored_checksum == h.computed_checksum;
  std::string load_error;
  auto bundle = Bundle::load(bytes, load_error);
  const bool json = args.flag("--json");
  if (json) {
    std::printf("{\"file\": %s, \"bytes\": %zu, \"version\": %u, \"checksum\": \"%016" PRIx64
                "\", \"checksum_ok\": %s, \"valid\": %s",
                json_string(path).c_str(), bytes.size(), h.version, h.stored_checksum,
                checksum_ok ? "true" : "false", bundle ? "true" : "false");
    if (!bundle) std::printf(", \"error\": %s", json_string(load_error).c_str());
    std::printf(", \"sections\": [");
    for (std::size_t i = 0; i < h.sections.size(); ++i) {
      const auto& s = h.sections[i];
      std::printf("%s{\"id\": %u, \"name\": \"%s\", \"offset\": %" PRIu64 ", \"bytes\": %" PRIu64
                  "}",
                  i ? ", " : "", static_cast<unsigned>(s.id), section_name(s.id), s.offset, s.size);
    }
    std::printf("]");
    if (bundle) {
      std::printf(", \"items\": %u, \"transactions\": %" PRIu64
                  ", \"single_rules\": %zu, "
                  "\"pairs\": %zu, \"pair_rules\": %zu, \"meta\": {",
                  bundle->item_count(), bundle->transactions(), bundle->single_rule_count(),
                  bundle->pair_count(), bundle->pair_rule_count());
      for (std::size_t i = 0; i < bundle->meta().size(); ++i) {
        const auto& [k, v] = bundle->meta()[i];
        std::printf("%s%s: %s", i ? ", " : "", json_string(k).c_str(), json_string(v).c_str());
      }
      std::printf("}");
    }
    std::printf("}\n");
  } else {
    std::printf("%s: basketlift bundle, format version %u, %zu bytes\n", path.c_str(), h.version,
                bytes.size());
    std::printf("checksum %016" PRIx64 ": %s\n", h.stored_checksum,
                checksum_ok ? "ok" : "MISMATCH");
    std::printf("sections:\n");
    for (const auto& s : h.sections)
      std::printf("  %-18s offset %10" PRIu64 "  %10" PRIu64 " bytes\n", section_name(s.id),
                  s.offset, s.size);
    if (bundle) {
      std::printf("items %u, transactions %" PRIu64
                  ", single-item rules %zu, pairs %zu, pair rules %zu\n",
                  bundle->item_count(), bundle->transactions(), bundle->single_rule_count(),
                  bundle->pair_count(), bundle->pair_rule_count());
      std::printf("mined with:\n");
      for (const auto& [k, v] : bundle->meta()) std::printf("  %-18s %s\n", k.c_str(), v.c_str());
    } else {
      std::printf("INVALID: %s\n", load_error.c_str());
    }
  }
  return bundle ? 0 : 2;
}

int run_recommend(int argc, char** argv) {
  auto options = kFilterOptions;
  options.insert({"--cart", "--history", "--max-per-family"});
  Args args(argc, argv, 2, options, {"--json", "--help", "-h"});
  {
    const std::string usage =
        "usage: basketlift recommend BUNDLE --cart A,B [--history C,D] [--exclude E]\n"
        "       [--categories C1,C2] [--min-price P] [--max-price P] [-n " +
        std::to_string(RecommendRequest{}.n) + "] [--max-per-family N] [--json]\n";
    if (usage_or_bundle(args, usage)) return 0;
  }
  auto bundle = load_bundle(args.positional()[0]);
  Filters f;
  read_filters(args, *bundle, f, RecommendRequest{}.n);
  const auto cart = ids_of(*bundle, args.get("--cart"), "--cart");
  const auto history = ids_of(*bundle, args.get("--history"), "--history");
  Scorer scorer(*bundle);
  RecommendRequest request;
  request.cart = cart;
  request.history = history;
  request.exclude = f.exclude;
  request.n = f.n;
  request.filter = f.filter;
  if (auto m = args.get_uint("--max-per-family")) {
    if (*m > UINT32_MAX) throw InputError("--max-per-family: too large");
    request.max_per_family = static_cast<std::uint32_t>(*m);
  }
  auto results = scorer.recommend(request);
  const bool json = args.flag("--json");
  if (json) std::printf("[");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const char* kind = kind_name(r.kind);
    if (json) {
      std::printf("%s{\"item\":%s,\"score\":%s,\"confidence\":%s,\"lift\":%s,\"because\":[",
                  i ? "," : "", json_string(bundle->label(r.item)).c_str(),
                  format_double(r.score).c_str(), format_double(r.confidence).c_str(),
                  format_double(r.lift).c_str());
      auto because = scorer.because(r);
      for (std::size_t k = 0; k < because.size(); ++k)
        std::printf("%s%s", k ? "," : "", json_string(bundle->label(because[k])).c_str());
      std::printf("],\"reason\":%s,\"kind\":\"%s\"}",
                  r.reason == kNoItem ? "null" : json_string(bundle->label(r.reason)).c_str(),
                  kind);
    } else {
      std::string because;
      for (auto b : scorer.because(r))
        because += (because.empty() ? "" : ", ") + std::string(bundle->label(b));
      std::printf("%2zu. %-30s score %.4f  confidence %.3f  lift %.2f  %s%s%s%s%s\n", i + 1,
                  printable(bundle->label(r.item)).c_str(), r.score, r.confidence, r.lift, kind,
                  r.reason == kNoItem ? "" : "  with: ",
                  r.reason == kNoItem ? "" : printable(bundle->label(r.reason)).c_str(),
                  because.empty() ? "" : "  because: ", printable(because).c_str());
    }
  }
  if (json) std::printf("]\n");
  return 0;
}

}  // namespace basketlift::cli
