// A small "--name value" parser for the CLI subcommands: no logic, only translation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace basketlift::cli {

class Args {
 public:
  // `options` take a value, `flags` do not. Throws InputError on anything unknown.
  Args(int argc, char** argv, int first, const std::set<std::string>& options,
       const std::set<std::string>& flags);
  const std::vector<std::string>& positional() const { return positional_; }
  std::optional<std::string> get(const std::string& name) const;
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::string get_or(const std::string& name, const std::string& fallback) const {
    return get(name).value_or(fallback);
  }
  // Integer option in [0, max] (max: what the field it fills can hold, or the core's limit);
  // throws InputError naming the option and the value, so nothing wraps around.
  std::optional<std::uint64_t> get_uint(const std::string& name,
                                        std::uint64_t max = UINT64_MAX) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

// For the commands that read one BUNDLE: with --help or -h, prints `usage` on stdout and returns
// true (the command exits 0); without exactly one positional argument, prints it on stderr and
// throws InputError (exit 2); else false.
bool usage_or_bundle(const Args& args, const std::string& usage);
// --max-record-bytes, for every command that reads text input: the core's default when absent,
// else a value in [1, kMaxRecordBytesCeiling].
std::size_t max_record_bytes(const Args& args);
// Its line for a command's --help, with the core's default.
std::string max_record_bytes_help();

}  // namespace basketlift::cli
