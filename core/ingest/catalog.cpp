#include "ingest/catalog.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "ingest/input_file.hpp"
#include "io/atomic_file.hpp"
#include "model/error.hpp"
#include "model/format.hpp"

namespace basketlift {

namespace {

std::size_t column(const CsvReader& header, const std::string& name, const std::string& path,
                   bool required) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (trim(header.field(i)) == name) return i;
  if (required) throw InputError(at_line(path, header.line(), "column '" + name + "' not found"));
  return SIZE_MAX;
}

// A finite decimal number: "nan" and "inf", which from_chars reads, are neither prices nor
// quantities.
bool parse_number(std::string_view text, double& v) {
  auto t = trim(text);
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && ec == std::errc() && end == t.data() + t.size() && std::isfinite(v);
}

// Words that describe a product rather than name what it is.
const std::set<std::string, std::less<>> kModifiers = {
    "A",           "AND",      "OF",        "THE",     "WITH",     "IN",        "FOR",
    "ON",          "TO",       "SET",       "SETS",    "ASSORTED", "DESIGN",    "DESIGNS",
    "COLOUR",      "COLOURS",  "COLOURED",  "LARGE",   "SMALL",    "MEDIUM",    "MINI",
    "JUMBO",       "GIANT",    "BIG",       "TINY",    "RED",      "PINK",      "BLUE",
    "GREEN",       "WHITE",    "BLACK",     "IVORY",   "CREAM",    "GOLD",      "SILVER",
    "PURPLE",      "ORANGE",   "YELLOW",    "BROWN",   "GREY",     "GRAY",      "LILAC",
    "TURQUOISE",   "NATURAL",  "CLEAR",     "PASTEL",  "BRIGHT",   "RETROSPOT", "POLKADOT",
    "POLKA",       "DOT",      "DOTS",      "SPOT",    "SPOTS",    "SPOTTY",    "PAISLEY",
    "SPACEBOY",    "WOODLAND", "SKULLS",    "SKULL",   "STRIPE",   "STRIPES",   "STRIPED",
    "FLORAL",      "VINTAGE",  "RETRO",     "DOLLY",   "GIRL",     "BOY",       "LONDON",
    "CHRISTMAS",   "PANTRY",   "REGENCY",   "BAROQUE", "ANTIQUE",  "ENGLISH",   "FRENCH",
    "SWEETHEART",  "HANGING",  "METAL",     "GLASS",   "WOODEN",   "ZINC",      "ENAMEL",
    "CERAMIC",     "FELT",     "FELTCRAFT", "WICKER",  "PAPER",    "ASSTD",     "NEW",
    "TRADITIONAL", "CLASSIC",  "TIER"};

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    bool digit = std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!w.empty() && !digit && !kModifiers.count(w)) out.push_back(w);
    w.clear();
  };
  for (char c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '\'') {
      w += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// Last words of what a shop books as an order line but does not sell as a product: delivery,
// fees, charges, manual bookings, discounts, samples. Only the last word counts, so "CARRIAGE
// CLOCK" and "POST OFFICE CABINET" stay products while "Next Day Carriage" does not.
const std::set<std::string, std::less<>> kServiceWords = {
    "POSTAGE", "CARRIAGE",   "SHIPPING",    "DELIVERY", "FEE",       "FEES",   "CHARGE",
    "CHARGES", "COMMISSION", "DEBT",        "DISCOUNT", "DISCOUNTS", "SAMPLE", "SAMPLES",
    "MANUAL",  "ADJUSTMENT", "ADJUSTMENTS", "VOUCHER",  "VOUCHERS",  "REFUND", "SURCHARGE"};

// Upper-cased runs of letters; words holding digits or other symbols ("£40.00") are dropped.
std::vector<std::string> letter_words(std::string_view s) {
  std::vector<std::string> out;
  std::string w;
  bool plain = true;
  auto flush = [&] {
    if (!w.empty() && plain) out.push_back(w);
    w.clear();
    plain = true;
  };
  for (char c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z') {
      w += c;
    } else if (c == ' ' || c == '\t' || c == ',' || c == '-' || c == '/') {
      flush();
    } else {
      w += c;
      plain = false;
    }
  }
  flush();
  return out;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const char* non_merchandise_name(NonMerchandise why) {
  switch (why) {
    case NonMerchandise::Description:
      return "description";
    case NonMerchandise::Code:
      return "code";
    case NonMerchandise::Price:
      return "price";
    case NonMerchandise::Unpriced:
      return "unpriced";
    case NonMerchandise::None:
      break;
  }
  return "merchandise";
}

NonMerchandise non_merchandise(std::string_view code, std::string_view name, double price,
                               bool code_digits, double typical_price) {
  const auto w = letter_words(name);
  if (!w.empty() && kServiceWords.count(w.back())) return NonMerchandise::Description;
  if (std::find(w.begin(), w.end(), "VOUCHER") != w.end() ||
      std::find(w.begin(), w.end(), "ADJUST") != w.end())
    return NonMerchandise::Description;
  // Short: longer letter-only codes are products too (Online Retail's DCGSSBOY, a party bag).
  if (code_digits && code.size() <= 4 && !has_digit(code)) return NonMerchandise::Code;
  if (std::isnan(price)) return NonMerchandise::Unpriced;
  if (price < 0.01 || (typical_price > 0 && price >= 100 * typical_price))
    return NonMerchandise::Price;
  return NonMerchandise::None;
}

ProductTyper::ProductTyper(const std::vector<std::string>& descriptions) {
  // Head nouns: words that end at least three descriptions once modifiers are dropped.
  boost::unordered_flat_map<std::string, int, StringHash, StringEq> last, pairs;
  for (const auto& d : descriptions) {
    auto w = words(d);
    if (!w.empty()) ++last[w.back()];
  }
  for (const auto& [word, n] : last)
    if (n >= 3) heads_[word] = n;
  for (const auto& d : descriptions) {
    auto w = words(d);
    for (std::size_t i = 1; i < w.size(); ++i)
      if (auto head = singular(w[i]); heads_.count(head)) ++pairs[w[i - 1] + " " + head];
  }
  for (const auto& [pair, n] : pairs)
    if (n >= 4) compounds_[pair] = n;
}

std::string ProductTyper::singular(const std::string& w) const {
  // One name for singular and plural: CANDLES -> CANDLE, BOXES -> BOX, DOILIES -> DOILY.
  auto known = [&](const std::string& s) { return heads_.count(s) > 0; };
  if (w.size() > 3 && w.ends_with("IES") && known(w.substr(0, w.size() - 3) + "Y"))
    return w.substr(0, w.size() - 3) + "Y";
  if (w.size() > 2 && w.ends_with("ES") && known(w.substr(0, w.size() - 2)))
    return w.substr(0, w.size() - 2);
  if (w.size() > 1 && w.ends_with("S") && known(w.substr(0, w.size() - 1)))
    return w.substr(0, w.size() - 1);
  return w;
}

ProductTyper::Type ProductTyper::type_of(std::string_view description) const {
  auto w = words(description);
  if (w.empty()) return {};
  // English puts the head noun last, but motifs ("... BAG VINTAGE DOILY") also end names: each
  // known head scores its frequency, divided by 3 for every word it stands from the end.
  std::size_t at = w.size();
  double best = 0, weight = 1;
  for (std::size_t i = w.size(); i-- > 0; weight /= 3) {
    auto it = heads_.find(singular(w[i]));
    if (it != heads_.end() && it->second * weight > best) {
      best = it->second * weight;
      at = i;
    }
  }
  if (at == w.size()) return {singular(w.back()), false};  // no known head: the last real word
  if (at > 0) {
    auto pair = w[at - 1] + " " + singular(w[at]);
    if (compounds_.count(pair)) return {pair, true};
  }
  return {singular(w[at]), true};
}

Catalog read_catalog(const InputSource& source, std::size_t max_record_bytes) {
  const std::string& path = source.name;
  InputFile in(source, max_record_bytes);
  CsvReader csv(in);
  if (!csv.next()) throw InputError(path + ": empty file (no header line)");
  const auto item_at = column(csv, "item_id", path, true);
  const auto name_at = column(csv, "name", path, false);
  const auto category_at = column(csv, "category", path, false);
  const auto price_at = column(csv, "price", path, false);
  const auto recommendable_at = column(csv, "recommendable", path, false);
  Catalog catalog;
  while (csv.next()) {
    auto field = [&](std::size_t at) {
      return at < csv.size() ? trim(csv.field(at)) : std::string_view();
    };
    if (item_at >= csv.size()) throw InputError(at_line(path, csv.line(), "missing item_id"));
    auto item = field(item_at);
    if (item.empty()) throw InputError(at_line(path, csv.line(), "empty item_id"));
    CatalogEntry e{std::string(field(name_at)), std::string(field(category_at)), NAN};
    if (auto p = field(price_at); !p.empty()) {
      if (!parse_number(p, e.price) || e.price < 0)
        throw InputError(at_line(path, csv.line(),
                                 "invalid price '" + std::string(p) +
                                     "' in column 'price' (expected a finite number >= 0)"));
    }
    if (auto r = field(recommendable_at); !r.empty()) {
      std::string v(r);
      for (auto& ch : v)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      if (v == "0" || v == "false" || v == "no")
        e.recommendable = false;
      else if (v != "1" && v != "true" && v != "yes")
        throw InputError(at_line(
            path, csv.line(),
            "invalid recommendable '" + std::string(r) + "' (expected 1/0, true/false or yes/no)"));
    }
    if (!catalog.by_item.emplace(std::string(item), std::move(e)).second)
      throw InputError(at_line(path, csv.line(), "item '" + std::string(item) + "' listed twice"));
  }
  return catalog;
}

DerivedCatalog derive_catalog(const InputSource& source, const DeriveCatalogOptions& opt) {
  const std::string& path = source.name;
  InputFile in(source, opt.max_record_bytes);
  CsvReader csv(in);
  if (!csv.next()) throw InputError(path + ": empty file (no header line)");
  const auto item_at = column(csv, opt.item_col, path, true);
  const auto desc_at = column(csv, opt.description_col, path, true);
  const auto price_at = column(csv, opt.price_col, path, true);
  const auto qty_at =
      opt.quantity_col.empty() ? SIZE_MAX : column(csv, opt.quantity_col, path, true);
  // Counts per distinct description and price, not a list per row: one item on millions of
  // rows costs its distinct values.
  struct Acc {
    boost::unordered_flat_map<std::string, std::uint64_t, StringHash, StringEq> names;
    boost::unordered_flat_map<double, std::uint64_t> prices;
  };
  boost::unordered_flat_map<std::string, Acc, StringHash, StringEq> items;
  while (csv.next()) {
    const auto needed = std::max({item_at, desc_at, price_at, qty_at == SIZE_MAX ? 0 : qty_at});
    if (csv.size() <= needed)
      throw InputError(
          at_line(path, csv.line(), "row has " + std::to_string(csv.size()) + " fields"));
    auto item = trim(csv.field(item_at));
    if (item.empty()) continue;
    auto it = items.find(item);
    if (it == items.end()) it = items.emplace(std::string(item), Acc{}).first;
    auto& acc = it->second;
    if (auto d = trim(csv.field(desc_at)); !d.empty()) {
      auto n = acc.names.find(d);
      if (n == acc.names.end()) n = acc.names.emplace(std::string(d), 0).first;
      ++n->second;
    }
    double qty = 1, price = 0;
    if (qty_at != SIZE_MAX && !parse_number(csv.field(qty_at), qty))
      throw InputError(at_line(path, csv.line(),
                               "invalid quantity '" + std::string(csv.field(qty_at)) +
                                   "' in column '" + opt.quantity_col +
                                   "' (expected a finite decimal number)"));
    if (!parse_number(csv.field(price_at), price))
      throw InputError(at_line(path, csv.line(),
                               "invalid price '" + std::string(csv.field(price_at)) +
                                   "' in column '" + opt.price_col +
                                   "' (expected a finite decimal number)"));
    if (qty > 0 && price > 0) ++acc.prices[price];
  }
  DerivedCatalog out;
  for (auto& [item, acc] : items) {
    CatalogEntry e;
    std::uint64_t best = 0;
    for (const auto& [name, n] : acc.names)
      if (n > best || (n == best && name < e.name)) {
        best = n;
        e.name = name;
      }
    if (!acc.prices.empty()) {
      std::vector<std::pair<double, std::uint64_t>> p(acc.prices.begin(), acc.prices.end());
      std::sort(p.begin(), p.end());
      std::uint64_t n = 0;
      for (const auto& [price, count] : p) n += count;
      // The price at rank k (0-based) of all n, in ascending order.
      auto at_rank = [&](std::uint64_t k) {
        for (const auto& [price, count] : p) {
          if (k < count) return price;
          k -= count;
        }
        return p.back().first;
      };
      const double hi = at_rank(n / 2), lo = n % 2 ? hi : at_rank(n / 2 - 1);
      // The mean of the middle two, halved first when their sum overflows (prices near DBL_MAX
      // would otherwise give an infinite price, which no catalog or bundle accepts).
      e.price = n % 2 ? hi : std::isinf(lo + hi) ? lo / 2 + hi / 2 : (lo + hi) / 2;
    }
    out.rows.emplace_back(item, std::move(e));
  }
  std::sort(out.rows.begin(), out.rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (const auto& [item, e] : out.rows) names.push_back(e.name);
  ProductTyper typer(names);
  for (auto& [item, e] : out.rows) {
    auto type = typer.type_of(e.name);
    e.category = type.name;
    out.typed += type.from_vocabulary;
    out.untyped += type.name.empty();
  }
  // Product codes in an order log share a shape (Online Retail: five digits and a letter or
  // two); the special bookings (POST, M, D, PADS) are short words. Only when nearly every code
  // has a digit does one without stand out.
  const auto with_digit = std::count_if(out.rows.begin(), out.rows.end(),
                                        [](const auto& row) { return has_digit(row.first); });
  const bool code_digits = with_digit >= 0.9 * static_cast<double>(out.rows.size());
  std::vector<double> prices;
  for (const auto& [item, e] : out.rows)
    if (!std::isnan(e.price)) prices.push_back(e.price);
  double typical = NAN;
  if (!prices.empty()) {
    std::nth_element(prices.begin(), prices.begin() + prices.size() / 2, prices.end());
    typical = prices[prices.size() / 2];
  }
  out.why.reserve(out.rows.size());
  for (auto& [item, e] : out.rows) {
    out.why.push_back(non_merchandise(item, e.name, e.price, code_digits, typical));
    e.recommendable = out.why.back() == NonMerchandise::None;
  }
  return out;
}

void write_catalog_csv(const std::string& path, const DerivedCatalog& catalog) {
  AtomicFile file(path);
  std::string buf = "item_id,name,category,price,recommendable\n";
  for (const auto& [item, e] : catalog.rows) {
    buf += csv_field(item) + "," + csv_field(e.name) + "," + csv_field(e.category) + ",";
    if (!std::isnan(e.price)) buf += format_double(e.price);
    buf += e.recommendable ? ",1\n" : ",0\n";
  }
  file.write(buf);
  file.commit();
}

}  // namespace basketlift
