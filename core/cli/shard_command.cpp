// `shard`: a bundle already written, cut into a sharded bundle for pages that fetch only what
// their cart needs (docs/bundle-format.md, "Sharded bundles").
#include <cstdio>

#include "args.hpp"
#include "bundle/shards.hpp"
#include "bundle_args.hpp"
#include "commands.hpp"
#include "io/files.hpp"
#include "model/error.hpp"

namespace basketlift::cli {

int run_shard(int argc, char** argv) {
  auto options = kShardOptions;
  options.insert("--out");
  Args args(argc, argv, 2, options, {"--help", "-h"});
  const std::string usage =
      "usage: basketlift shard BUNDLE --out DIR [options]\n"
      "  --out DIR                  the directory for manifest.json and the parts (made if "
      "missing)\n" +
      shard_options_help();
  if (usage_or_bundle(args, usage)) return 0;
  const auto path = args.positional()[0];
  const auto dir = args.get("--out");
  if (!dir) throw InputError("shard: --out DIR is required (see basketlift shard --help)");
  const auto shard_options = read_shard_options(args);
  const auto bundle = load_bundle(path);  // refuses a part of a sharded bundle
  make_output_dir(*dir, "--out");
  const NamedPath outputs[] = {{"--out", *dir + "/manifest.json"}};
  const NamedPath inputs[] = {{"the bundle", path}};
  check_outputs(outputs, inputs);
  std::fputs(write_shards(*dir, shard_bundle(content_of(*bundle), shard_options)).c_str(), stdout);
  return 0;
}

}  // namespace basketlift::cli
