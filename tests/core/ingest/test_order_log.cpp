// read_transactions on files written here: RFC 4180 CSV (quotes, embedded commas, quotes and
// newlines, CRLF), custom column names, orders spread over the file, duplicates, a quantity
// column, gzip, the basket format, format detection, canonical ids; then the error messages
// ("FILE:LINE: what"), and Online Retail as a real-world file.
#include <zlib.h>

#include <map>
#include <set>

#include "ingest/order_log.hpp"
#include "model/error.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using bltest::Basket;
using bltest::contains;

void write_gz(const std::string& path, std::string_view content) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, content.data(), static_cast<unsigned>(content.size())) ==
          static_cast<int>(content.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

IngestOptions csv_options(std::string order = "order_id", std::string item = "item_id",
                          std::string quantity = "") {
  IngestOptions o;
  o.format = InputFormat::Csv;
  o.order_col = std::move(order);
  o.item_col = std::move(item);
  o.quantity_col = std::move(quantity);
  return o;
}

// The InputError message read_transactions throws (fails the test when it does not throw).
std::string error_of(const std::string& path, const IngestOptions& options) {
  try {
    read_transactions(path, options);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("read_transactions(" << path << ") did not throw InputError");
  return {};
}

std::vector<Basket> baskets(const Ingested& in) { return bltest::baskets_as_labels(in.db); }

std::uint32_t support_of(const Ingested& in, const std::string& label) {
  const ItemId id = in.db.items.find(label);
  REQUIRE(id < in.db.items.size());
  return in.db.support[id];
}

}  // namespace

TEST_CASE("csv: RFC 4180 quoting and CRLF line ends", "[ingest][csv]") {
  bltest::TempDir dir;
  const auto path = dir.file("quoted.csv");
  bltest::write_file(path,
                     "order_id,item_id,note\r\n"
                     "o1,\"a,b\",\"say \"\"hi\"\"\"\r\n"
                     "o1,plain,\"multi\r\nline, note\"\r\n"
                     "o2,\"x \"\"quoted\"\" y\",\r\n"
                     "o2,\"a,b\",last\r\n"
                     "o3,\"\",empty item is skipped\r\n");
  const auto in = read_transactions(path, {});
  CHECK(in.stats.format == InputFormat::Csv);
  CHECK(in.stats.lines == 5);
  CHECK(in.stats.skipped_empty == 1);
  CHECK(baskets(in) == bltest::sorted_baskets({{"a,b", "plain"}, {"x \"quoted\" y", "a,b"}}));
  CHECK(support_of(in, "a,b") == 2);
  for (const auto& label : in.db.items.labels()) CHECK_FALSE(contains(label, "\r"));
}

TEST_CASE("csv: LF and CRLF give the same baskets; blank lines are ignored", "[ingest][csv]") {
  bltest::TempDir dir;
  const std::string lf = "order_id,item_id\no1,a\no1,b\n\no2,c\n";
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  bltest::write_file(dir.file("lf.csv"), lf);
  bltest::write_file(dir.file("crlf.csv"), crlf);
  bltest::write_file(dir.file("nofinal.csv"), "order_id,item_id\r\no1,a\r\no1,b\r\no2,c");
  const auto expected = bltest::sorted_baskets({{"a", "b"}, {"c"}});
  CHECK(baskets(read_transactions(dir.file("lf.csv"), {})) == expected);
  CHECK(baskets(read_transactions(dir.file("crlf.csv"), {})) == expected);
  CHECK(baskets(read_transactions(dir.file("nofinal.csv"), {})) == expected);
}

TEST_CASE("csv: a UTF-8 byte-order mark before the header is not part of the first name",
          "[ingest][csv]") {
  bltest::TempDir dir;
  const std::string body = "order_id,item_id\no1,a\no1,b\no2,c\n";
  bltest::write_file(dir.file("bom.csv"), "\xEF\xBB\xBF" + body);
  write_gz(dir.file("bom.csv.gz"), "\xEF\xBB\xBF" + body);
  bltest::write_file(dir.file("quoted.csv"), "\xEF\xBB\xBF\"order_id\",item_id\no1,a\n");
  const auto expected = bltest::sorted_baskets({{"a", "b"}, {"c"}});
  CHECK(baskets(read_transactions(dir.file("bom.csv"), {})) == expected);
  CHECK(baskets(read_transactions(dir.file("bom.csv.gz"), {})) == expected);
  CHECK(baskets(read_transactions(dir.file("quoted.csv"), {})) == bltest::sorted_baskets({{"a"}}));
  // Only at the start of the file: elsewhere the bytes are data.
  bltest::write_file(dir.file("inside.csv"),
                     "order_id,item_id\no1,\xEF\xBB\xBF"
                     "a\n");
  CHECK(baskets(read_transactions(dir.file("inside.csv"), {})) ==
        bltest::sorted_baskets({{"\xEF\xBB\xBF"
                                 "a"}}));
}

TEST_CASE("csv: custom order and item column names", "[ingest][csv]") {
  bltest::TempDir dir;
  const auto path = dir.file("orders.csv");
  bltest::write_file(path,
                     "InvoiceNo,Description,StockCode\n"
                     "536365,\"WHITE HANGING HEART, T-LIGHT\",85123A\n"
                     "536365,LANTERN,71053\n"
                     "536366,HAND WARMER,22633\n");
  IngestOptions opt;  // auto: the header names both columns, so this is an order log
  opt.order_col = "InvoiceNo";
  opt.item_col = "StockCode";
  const auto in = read_transactions(path, opt);
  CHECK(in.stats.format == InputFormat::Csv);
  CHECK(baskets(in) == bltest::sorted_baskets({{"85123A", "71053"}, {"22633"}}));
  // Header names and values are trimmed of spaces.
  bltest::write_file(dir.file("spaced.csv"), " order_id , item_id \no1 , a \no1,b\n");
  CHECK(baskets(read_transactions(dir.file("spaced.csv"), csv_options())) ==
        bltest::sorted_baskets({{"a", "b"}}));
}

TEST_CASE("csv: lines of one order spread over the file are grouped", "[ingest][csv]") {
  bltest::TempDir dir;
  const auto path = dir.file("spread.csv");
  bltest::write_file(path,
                     "order_id,item_id\n"
                     "o1,a\no2,b\no3,c\no1,d\no2,e\no1,f\no3,g\no4,h\n");
  const auto in = read_transactions(path, {});
  CHECK(in.db.size() == 4);
  CHECK(baskets(in) == bltest::sorted_baskets({{"a", "d", "f"}, {"b", "e"}, {"c", "g"}, {"h"}}));
}

TEST_CASE("csv: an item repeated inside an order counts once", "[ingest][csv]") {
  bltest::TempDir dir;
  const auto path = dir.file("dups.csv");
  bltest::write_file(path, "order_id,item_id\no1,a\no1,a\no1,b\no2,a\no1,b\no1,a\n");
  const auto in = read_transactions(path, {});
  CHECK(in.stats.lines == 6);
  CHECK(in.stats.duplicates == 3);
  CHECK(baskets(in) == bltest::sorted_baskets({{"a", "b"}, {"a"}}));
  CHECK(support_of(in, "a") == 2);
  CHECK(support_of(in, "b") == 1);
  CHECK(in.db.item_ids.size() == 3);
}

TEST_CASE("csv: quantity column skips rows with quantity <= 0", "[ingest][csv]") {
  bltest::TempDir dir;
  const auto path = dir.file("qty.csv");
  bltest::write_file(path,
                     "order_id,item_id,quantity\n"
                     "o1,a,2\n"
                     "o1,b,0\n"
                     "o1,c,-1\n"
                     "o2,a,1.5\n"
                     "o2,d,-0.5\n"
                     "o3,e,+3\n"
                     "o3,f, 4 \n"
                     "o4,g,0.0\n"
                     "o4,h,-0\n");
  const auto in = read_transactions(path, csv_options("order_id", "item_id", "quantity"));
  CHECK(in.stats.lines == 9);
  CHECK(in.stats.skipped_quantity == 5);  // b, c, d, g, h
  CHECK(in.stats.skipped_empty == 0);
  CHECK(baskets(in) == bltest::sorted_baskets({{"a"}, {"a"}, {"e", "f"}}));
  // An item seen only in skipped rows is not in the dictionary.
  CHECK(in.db.items.find("b") == in.db.items.size());
  // Without the quantity column every row counts.
  const auto all = read_transactions(path, csv_options());
  CHECK(all.stats.skipped_quantity == 0);
  CHECK(all.db.size() == 4);
}

TEST_CASE("gzip input is read directly", "[ingest][gzip]") {
  bltest::TempDir dir;
  const std::string csv =
      "order_id,item_id,note\r\n"
      "o1,\"a,b\",\"two\nlines\"\r\n"
      "o2,c,x\r\n"
      "o1,c,y\r\n";
  bltest::write_file(dir.file("plain.csv"), csv);
  write_gz(dir.file("packed.csv.gz"), csv);
  const auto plain = read_transactions(dir.file("plain.csv"), {});
  const auto packed = read_transactions(dir.file("packed.csv.gz"), {});
  CHECK(packed.stats.format == InputFormat::Csv);
  CHECK(baskets(packed) == bltest::sorted_baskets({{"a,b", "c"}, {"c"}}));
  CHECK(baskets(packed) == baskets(plain));

  write_gz(dir.file("baskets.dat.gz"), "1 2 3 \n2 3 \n");
  const auto dat = read_transactions(dir.file("baskets.dat.gz"), {});
  CHECK(dat.stats.format == InputFormat::Basket);
  CHECK(baskets(dat) == bltest::sorted_baskets({{"1", "2", "3"}, {"2", "3"}}));
}

TEST_CASE("a multi-megabyte file crosses read buffer boundaries intact", "[ingest][gzip]") {
  // 200,000 rows; quoted items with commas and doubled quotes, so quotes straddle buffer ends.
  bltest::TempDir dir;
  std::string csv = "order_id,item_id\r\n";
  std::map<std::string, std::set<std::uint64_t>> orders_of_item;
  for (std::uint64_t i = 0; i < 200000; ++i) {
    const std::uint64_t order = i / 5;
    const std::string n = std::to_string(i * 7919 % 97);
    const std::string item = std::string("item, \"") + n + "\"";  // the label
    // o<order>,"item, ""<n>""" (appended piecewise: GCC 12 -Wrestrict false positive)
    csv += 'o';
    csv += std::to_string(order);
    csv += ",\"item, \"\"";
    csv += n;
    csv += "\"\"\"\r\n";
    orders_of_item[item].insert(order);
  }
  bltest::write_file(dir.file("big.csv"), csv);
  write_gz(dir.file("big.csv.gz"), csv);
  for (const char* name : {"big.csv", "big.csv.gz"}) {
    CAPTURE(name);
    std::vector<std::uint64_t> progress;
    IngestOptions opt;
    opt.progress = [&](std::uint64_t lines) { progress.push_back(lines); };
    const auto in = read_transactions(dir.file(name), opt);
    CHECK(in.stats.lines == 200000);
    CHECK(in.db.size() == 40000);
    REQUIRE(in.db.items.size() == orders_of_item.size());
    for (const auto& [item, orders] : orders_of_item)
      REQUIRE(support_of(in, item) == orders.size());
    CHECK(progress == std::vector<std::uint64_t>{65536, 131072, 196608});
  }
}

TEST_CASE("basket format: whitespace, trailing spaces, CRLF", "[ingest][basket]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("fimi.dat"), "1 2 3 \n4 5 \n\n6\t7  8 \n9 9 1 \n");
  const auto in = read_transactions(dir.file("fimi.dat"), {});
  CHECK(in.stats.format == InputFormat::Basket);
  CHECK(in.stats.lines == 5);
  CHECK(in.stats.skipped_empty == 1);
  CHECK(in.stats.duplicates == 1);
  CHECK(baskets(in) ==
        bltest::sorted_baskets({{"1", "2", "3"}, {"4", "5"}, {"6", "7", "8"}, {"9", "1"}}));
  CHECK(in.db.items.size() == 9);

  bltest::write_file(dir.file("crlf.txt"), "a b\r\nc \r\n");
  CHECK(baskets(read_transactions(dir.file("crlf.txt"), {})) ==
        bltest::sorted_baskets({{"a", "b"}, {"c"}}));
}

TEST_CASE("basket format with ',' separator: item names with spaces", "[ingest][basket]") {
  bltest::TempDir dir;
  const std::string text = "whole milk,rolls/buns\nsoda,whole milk,soda\nother vegetables\n";
  const auto expected = bltest::sorted_baskets(
      {{"whole milk", "rolls/buns"}, {"soda", "whole milk"}, {"other vegetables"}});
  bltest::write_file(dir.file("groceries.csv"), text);  // auto: .csv without order/item header
  const auto in = read_transactions(dir.file("groceries.csv"), {});
  CHECK(in.stats.format == InputFormat::Basket);
  CHECK(baskets(in) == expected);
  CHECK(in.stats.duplicates == 1);
  CHECK(support_of(in, "whole milk") == 2);

  bltest::write_file(dir.file("groceries.txt"), text);  // explicit separator
  IngestOptions opt;
  opt.format = InputFormat::Basket;
  opt.sep = ',';
  CHECK(baskets(read_transactions(dir.file("groceries.txt"), opt)) == expected);
  // Without the separator the same .txt splits at spaces.
  CHECK(read_transactions(dir.file("groceries.txt"), {}).db.items.find("whole milk") ==
        read_transactions(dir.file("groceries.txt"), {}).db.items.size());
}

TEST_CASE("format auto-detection", "[ingest]") {
  bltest::TempDir dir;
  const std::string header = "order_id,item_id\no1,a\n";
  bltest::write_file(dir.file("x.dat"), header);
  bltest::write_file(dir.file("x.txt"), header);
  bltest::write_file(dir.file("x.csv"), header);
  bltest::write_file(dir.file("custom.csv"), "Invoice,Sku\n1,a\n");
  bltest::write_file(dir.file("baskets.csv"), "a,b\nc\n");
  write_gz(dir.file("x.csv.gz"), header);
  write_gz(dir.file("x.dat.gz"), "1 2\n");
  const IngestOptions def;
  CHECK(detect_format(dir.file("x.dat"), def) == InputFormat::Basket);
  CHECK(detect_format(dir.file("x.txt"), def) == InputFormat::Basket);
  CHECK(detect_format(dir.file("x.dat.gz"), def) == InputFormat::Basket);
  CHECK(detect_format(dir.file("x.csv"), def) == InputFormat::Csv);
  CHECK(detect_format(dir.file("x.csv.gz"), def) == InputFormat::Csv);
  CHECK(detect_format(dir.file("baskets.csv"), def) == InputFormat::Basket);
  // A table whose columns are not the defaults is not baskets: the columns must be named.
  CHECK_THROWS_AS(detect_format(dir.file("custom.csv"), def), InputError);
  IngestOptions custom;
  custom.order_col = "Invoice";
  custom.item_col = "Sku";
  CHECK(detect_format(dir.file("custom.csv"), custom) == InputFormat::Csv);
  IngestOptions forced;
  forced.format = InputFormat::Csv;
  CHECK(detect_format(dir.file("x.dat"), forced) == InputFormat::Csv);
  // The detected format is what read_transactions reports and uses.
  CHECK(read_transactions(dir.file("x.csv"), def).stats.format == InputFormat::Csv);
  const auto b = read_transactions(dir.file("baskets.csv"), def);
  CHECK(b.stats.format == InputFormat::Basket);
  CHECK(baskets(b) == bltest::sorted_baskets({{"a", "b"}, {"c"}}));
}

TEST_CASE("format auto-detection: lone-CR line ends are refused, never read as baskets",
          "[ingest][format]") {
  bltest::TempDir dir;
  // One record, as a reader that only knows LF and CRLF sees it.
  const std::string mac = "order_id,item_id\ro1,a\ro1,b\ro2,c\r";
  for (const char* name : {"mac.csv", "mac.dat", "mac.log"}) {
    const auto path = dir.file(name);
    bltest::write_file(path, mac);
    for (auto format : {InputFormat::Auto, InputFormat::Csv, InputFormat::Basket}) {
      CAPTURE(name, static_cast<int>(format));
      IngestOptions opt;
      opt.format = format;
      const auto msg = error_of(path, opt);
      CHECK(contains(msg, path + ":1: a carriage return without a line feed"));
    }
  }
  bltest::write_file(dir.file("mac.csv.gz"), bltest::gzip(mac));
  CHECK(contains(error_of(dir.file("mac.csv.gz"), {}), "lone CR"));
  // With named columns, too.
  bltest::write_file(dir.file("retail.csv"), "InvoiceNo,StockCode\r1,a\r1,b\r");
  CHECK(
      contains(error_of(dir.file("retail.csv"), csv_options("InvoiceNo", "StockCode")), "lone CR"));
  // CRLF, and a CR only at the very end, are fine.
  bltest::write_file(dir.file("crlf.dat"), "a b\r\nc\r");
  CHECK(baskets(read_transactions(dir.file("crlf.dat"), {})) ==
        bltest::sorted_baskets({{"a", "b"}, {"c"}}));
}

// An Online Retail-like order log whose columns are not the defaults.
const char* const kRetailTable =
    "InvoiceNo,StockCode,Description,Quantity\n"
    "536365,85123A,HEART,6\n536365,71053,LANTERN,6\n536366,22633,WARMER,6\n";

TEST_CASE("format auto-detection: a named column not in the header is an error listing columns",
          "[ingest][format]") {
  bltest::TempDir dir;
  const auto path = dir.file("retail.csv");
  bltest::write_file(path, kRetailTable);
  // A misspelled --order-col used to make the file "baskets" of four fields each.
  for (auto [order, item] : {std::pair<std::string, std::string>{"InvoiceNumber", "StockCode"},
                             {"InvoiceNo", "Stockcode"}}) {
    CAPTURE(order, item);
    IngestOptions opt;  // auto
    opt.order_col = order;
    opt.item_col = item;
    const auto msg = error_of(path, opt);
    CHECK(contains(msg, path + ":1: column '"));
    CHECK(contains(msg, "columns: InvoiceNo, StockCode, Description, Quantity"));
  }
  // Only a quantity column named: the defaults order_id and item_id are required, not guessed.
  IngestOptions qty;
  qty.quantity_col = "Quantity";
  CHECK(contains(error_of(path, qty), "column 'order_id' (--order-col) not found in header"));
  // Whatever the extension says.
  bltest::write_file(dir.file("baskets.dat"), "1 2 3\n4 5\n");
  CHECK(contains(error_of(dir.file("baskets.dat"), qty), dir.file("baskets.dat") + ":1: column"));
  // --format basket with a column named: the column would be ignored, so it is an error.
  IngestOptions basket = qty;
  basket.format = InputFormat::Basket;
  CHECK(contains(error_of(dir.file("baskets.dat"), basket), "not of baskets"));
}

TEST_CASE("format auto-detection: a table without the default columns is not taken for baskets",
          "[ingest][format]") {
  bltest::TempDir dir;
  const auto path = dir.file("retail.csv");
  bltest::write_file(path, kRetailTable);
  auto msg = error_of(path, {});
  CHECK(contains(msg, path + ": looks like a table, not baskets: its first 4 lines all have 4"));
  CHECK(contains(msg, "columns: InvoiceNo, StockCode, Description, Quantity"));
  CHECK(contains(msg, "--format basket"));
  // One of the two default columns: a log whose other column is misnamed.
  bltest::write_file(path, "order_id,sku\no1,a\no1,b,c\n");
  msg = error_of(path, {});
  CHECK(contains(msg, path + ":1: the header names 'order_id' but not 'item_id'"));
  CHECK(contains(msg, "columns: order_id, sku"));

  // Baskets: lines of different lengths, a single line, one item a line, a quote in a label.
  for (const std::string text : {"whole milk,rolls/buns\nsoda\nyogurt,coffee,sugar\n", "a,b,c\n",
                                 "a\nb\nc\n", "a,b\n\"c,d\n", "12\" pizza,cola\nsalad\n"}) {
    CAPTURE(text);
    bltest::write_file(path, text);
    CHECK(detect_format(path, {}) == InputFormat::Basket);
    CHECK(read_transactions(path, {}).stats.format == InputFormat::Basket);
  }
  // A table with the same fields on every line beyond the sample is judged on the sample.
  std::string pairs = "a,b\n";
  for (int i = 0; i < 150; ++i) pairs += (i == 120 ? "c,d,e\n" : "c,d\n");
  bltest::write_file(path, pairs);
  CHECK(contains(error_of(path, {}), "its first 100 lines all have 2 fields"));
  IngestOptions basket;
  basket.format = InputFormat::Basket;
  basket.sep = ',';
  CHECK(read_transactions(path, basket).db.size() == 151);
}

TEST_CASE("canonical ids: id 0 is the most frequent item, ties by label", "[ingest]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("c.dat"), "b c\nc\na c\nb\nz\ny\n");
  const auto in = read_transactions(dir.file("c.dat"), {});
  // counts: c 3, b 2, a 1, y 1, z 1 -> c, b, then a, y, z by label
  const std::vector<std::string> expected = {"c", "b", "a", "y", "z"};
  CHECK(in.db.items.labels() == expected);
  CHECK(in.db.support == std::vector<std::uint32_t>{3, 2, 1, 1, 1});
  for (std::size_t id = 0; id < expected.size(); ++id) CHECK(in.db.items.find(expected[id]) == id);
  for (std::size_t b = 0; b < in.db.size(); ++b) {
    auto items = in.db.basket(b);
    CHECK(std::is_sorted(items.begin(), items.end()));
  }
}

// ---- errors: InputError naming the file and, where there is one, the line -------------------

TEST_CASE("error: a missing column names the column, file and header line", "[ingest][errors]") {
  bltest::TempDir dir;
  const auto path = dir.file("cols.csv");
  bltest::write_file(path, "order,item\no1,a\n");
  auto msg = error_of(path, csv_options());
  CHECK(contains(msg, path + ":1:"));
  CHECK(contains(msg, "order_id"));
  msg = error_of(path, csv_options("order", "sku"));
  CHECK(contains(msg, path + ":1:"));
  CHECK(contains(msg, "sku"));
  msg = error_of(path, csv_options("order", "item", "Quantity"));
  CHECK(contains(msg, path + ":1:"));
  CHECK(contains(msg, "Quantity"));
}

TEST_CASE("error: unterminated quote names the line where the quote started", "[ingest][errors]") {
  bltest::TempDir dir;
  const auto path = dir.file("open.csv");
  bltest::write_file(path, "order_id,item_id\no1,a\no2,\"b\no3,c\no4,d\n");
  const auto msg = error_of(path, {});
  CHECK(contains(msg, path + ":3:"));
  CHECK(contains(msg, "unterminated"));
  // With a completed multi-line field before it, lines are still counted right.
  const auto path2 = dir.file("open2.csv");
  bltest::write_file(path2, "order_id,item_id,n\r\no1,a,\"x\r\ny\"\r\no2,b,1\r\no3,c,\"z\r\n");
  CHECK(contains(error_of(path2, {}), path2 + ":5:"));
}

TEST_CASE("error: a stray character after a closing quote", "[ingest][errors]") {
  bltest::TempDir dir;
  const auto path = dir.file("stray.csv");
  bltest::write_file(path, "order_id,item_id\no1,a\no1,\"b\"c\n");
  const auto msg = error_of(path, {});
  CHECK(contains(msg, path + ":3:"));
  CHECK(contains(msg, "after closing quote"));
  const auto path2 = dir.file("stray2.csv");
  bltest::write_file(path2, "order_id,item_id,n\n\"o1\" ,a,1\n");
  CHECK(contains(error_of(path2, {}), path2 + ":2:"));
}

TEST_CASE("error: empty files", "[ingest][errors]") {
  bltest::TempDir dir;
  for (const char* name : {"empty.csv", "empty.dat", "empty.txt"}) {
    const auto path = dir.file(name);
    bltest::write_file(path, "");
    CAPTURE(name);
    const auto msg = error_of(path, {});
    CHECK(contains(msg, path));
    CHECK(contains(msg, "empty"));
    CHECK(contains(error_of(path, csv_options()), path));
  }
  write_gz(dir.file("empty.csv.gz"), "");
  CHECK(contains(error_of(dir.file("empty.csv.gz"), {}), dir.file("empty.csv.gz")));
  // A header and nothing else, or only blank lines: no baskets.
  bltest::write_file(dir.file("header.csv"), "order_id,item_id\n");
  CHECK(contains(error_of(dir.file("header.csv"), {}), dir.file("header.csv")));
  bltest::write_file(dir.file("blank.dat"), "\n \n\n");
  CHECK(contains(error_of(dir.file("blank.dat"), {}), dir.file("blank.dat")));
  // Every row skipped for its quantity: no baskets either.
  bltest::write_file(dir.file("cancelled.csv"), "order_id,item_id,q\nC1,a,-1\n");
  CHECK(contains(error_of(dir.file("cancelled.csv"), csv_options("order_id", "item_id", "q")),
                 "no baskets"));
}

TEST_CASE("error: a missing file", "[ingest][errors]") {
  bltest::TempDir dir;
  for (const char* name : {"missing.csv", "missing.dat", "missing.csv.gz"}) {
    const auto path = dir.file(name);
    CAPTURE(name);
    CHECK(contains(error_of(path, {}), path));
    CHECK(contains(error_of(path, csv_options()), path));
  }
  CHECK(contains(error_of(dir.path().string(), {}), dir.path().string()));  // a directory
}

TEST_CASE("error: an invalid quantity names file, line and value", "[ingest][errors]") {
  bltest::TempDir dir;
  const auto path = dir.file("badqty.csv");
  bltest::write_file(path, "order_id,item_id,qty\no1,a,1\no1,\"b\nb\",2\no2,c,1x\n");
  // Lines: 1 header, 2 o1,a; 3-4 one record with a quoted newline; 5 the bad quantity.
  const auto msg = error_of(path, csv_options("order_id", "item_id", "qty"));
  CHECK(contains(msg, path + ":5:"));
  CHECK(contains(msg, "1x"));
  CHECK(contains(msg, "qty"));
  for (const char* bad : {"", "abc", "--1", "1,5", "0x1"}) {
    CAPTURE(bad);
    bltest::write_file(path, "order_id,item_id,qty\no1,a,\"" + std::string(bad) + "\"\n");
    CHECK(contains(error_of(path, csv_options("order_id", "item_id", "qty")), path + ":2:"));
  }
}

TEST_CASE("error: nan and inf are not quantities", "[ingest][errors]") {
  // NaN compares false with 0, so "nan" rows used to count as bought; "inf" as bought too.
  bltest::TempDir dir;
  const auto path = dir.file("nan.csv");
  for (const char* bad : {"nan", "NaN", "-nan", "inf", "+inf", "-inf", "infinity", "INF"}) {
    CAPTURE(bad);
    bltest::write_file(path, std::string("order_id,item_id,qty\no1,a,1\no1,b,") + bad + "\n");
    for (unsigned threads : {1u, 2u}) {
      auto opt = csv_options("order_id", "item_id", "qty");
      opt.threads = threads;
      const auto msg = error_of(path, opt);
      CHECK(contains(msg, path + ":3:"));
      CHECK(contains(msg, std::string("invalid number '") + bad + "' in column 'qty'"));
    }
  }
}

TEST_CASE("error: a date column with anything after the date and time", "[ingest][errors]") {
  bltest::TempDir dir;
  const auto path = dir.file("dates.csv");
  auto opt = csv_options();
  opt.date_col = "date";
  // Accepted forms, the day as written.
  bltest::write_file(path,
                     "order_id,item_id,date\n"
                     "o1,a,2011-12-09\no2,a,2011-12-09 08:26:00\no3,a,2011-12-09T08:26:00Z\n"
                     "o4,a, 2011-12-09T08:26:00.5+01:00 \n");
  const auto in = read_transactions(path, opt);
  REQUIRE(in.basket_day.size() == 4);
  for (auto day : in.basket_day) CHECK(day == in.basket_day[0]);
  for (const char* bad :
       {"2011-12-09 08:26:00 junk", "2011-12-09T", "2011-12-09 whenever", "2011-12-09 25:00"}) {
    CAPTURE(bad);
    bltest::write_file(path,
                       std::string("order_id,item_id,date\no1,a,2011-12-09\no2,b,") + bad + "\n");
    const auto msg = error_of(path, opt);
    CHECK(contains(msg, path + ":3: invalid date '" + bad + "' in column 'date' (expected "));
    CHECK(contains(msg, "HH:MM[:SS[.fraction]]"));
  }
}

TEST_CASE("error: a row with too few fields", "[ingest][errors]") {
  bltest::TempDir dir;
  const auto path = dir.file("short.csv");
  bltest::write_file(path, "order_id,note,item_id\no1,x,a\n\no2,y\n");
  const auto msg = error_of(path, {});
  CHECK(contains(msg, path + ":4:"));
  CHECK(contains(msg, "fields"));
}

// ---- real data ---------------------------------------------------------------------------

TEST_CASE("Online Retail: ingest with InvoiceNo, StockCode, Quantity", "[ingest][known]") {
  BLTEST_SKIP_WITHOUT_DATA("online-retail/online_retail.csv.gz");
  IngestOptions opt;
  opt.order_col = "InvoiceNo";
  opt.item_col = "StockCode";
  opt.quantity_col = "Quantity";
  const auto in = read_transactions(bltest::data_file("online-retail/online_retail.csv.gz"), opt);
  // Expected numbers computed once with Python's csv module (trimming ' \t\r' as ingest does):
  //   gzip -dc online_retail.csv.gz | python3 -c '
  //   import csv, sys
  //   rows = qskip = eskip = kept = 0; pairs = set(); orders = set(); items = set()
  //   for row in csv.DictReader(sys.stdin):
  //       rows += 1
  //       if float(row["Quantity"]) <= 0: qskip += 1; continue
  //       o = row["InvoiceNo"].strip(" \t\r"); i = row["StockCode"].strip(" \t\r")
  //       if not o or not i: eskip += 1; continue
  //       kept += 1; pairs.add((o, i)); orders.add(o); items.add(i)
  //   print(rows, qskip, eskip, len(orders), len(items), kept - len(pairs))'
  //   -> 541909 10624 0 20728 3941 10535; most frequent StockCode 85123A in 2203 invoices.
  CHECK(in.stats.format == InputFormat::Csv);
  CHECK(in.stats.lines == 541909);
  CHECK(in.stats.skipped_quantity == 10624);
  CHECK(in.stats.skipped_empty == 0);
  CHECK(in.db.size() == 20728);
  CHECK(in.db.items.size() == 3941);
  CHECK(in.stats.duplicates == 10535);
  CHECK(in.db.items.label(0) == "85123A");
  CHECK(in.db.support[0] == 2203);
}
