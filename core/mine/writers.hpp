// Mining results as files: frequent itemsets and mlxtend-style rules, each written atomically.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
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
  // The same in two steps, so that mining threads can format their parts at once and the one
  // writing them in order only copies bytes: format() is const and appends the lines to `text`.
  void format(const ItemsetTable& table, std::string& text) const;
  void write(std::string_view text) { file_.write(text); }

 private:
  void format(const ItemsetTable& table, std::size_t begin, std::size_t end,
              std::string& text) const;

  // Each label and the space after it, in a 16-byte slot when they fit: a line is then built
  // with one fixed-size copy per item (the next copy overwrites the slot's slack).
  static constexpr std::size_t kSlot = 16;
  AtomicFile& file_;
  std::vector<std::array<char, kSlot>> slots_;
  std::vector<std::uint32_t> lengths_;  // of each label with its space
  std::vector<std::string> escaped_;    // the labels too long for a slot
};
void write_rules_csv(AtomicFile& file, const std::vector<Rule>& rules, const ItemsetTable& table,
                     const ItemDictionary& dict, std::uint64_t n);

}  // namespace basketlift
