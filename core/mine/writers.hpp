// Mining results as files: frequent itemsets and mlxtend-style rules, each written atomically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "mine/rules.hpp"
#include "model/itemsets.hpp"
#include "model/transactions.hpp"

namespace basketlift {

// "a b c\tcount" per line.
void write_itemsets(const std::string& path, const ItemsetTable& table, const ItemDictionary& dict);

// mlxtend's columns; items inside a side joined by '|'.
void write_rules_csv(const std::string& path, const std::vector<Rule>& rules,
                     const ItemsetTable& table, const ItemDictionary& dict, std::uint64_t n);

// The same two into an AtomicFile, left uncommitted (to commit with other outputs).
void write_itemsets(AtomicFile& file, const ItemsetTable& table, const ItemDictionary& dict);

// An itemsets file written a table (or a part of one, as mining hands them over) at a time;
// each item's label is escaped once, not once per line that holds it.
class ItemsetsWriter {
 public:
  ItemsetsWriter(AtomicFile& file, const ItemDictionary& dict);
  void write(const ItemsetTable& table);

 private:
  AtomicFile& file_;
  std::vector<std::string> escaped_;
  std::string buf_;
};
void write_rules_csv(AtomicFile& file, const std::vector<Rule>& rules, const ItemsetTable& table,
                     const ItemDictionary& dict, std::uint64_t n);

}  // namespace basketlift
