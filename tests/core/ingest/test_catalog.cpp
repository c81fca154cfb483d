// Catalogs (catalog.hpp): read_catalog's columns and errors, derive_catalog's name / median
// price / category on a hand-written order log, ProductTyper on crafted description sets, and
// the derived Online Retail catalog against an independent pass over the gzipped CSV.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ingest/catalog.hpp"
#include "kinds_util.hpp"
#include "model/error.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

Catalog read_text(const bltest::TempDir& dir, const std::string& text) {
  const auto path = dir.file("catalog.csv");
  bltest::write_file(path, text);
  return read_catalog(path);
}

std::string read_error(const bltest::TempDir& dir, const std::string& text) {
  const auto path = dir.file("catalog.csv");
  bltest::write_file(path, text);
  return error_of([&] { read_catalog(path); });
}

const CatalogEntry* row(const DerivedCatalog& c, const std::string& item) {
  for (const auto& [id, e] : c.rows)
    if (id == item) return &e;
  return nullptr;
}

std::string type(const ProductTyper& t, std::string_view d) { return t.type_of(d).name; }

}  // namespace

TEST_CASE("read_catalog: columns in any order, extra columns ignored, empty fields allowed",
          "[kinds][catalog]") {
  bltest::TempDir dir;
  auto c = read_text(dir,
                     "price,notes,category, item_id ,name\n"
                     "2.50,x,MUG,A1,Red mug\n"
                     " 3 ,\"a, b\",MUG, A2 ,\"Mug, large\"\n"
                     ",,,B1,\n"
                     "0,,BAG,B2,Free bag\n"
                     "\n"
                     "1e1,,BAG,B3,Ten\n");
  REQUIRE(c.by_item.size() == 5);
  const auto* a1 = c.find("A1");
  REQUIRE(a1);
  CHECK(a1->name == "Red mug");
  CHECK(a1->category == "MUG");
  CHECK(a1->price == 2.5);
  const auto* a2 = c.find("A2");  // fields are trimmed, quoted commas kept
  REQUIRE(a2);
  CHECK(a2->name == "Mug, large");
  CHECK(a2->price == 3.0);
  const auto* b1 = c.find("B1");
  REQUIRE(b1);
  CHECK(b1->name.empty());
  CHECK(b1->category.empty());
  CHECK(std::isnan(b1->price));  // empty price: unknown
  CHECK(c.find("B2")->price == 0.0);
  CHECK(c.find("B3")->price == 10.0);
  CHECK(c.find("C9") == nullptr);
}

TEST_CASE("read_catalog: a spreadsheet's UTF-8 byte-order mark is skipped", "[kinds][catalog]") {
  bltest::TempDir dir;
  auto c = read_text(dir, "\xEF\xBB\xBFitem_id,name,category,price\nA1,Red mug,MUG,2.5\n");
  REQUIRE(c.find("A1"));
  CHECK(c.find("A1")->category == "MUG");
}

TEST_CASE("read_catalog: only item_id is required", "[kinds][catalog]") {
  bltest::TempDir dir;
  auto c = read_text(dir, "item_id\nA\nB\n");
  REQUIRE(c.by_item.size() == 2);
  CHECK(c.find("A")->category.empty());
  CHECK(std::isnan(c.find("B")->price));
  auto short_rows = read_text(dir, "item_id,name,category,price\nA,Mug\nB\n");
  CHECK(short_rows.find("A")->name == "Mug");
  CHECK(std::isnan(short_rows.find("A")->price));
}

TEST_CASE("read_catalog: errors name the file and line", "[kinds][catalog]") {
  bltest::TempDir dir;
  const auto path = dir.file("catalog.csv");
  for (const char* bad_price : {"abc", "-1", "1.5x", "1,5", "nan", "--2"}) {
    INFO(bad_price);
    std::string text = "item_id,name,category,price\nA,a,K,1\nB,b,K,\"";
    text += bad_price;
    text += "\"\n";
    auto e = read_error(dir, text);
    CHECK(bltest::contains(e, path + ":3: "));
    CHECK(bltest::contains(e, "invalid price"));
  }
  auto dup = read_error(dir, "item_id,price\nA,1\nB,2\nA,3\n");
  CHECK(bltest::contains(dup, path + ":4: "));
  CHECK(bltest::contains(dup, "'A' listed twice"));
  auto dup_trimmed = read_error(dir, "item_id,price\nA,1\n A ,2\n");
  CHECK(bltest::contains(dup_trimmed, path + ":3: "));
  auto no_item = read_error(dir, "id,name,category,price\nA,a,K,1\n");
  CHECK(bltest::contains(no_item, path + ":1: "));
  CHECK(bltest::contains(no_item, "'item_id' not found"));
  CHECK(bltest::contains(read_error(dir, "name,item_id\nmug\n"), path + ":2: "));
  CHECK(bltest::contains(read_error(dir, "item_id,name\n,mug\n"), path + ":2: "));
  CHECK_FALSE(read_error(dir, "").empty());
  CHECK(error_of([&] { read_catalog(dir.file("absent.csv")); }) != "");
}

TEST_CASE("read_catalog: an infinite price is rejected (a bundle could not hold it)",
          "[kinds][catalog]") {
  // from_chars accepts "inf"; the bundle reader rejects infinite prices, so a catalog that let
  // one through would make `mine --catalog` write a bundle nobody can load.
  bltest::TempDir dir;
  const auto path = dir.file("catalog.csv");
  for (const char* bad : {"inf", "infinity", "1e999"}) {
    INFO(bad);
    auto e = read_error(dir, std::string("item_id,price\nA,") + bad + "\n");
    CHECK(bltest::contains(e, path + ":2: "));
  }
}

TEST_CASE("derive_catalog: most frequent name (ties: smallest), median price, categories",
          "[kinds][catalog]") {
  bltest::TempDir dir;
  const auto path = dir.file("orders.csv");
  bltest::write_file(path,
                     "InvoiceNo,StockCode,Description,Quantity,UnitPrice,Country\n"
                     // A: names "RED LUNCH BAG" x2 and "LUNCH BAG RED" x2 (a cancellation's
                     // description counts, its price does not): tie -> "LUNCH BAG RED".
                     // Prices with quantity > 0 and price > 0: 2, 3, 4 -> median 3.
                     "1,A,RED LUNCH BAG,1,2.00,UK\n"
                     "2,A,RED LUNCH BAG,2,3.00,UK\n"
                     "3,A,LUNCH BAG RED,1,4.00,UK\n"
                     "C4,A,LUNCH BAG RED,-1,100.00,UK\n"
                     // B: "MUG" x3 (trailing spaces trimmed) beats "BIG MUG" x2; prices 1, 5,
                     // 3, 2 (price 0 and empty-description rows: the latter still priced) ->
                     // sorted 1 2 3 5, even count -> (2 + 3) / 2 = 2.5.
                     "5,B,MUG,1,1.00,UK\n"
                     "6,B,MUG  ,1,5.00,UK\n"
                     "7,B,BIG MUG,1,0,UK\n"
                     "8,B,BIG MUG,1,0.00,UK\n"
                     "9,B,,1,3.00,UK\n"
                     "10,B,MUG,3,2.00,UK\n"
                     // C: no description at all -> no name, no category.
                     "11,C,,1,1.00,UK\n"
                     // D: only a zero quantity -> price unknown; quoted comma in the name.
                     "12,D,\"BAG, JUMBO\",0,1.50,UK\n"
                     // E: one price -> that price; a single row.
                     "13,E,CAKE CASES,12,0.55,UK\n"
                     // empty item ids are skipped
                     "14,,GHOST,1,9.99,UK\n");
  auto c = derive_catalog(path, DeriveCatalogOptions{});
  std::vector<std::string> ids;
  for (const auto& [id, e] : c.rows) ids.push_back(id);
  CHECK(ids == std::vector<std::string>{"A", "B", "C", "D", "E"});  // sorted, no ghost

  REQUIRE(row(c, "A"));
  CHECK(row(c, "A")->name == "LUNCH BAG RED");
  CHECK(row(c, "A")->price == 3.0);
  CHECK(row(c, "B")->name == "MUG");
  CHECK(row(c, "B")->price == 2.5);
  CHECK(row(c, "C")->name.empty());
  CHECK(row(c, "C")->category.empty());
  CHECK(row(c, "C")->price == 1.0);
  CHECK(row(c, "D")->name == "BAG, JUMBO");
  CHECK(std::isnan(row(c, "D")->price));
  CHECK(row(c, "E")->price == 0.55);
  // Categories: with five names no word ends three of them, so each falls back to its last
  // non-modifier word (RED is a colour, JUMBO a size): BAG, MUG, -, BAG, CASES.
  CHECK(row(c, "A")->category == "BAG");
  CHECK(row(c, "B")->category == "MUG");
  CHECK(row(c, "D")->category == "BAG");
  CHECK(row(c, "E")->category == "CASES");
  CHECK(c.untyped == 1);  // C
  CHECK(c.typed == 0);    // nothing came from the vocabulary

  // The same through write_catalog_csv and read_catalog.
  write_catalog_csv(dir.file("out.csv"), c);
  auto back = read_catalog(dir.file("out.csv"));
  REQUIRE(back.by_item.size() == 5);
  CHECK(back.find("D")->name == "BAG, JUMBO");
  CHECK(std::isnan(back.find("D")->price));
  CHECK(back.find("B")->price == 2.5);
  CHECK(back.find("A")->category == "BAG");
}

TEST_CASE("derive_catalog: other column names, no quantity column, and errors",
          "[kinds][catalog]") {
  bltest::TempDir dir;
  const auto path = dir.file("orders.csv");
  bltest::write_file(path,
                     "sku,title,cost\n"
                     "X,TEA,1\n"
                     "X,TEA,2\n"
                     "X,COFFEE,4\n");
  DeriveCatalogOptions opt;
  opt.item_col = "sku";
  opt.description_col = "title";
  opt.price_col = "cost";
  opt.quantity_col = "";  // every row counts
  auto c = derive_catalog(path, opt);
  REQUIRE(c.rows.size() == 1);
  CHECK(c.rows[0].second.name == "TEA");
  CHECK(c.rows[0].second.price == 2.0);  // median of 1, 2, 4

  CHECK(bltest::contains(error_of([&] { derive_catalog(path, DeriveCatalogOptions{}); }),
                         "not found"));
  bltest::write_file(path,
                     "StockCode,Description,Quantity,UnitPrice\n"
                     "X,TEA,1,1\n"
                     "X,TEA,1,cheap\n");
  CHECK(bltest::contains(error_of([&] { derive_catalog(path, DeriveCatalogOptions{}); }),
                         path + ":3: "));
  for (const char* bad : {"inf", "-infinity", "nan"}) {  // a catalog could not hold them
    bltest::write_file(path, std::string("StockCode,Description,Quantity,UnitPrice\n"
                                         "X,TEA,1,1\n"
                                         "X,TEA,1,") +
                                 bad + "\n");
    INFO(bad);
    CHECK(bltest::contains(error_of([&] { derive_catalog(path, DeriveCatalogOptions{}); }),
                           path + ":3: "));
  }
  bltest::write_file(path,
                     "StockCode,Description,Quantity,UnitPrice\n"
                     "X,TEA,lots,1\n");
  CHECK(bltest::contains(error_of([&] { derive_catalog(path, DeriveCatalogOptions{}); }),
                         path + ":2: "));
  bltest::write_file(path,
                     "StockCode,Description,Quantity,UnitPrice\n"
                     "X,TEA\n");
  CHECK(bltest::contains(error_of([&] { derive_catalog(path, DeriveCatalogOptions{}); }),
                         path + ":2: "));
}

TEST_CASE("ProductTyper: common compounds, head nouns, modifiers and motifs", "[kinds][catalog]") {
  const std::vector<std::string> descriptions = {
      // BAG ends 10 descriptions once colours and patterns are dropped; LUNCH BAG is 4 of them.
      "LUNCH BAG RED RETROSPOT", "LUNCH BAG PINK POLKADOT", "LUNCH BAG SPACEBOY DESIGN",
      "LUNCH BAG WOODLAND", "JUMBO BAG RED RETROSPOT", "SHOPPER BAG", "JUMBO BAG PINK POLKADOT",
      "CHARLOTTE BAG PINK", "CHARLOTTE BAG RED", "STORAGE BAG",
      // T-LIGHT HOLDER x4: hyphenated words stay one word.
      "WHITE HANGING HEART T-LIGHT HOLDER", "RED HANGING HEART T-LIGHT HOLDER",
      "GLASS STAR FROSTED T-LIGHT HOLDER", "ZINC T-LIGHT HOLDER STARS SMALL",
      // CANDLE is a head (3); the plural folds onto it.
      "PILLAR CANDLE", "TEA CANDLE", "FLOATING CANDLE", "SET OF 6 VANILLA CANDLES",
      // Only modifiers / digits.
      "RED", "LARGE PINK 12", "", "   "};
  ProductTyper t(descriptions);
  CHECK(type(t, "LUNCH BAG RED RETROSPOT") == "LUNCH BAG");
  CHECK(type(t, "lunch bag apple design") == "LUNCH BAG");  // case-insensitive
  CHECK(type(t, "JUMBO BAG RED RETROSPOT") == "BAG");
  CHECK(type(t, "SHOPPER BAG") == "BAG");  // a one-off pair is not a compound
  CHECK(type(t, "WHITE HANGING HEART T-LIGHT HOLDER") == "T-LIGHT HOLDER");
  CHECK(type(t, "ZINC T-LIGHT HOLDER STARS SMALL") == "T-LIGHT HOLDER");
  CHECK(type(t, "SET OF 6 VANILLA CANDLES") == "CANDLE");
  CHECK(type(t, "PINK CANDLES") == "CANDLE");
  CHECK(t.type_of("PINK CANDLES").from_vocabulary);
  // A motif after the head noun: BAG (10 descriptions, weight 1/3 one word from the end ->
  // 10/3) beats CANDLE (3 descriptions, last word -> 3): the compound LUNCH BAG. A rarer head
  // one word further left loses: BAG 10/9 < CANDLE 3.
  CHECK(type(t, "LUNCH BAG CANDLE") == "LUNCH BAG");
  CHECK(type(t, "LUNCH BAG FLOATING CANDLE") == "CANDLE");
  CHECK(type(t, "TEA CANDLE") == "CANDLE");
  // Unknown words: the last word that is not a modifier, not from the vocabulary.
  auto teapot = t.type_of("BLUE TEAPOT LARGE");
  CHECK(teapot.name == "TEAPOT");
  CHECK_FALSE(teapot.from_vocabulary);
  // Colour, size and pattern words never become a category.
  for (const char* d : {"RED", "LARGE PINK 12", "", "   ", "RETROSPOT", "SMALL RED SPOTTY"}) {
    INFO("'" << d << "'");
    CHECK(type(t, d).empty());
  }
  for (const auto& d : descriptions) {
    static const std::set<std::string> kNever = {"RED",   "PINK",  "WHITE", "LARGE", "SMALL",
                                                 "JUMBO", "GLASS", "ZINC",  "SET",   "OF"};
    INFO(d);
    CHECK(kNever.count(type(t, d)) == 0);
  }
}

TEST_CASE("ProductTyper: plural folding covers compounds too", "[kinds][catalog]") {
  // TOWEL ends 4 descriptions (all TEA TOWEL) and TOWELS 3 (all TEA TOWELS): the plural must
  // land in the same category as the singular, whole compound included.
  ProductTyper t({"TEA TOWEL RED", "PANTRY TEA TOWEL", "TEA TOWEL DOLLY GIRL", "TEA TOWEL BLUE",
                  "SET/2 TEA TOWELS", "SET OF 3 TEA TOWELS", "KITCHEN TEA TOWELS", "BOX OF 6 BOXES",
                  "BLUE BOX", "PINK BOX", "JEWEL BOX", "STRAWBERRY DOILY", "VINTAGE DOILY", "DOILY",
                  "PAPER DOILIES"});
  CHECK(type(t, "TEA TOWEL RED") == "TEA TOWEL");
  CHECK(type(t, "SET/2 TEA TOWELS") == "TEA TOWEL");
  CHECK(type(t, "KITCHEN TEA TOWELS") == "TEA TOWEL");
  CHECK(type(t, "STORAGE BOXES") == "BOX");
  CHECK(type(t, "PAPER DOILIES") == "DOILY");
}

TEST_CASE("derive_catalog on Online Retail: every item, the vocabulary's coverage, spot checks",
          "[kinds][catalog][data]") {
  BLTEST_SKIP_WITHOUT_DATA("online-retail/online_retail.csv.gz");
  const auto path = bltest::data_file("online-retail/online_retail.csv.gz");
  DeriveCatalogOptions opt;  // StockCode, Description, UnitPrice, Quantity
  opt.quantity_col = "Quantity";
  auto c = derive_catalog(path, opt);
  CHECK(c.rows.size() == 4070);  // distinct StockCodes (data README)
  CHECK(std::is_sorted(c.rows.begin(), c.rows.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; }));
  const double coverage = static_cast<double>(c.typed) / static_cast<double>(c.rows.size());
  INFO("typed " << c.typed << ", untyped " << c.untyped);
  CHECK(coverage >= 0.85);
  std::size_t empty_names = 0;
  for (const auto& [id, e] : c.rows) empty_names += e.name.empty();
  CHECK(c.untyped == empty_names);  // no category exactly when there is no description

  CHECK(row(c, "85123A")->category == "T-LIGHT HOLDER");
  CHECK(row(c, "85123A")->name == "WHITE HANGING HEART T-LIGHT HOLDER");
  CHECK(row(c, "20725")->category == "LUNCH BAG");
  CHECK(row(c, "20725")->name == "LUNCH BAG RED RETROSPOT");
  for (const char* lunch_bag : {"20726", "20727", "20728", "22382", "22383", "22384"}) {
    INFO(lunch_bag << " " << row(c, lunch_bag)->name);
    CHECK(row(c, lunch_bag)->category == "LUNCH BAG");
  }

  // Independently: decompress with zlib, split CSV records here, and recount names and median
  // prices for a few items (descriptions trimmed, as the catalog's docs say).
  gzFile gz = gzopen(path.c_str(), "rb");
  REQUIRE(gz);
  std::string text;
  char buf[1 << 16];
  for (int n; (n = gzread(gz, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  gzclose(gz);
  const std::set<std::string> spot = {"85123A", "20725", "22423", "47566", "84879",
                                      "POST",   "23166", "21212", "22197", "M"};
  std::map<std::string, std::map<std::string, int>> names;
  std::map<std::string, std::vector<double>> prices;
  std::set<std::string> codes;
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
  };
  std::vector<std::string> f;
  std::string field;
  bool quoted = false, header = true;
  std::size_t bad_rows = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      f.push_back(field);
      field.clear();
    } else if (ch == '\n') {
      f.push_back(field);
      field.clear();
      if (!header && f.size() != 8) {
        ++bad_rows;
      } else if (!header) {
        const auto code = trim(f[1]);
        codes.insert(code);
        if (spot.count(code)) {
          if (auto d = trim(f[2]); !d.empty()) ++names[code][d];
          const double q = std::stod(f[3]), p = std::stod(f[5]);
          if (q > 0 && p > 0) prices[code].push_back(p);
        }
      }
      header = false;
      f.clear();
    } else {
      field += ch;
    }
  }
  CHECK(bad_rows == 0);
  CHECK(codes.size() == c.rows.size());
  for (const auto& code : spot) {
    INFO(code);
    const auto* e = row(c, code);
    REQUIRE(e);
    std::string best;
    int best_n = 0;
    for (const auto& [name, n] : names[code])  // std::map: ascending, so ties keep the smallest
      if (n > best_n) best = name, best_n = n;
    CHECK(e->name == best);
    auto& p = prices[code];
    std::sort(p.begin(), p.end());
    REQUIRE_FALSE(p.empty());
    const double median =
        p.size() % 2 ? p[p.size() / 2] : (p[p.size() / 2 - 1] + p[p.size() / 2]) / 2;
    CHECK(e->price == median);
  }
}

TEST_CASE("derive_catalog: nan and inf are neither quantities nor prices", "[kinds][catalog]") {
  bltest::TempDir dir;
  const auto path = dir.file("orders.csv");
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "infinity"}) {
    INFO(bad);
    // A quantity of nan used to be read, then skipped as "not > 0": silently a different median.
    bltest::write_file(path, std::string("StockCode,Description,UnitPrice,Quantity\n") +
                                 "A,MUG,2.5,1\nA,MUG,9.5," + bad + "\n");
    auto e = error_of([&] { derive_catalog(path, {}); });
    CHECK(bltest::contains(e, path + ":3: "));
    CHECK(bltest::contains(e, std::string("invalid quantity '") + bad + "' in column 'Quantity'"));
    bltest::write_file(path, std::string("StockCode,Description,UnitPrice,Quantity\n") +
                                 "A,MUG,2.5,1\nA,MUG," + bad + ",1\n");
    e = error_of([&] { derive_catalog(path, {}); });
    CHECK(bltest::contains(e, path + ":3: "));
    CHECK(bltest::contains(e, std::string("invalid price '") + bad + "' in column 'UnitPrice'"));
  }
}
