#include "ingest.hpp"

#include <algorithm>
#include <charconv>

#include "dates.hpp"
#include "error.hpp"
#include "input_file.hpp"

namespace basketlift {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::size_t column_index(const CsvReader& header, const std::string& name,
                         const std::string& option, const std::string& path) {
  std::string names;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (trim(header.field(i)) == name) return i;
    names += (i ? ", " : "") + std::string(header.field(i));
  }
  throw InputError(
      at_line(path, header.line(),
              "column '" + name + "' (" + option + ") not found in header; columns: " + names));
}

// Quantity as written in order logs: an optionally signed decimal number.
double parse_quantity(std::string_view text, const std::string& path, std::uint64_t line,
                      const std::string& column) {
  auto t = trim(text);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    throw InputError(at_line(
        path, line, "invalid number '" + std::string(text) + "' in column '" + column + "'"));
  }
  return value;
}

void read_csv(const std::string& path, const IngestOptions& opt, Ingested& out) {
  InputFile in(path);
  CsvReader csv(in);
  if (!csv.next()) throw InputError(path + ": empty file (no header line)");
  const auto order_at = column_index(csv, opt.order_col, "--order-col", path);
  const auto item_at = column_index(csv, opt.item_col, "--item-col", path);
  const bool has_qty = !opt.quantity_col.empty();
  const auto qty_at = has_qty ? column_index(csv, opt.quantity_col, "--quantity-col", path) : 0;
  const bool has_user = !opt.user_col.empty(), has_date = !opt.date_col.empty();
  const auto user_at = has_user ? column_index(csv, opt.user_col, "--user-col", path) : 0;
  const auto date_at = has_date ? column_index(csv, opt.date_col, "--date-col", path) : 0;
  const std::size_t needed = std::max({order_at, item_at, qty_at, user_at, date_at}) + 1;

  // (basket, item) pairs in file order; orders need not be contiguous in the file.
  ItemDictionary orders;
  std::vector<std::pair<std::uint32_t, ItemId>> lines;
  auto& st = out.stats;
  while (csv.next()) {
    ++st.lines;
    if (opt.progress && (st.lines & 0xFFFF) == 0) opt.progress(st.lines);
    if (csv.size() < needed) {
      throw InputError(at_line(path, csv.line(),
                               "row has " + std::to_string(csv.size()) +
                                   " fields, expected at least " + std::to_string(needed)));
    }
    if (has_qty && parse_quantity(csv.field(qty_at), path, csv.line(), opt.quantity_col) <= 0) {
      ++st.skipped_quantity;
      continue;
    }
    auto order = trim(csv.field(order_at));
    auto item = trim(csv.field(item_at));
    if (order.empty() || item.empty()) {
      ++st.skipped_empty;
      continue;
    }
    const auto basket = orders.intern(order);
    lines.emplace_back(basket, out.db.items.intern(item));
    if (basket == out.basket_user.size() && (has_user || has_date)) {
      auto user = has_user ? trim(csv.field(user_at)) : std::string_view();
      out.basket_user.push_back(user.empty() ? kNoUser : out.users.intern(user));
      std::int32_t day = 0;
      if (has_date && !parse_day(trim(csv.field(date_at)), day)) {
        throw InputError(at_line(path, csv.line(),
                                 "invalid date '" + std::string(csv.field(date_at)) +
                                     "' in column '" + opt.date_col + "' (expected YYYY-MM-DD)"));
      }
      out.basket_day.push_back(day);
    }
  }
  // Counting sort by basket keeps each order's items together, in file order.
  std::vector<std::uint64_t> start(orders.size() + 1, 0);
  for (auto& [b, i] : lines) ++start[b + 1];
  for (std::size_t b = 0; b < orders.size(); ++b) start[b + 1] += start[b];
  out.db.item_ids.resize(lines.size());
  auto fill = start;
  for (auto& [b, i] : lines) out.db.item_ids[fill[b]++] = i;
  out.db.offsets = std::move(start);
}

void read_baskets(const std::string& path, const IngestOptions& opt, Ingested& out) {
  InputFile in(path);
  LineReader reader(in);
  std::vector<ItemId> basket;
  auto& st = out.stats;
  auto is_sep = [&](char c) {
    return opt.sep ? c == opt.sep : (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v');
  };
  while (reader.next()) {
    ++st.lines;
    if (opt.progress && (st.lines & 0xFFFF) == 0) opt.progress(st.lines);
    basket.clear();
    std::string_view rest = reader.text();
    while (!rest.empty()) {
      std::size_t k = 0;
      while (k < rest.size() && !is_sep(rest[k])) ++k;
      auto item = trim(rest.substr(0, k));
      if (!item.empty()) basket.push_back(out.db.items.intern(item));
      rest.remove_prefix(std::min(k + 1, rest.size()));
    }
    if (basket.empty()) {
      ++st.skipped_empty;
      continue;
    }
    out.db.add_basket(basket);
  }
  if (st.lines == 0) throw InputError(path + ": empty file (no baskets)");
}

}  // namespace

InputFormat detect_format(const std::string& path, const IngestOptions& options) {
  if (options.format != InputFormat::Auto) return options.format;
  std::string_view p = path;
  if (ends_with(p, ".gz")) p.remove_suffix(3);
  if (ends_with(p, ".dat") || ends_with(p, ".txt") || ends_with(p, ".basket"))
    return InputFormat::Basket;
  InputFile in(path);
  CsvReader csv(in);
  if (!csv.next()) throw InputError(path + ": empty file (no header line)");
  bool has_order = false, has_item = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    has_order |= trim(csv.field(i)) == options.order_col;
    has_item |= trim(csv.field(i)) == options.item_col;
  }
  return has_order && has_item ? InputFormat::Csv : InputFormat::Basket;
}

Ingested read_transactions(const std::string& path, const IngestOptions& options) {
  Ingested out;
  out.stats.format = detect_format(path, options);
  if (out.stats.format == InputFormat::Csv) {
    read_csv(path, options, out);
  } else if (!options.user_col.empty() || !options.date_col.empty()) {
    throw InputError(path + ": --user-col and --date-col need an order log (--format csv)");
  } else {
    IngestOptions basket_opt = options;
    // A .csv of baskets (groceries.csv) separates items with commas.
    if (options.format == InputFormat::Auto && !basket_opt.sep) {
      std::string_view p = path;
      if (ends_with(p, ".gz")) p.remove_suffix(3);
      if (ends_with(p, ".csv")) basket_opt.sep = ',';
    }
    read_baskets(path, basket_opt, out);
  }
  if (out.db.size() == 0) {
    throw InputError(path + ": no baskets (" + std::to_string(out.stats.lines) + " rows, " +
                     std::to_string(out.stats.skipped_quantity + out.stats.skipped_empty) +
                     " skipped)");
  }
  out.stats.duplicates = out.db.canonicalize();
  return out;
}

}  // namespace basketlift
