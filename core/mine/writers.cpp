#include "mine/writers.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "model/format.hpp"

namespace basketlift {

ItemsetsWriter::ItemsetsWriter(AtomicFile& file, const ItemDictionary& dict)
    : file_(file), slots_(dict.size()), lengths_(dict.size()), escaped_(dict.size()) {
  for (std::size_t i = 0; i < dict.size(); ++i) {
    auto label = escape_id(dict.label(static_cast<ItemId>(i)), " \t");
    lengths_[i] = static_cast<std::uint32_t>(label.size() + 1);
    if (label.size() < kSlot) {
      std::memcpy(slots_[i].data(), label.data(), label.size());
      slots_[i][label.size()] = ' ';
    } else {
      escaped_[i] = std::move(label);
    }
  }
}

void ItemsetsWriter::format(const ItemsetTable& table, std::size_t begin, std::size_t end,
                            std::string& text) const {
  // Sized for the longest it can be (counts of 10 digits), then cut to what was written.
  std::size_t most = (end - begin) * 12 + kSlot;
  for (auto k = table.offsets[begin]; k < table.offsets[end]; ++k) most += lengths_[table.items[k]];
  const auto start = text.size();
  text.resize(start + most);
  char* p = text.data() + start;
  for (std::size_t r = begin; r < end; ++r) {
    const auto items = table.itemset(r);
    for (const ItemId i : items) {
      if (lengths_[i] <= kSlot) {
        std::memcpy(p, slots_[i].data(), kSlot);
      } else {
        std::memcpy(p, escaped_[i].data(), lengths_[i] - 1);
        p[lengths_[i] - 1] = ' ';
      }
      p += lengths_[i];
    }
    if (items.empty()) ++p;
    p[-1] = '\t';
    p = std::to_chars(p, p + 10, table.counts[r]).ptr;
    *p++ = '\n';
  }
  text.resize(static_cast<std::size_t>(p - text.data()));
}

void ItemsetsWriter::format(const ItemsetTable& table, std::string& text) const {
  format(table, 0, table.size(), text);
}

void ItemsetsWriter::write(const ItemsetTable& table) {
  std::string text;
  for (std::size_t r = 0; r < table.size(); r += 4096) {
    format(table, r, std::min(table.size(), r + 4096), text);
    file_.write(text);
    text.clear();
  }
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
