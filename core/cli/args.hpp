// A small "--name value" parser for the CLI subcommands: no logic, only translation.
#pragma once

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
  // Non-negative integer option; throws InputError naming the option.
  std::optional<std::uint64_t> get_uint(const std::string& name) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

// For the commands that read one BUNDLE: with --help or -h, prints `usage` on stdout and returns
// true (the command exits 0); without exactly one positional argument, prints it on stderr and
// throws InputError (exit 2); else false.
bool usage_or_bundle(const Args& args, const std::string& usage);

}  // namespace basketlift::cli
