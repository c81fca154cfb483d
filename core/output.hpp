// Writers for mining results. Every file is written to a temporary beside its destination and
// renamed into place only when complete, so a failure never leaves a half-written output.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bundle.hpp"
#include "itemsets.hpp"
#include "rules.hpp"
#include "transactions.hpp"

namespace basketlift {

// A file written to a temporary beside its destination ("PATH.tmp.PID.N") and renamed over it
// when complete. Every live temporary is listed in a fixed, lock-free registry, so a signal
// handler can remove them all (remove_temp_files) before the process dies.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // throws InputError when the temp cannot be made
  ~AtomicFile();                          // removes the temp unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void commit();   // finish(), then publish()
  void finish();   // flush, fsync, close
  void publish();  // rename over the destination (after finish)
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_; }

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
  int slot_ = -1;  // in the registry of live temps
  bool committed_ = false;
};

// Commits several files as one: all are finished first, then renamed while SIGINT, SIGTERM,
// SIGHUP and SIGQUIT are held back (in the calling thread; call it with no other threads
// running), so an interruption leaves either all the previous files or all the new ones.
void commit_together(std::span<AtomicFile* const> files);

// Async-signal-safe: unlinks the temp file of every AtomicFile not yet committed or destroyed.
void remove_temp_files() noexcept;

// Shortest text that reads back as the same double; "inf" for infinity.
std::string format_double(double v);

// Quotes a CSV field when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

// Labels of an itemset joined by `sep`, in the table's (frequency) order.
std::string join_labels(const ItemDictionary& dict, std::span<const ItemId> items,
                        std::string_view sep);

// "a b c\tcount" per line.
void write_itemsets(const std::string& path, const ItemsetTable& table, const ItemDictionary& dict);

// mlxtend's columns; items inside a side joined by '|'.
void write_rules_csv(const std::string& path, const std::vector<Rule>& rules,
                     const ItemsetTable& table, const ItemDictionary& dict, std::uint64_t n);

// encode_bundle, written atomically.
void write_bundle(const std::string& path, const BundleContent& content);

// The same three into an AtomicFile, left uncommitted.
void write_itemsets(AtomicFile& file, const ItemsetTable& table, const ItemDictionary& dict);
void write_rules_csv(AtomicFile& file, const std::vector<Rule>& rules, const ItemsetTable& table,
                     const ItemDictionary& dict, std::uint64_t n);
void write_bundle(AtomicFile& file, const BundleContent& content);

// The whole file, or InputError naming it.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

// A JSON string literal, escaped.
std::string json_string(std::string_view s);

}  // namespace basketlift
