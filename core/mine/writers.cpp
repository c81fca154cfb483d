#include "mine/writers.hpp"

#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "model/format.hpp"

namespace basketlift {

void write_itemsets(AtomicFile& file, const ItemsetTable& table, const ItemDictionary& dict) {
  // Each item's escaped label once, not once per itemset that holds it (millions on dense data).
  std::vector<std::string> escaped(dict.size());
  for (std::size_t i = 0; i < escaped.size(); ++i)
    escaped[i] = escape_id(dict.label(static_cast<ItemId>(i)), " \t");
  std::string buf;
  for (std::size_t r = 0; r < table.size(); ++r) {
    bool first = true;
    for (const ItemId i : table.itemset(r)) {
      if (!first) buf += ' ';
      first = false;
      buf += escaped[i];
    }
    buf += '\t';
    buf += std::to_string(table.counts[r]);
    buf += '\n';
    if (buf.size() > (1 << 16)) {
      file.write(buf);
      buf.clear();
    }
  }
  file.write(buf);
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
