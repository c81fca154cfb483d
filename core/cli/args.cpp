#include "args.hpp"

#include <charconv>
#include <cstdio>

#include "ingest/input_file.hpp"
#include "model/error.hpp"

namespace basketlift::cli {

Args::Args(int argc, char** argv, int first, const std::set<std::string>& options,
           const std::set<std::string>& flags) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() < 2 || a[0] != '-' || a == "-") {
      positional_.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (flags.count(name) && !inline_value) {
      flags_.insert(name);
    } else if (options.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argc) throw InputError(name + ": missing value");
        value = argv[++i];
      }
      values_[name] = value;
    } else {
      throw InputError("unknown option '" + name + "' (see basketlift --help)");
    }
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint64_t> Args::get_uint(const std::string& name, std::uint64_t max) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || (ec != std::errc() && ec != std::errc::result_out_of_range) ||
      end != v->data() + v->size())
    throw InputError(name + ": invalid number '" + *v + "' (expected a non-negative integer)");
  if (ec == std::errc::result_out_of_range || out > max)
    throw InputError(name + ": " + *v + " is out of range (at most " + std::to_string(max) + ")");
  return out;
}

bool usage_or_bundle(const Args& args, const std::string& usage) {
  if (args.flag("--help") || args.flag("-h")) {
    std::fputs(usage.c_str(), stdout);
    return true;
  }
  if (args.positional().size() != 1) {
    std::fputs(usage.c_str(), stderr);
    throw InputError("expected exactly one BUNDLE");
  }
  return false;
}

std::size_t max_record_bytes(const Args& args) {
  const auto n = args.get_uint("--max-record-bytes", kMaxRecordBytesCeiling);
  if (!n) return kDefaultMaxRecordBytes;
  if (*n == 0) throw InputError("--max-record-bytes: must be at least 1");
  return static_cast<std::size_t>(*n);
}

std::string max_record_bytes_help() {
  return "\nlimits:\n"
         "  --max-record-bytes N       longest line or CSV record of any input file, line feed\n"
         "                             excluded (default " +
         std::to_string(kDefaultMaxRecordBytes) +
         "); a longer one is an error naming\n"
         "                             its line, so memory stays bounded\n";
}

}  // namespace basketlift::cli
