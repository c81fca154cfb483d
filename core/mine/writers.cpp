#include "mine/writers.hpp"

#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "model/format.hpp"

namespace basketlift {

ItemsetsWriter::ItemsetsWriter(AtomicFile& file, const ItemDictionary& dict)
    : file_(file), escaped_(dict.size()) {
  for (std::size_t i = 0; i < escaped_.size(); ++i)
    escaped_[i] = escape_id(dict.label(static_cast<ItemId>(i)), " \t");
}

void ItemsetsWriter::write(const ItemsetTable& table) {
  for (std::size_t r = 0; r < table.size(); ++r) {
    bool first = true;
    for (const ItemId i : table.itemset(r)) {
      if (!first) buf_ += ' ';
      first = false;
      buf_ += escaped_[i];
    }
    buf_ += '\t';
    buf_ += std::to_string(table.counts[r]);
    buf_ += '\n';
    if (buf_.size() > (1 << 16)) {
      file_.write(buf_);
      buf_.clear();
    }
  }
  file_.write(buf_);
  buf_.clear();
}

void write_itemsets(AtomicFile& file, const ItemsetTable& table, const ItemDictionary& dict) {
  ItemsetsWriter(file, dict).write(table);
}

void write_itemsets(const std::string& path, const ItemsetTable& table,
                    const ItemDictionary& dict) {
  AtomicFile file(path);
  write_itemsets(file, table, dict);
  file.commit();
}

void write_rules_csv(AtomicFile& file, const std::vector<Rule>& rules, const ItemsetTable& table,
                     const ItemDictionary& dict, std::uint64_t n) {
  std::string buf =
      "antecedents,consequents,antecedent_support,consequent_support,support,confidence,lift,"
      "leverage,conviction,zhangs_metric\n";
  for (const auto& r : rules) {
    auto m = rule_metrics(table.counts[r.antecedent], table.counts[r.consequent],
                          table.counts[r.itemset], n);
    buf += csv_field(join_labels(dict, table.itemset(r.antecedent), "|", "|"));
    buf += ',';
    buf += csv_field(join_labels(dict, table.itemset(r.consequent), "|", "|"));
    for (double v : {m.antecedent_support, m.consequent_support, m.support, m.confidence, m.lift,
                     m.leverage, m.conviction, m.zhangs_metric}) {
      buf += ',';
      buf += format_double(v);
    }
    buf += '\n';
    if (buf.size() > (1 << 16)) {
      file.write(buf);
      buf.clear();
    }
  }
  file.write(buf);
}

void write_rules_csv(const std::string& path, const std::vector<Rule>& rules,
                     const ItemsetTable& table, const ItemDictionary& dict, std::uint64_t n) {
  AtomicFile file(path);
  write_rules_csv(file, rules, table, dict, n);
  file.commit();
}

}  // namespace basketlift
