// Bounded memory on hostile text: every reader refuses a line or CSV record longer than
// max_record_bytes (line feed excluded) with "FILE:LINE: record longer than N bytes", wherever
// blocks and threads cut the input; CsvReader and the block parser agree on the limit byte for
// byte; and one order repeated on millions of rows costs its distinct items, not its rows.
#include <random>
#include <string>
#include <vector>

#include "csv_records.hpp"
#include "ingest/catalog.hpp"
#include "ingest/input_file.hpp"
#include "ingest/order_log.hpp"
#include "model/error.hpp"
#include "spark/spark_import.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using bltest::contains;
using bltest::error_of;
using bltest::read_with_blocks;
using bltest::read_with_csv_reader;

std::string too_long(const std::string& path, std::uint64_t line, std::size_t max) {
  std::string out = path;
  out += ':';
  out += std::to_string(line);
  out += ": record longer than ";
  out += std::to_string(max);
  return out + " bytes";
}

IngestOptions limited(InputFormat format, std::size_t max, unsigned threads, std::size_t block) {
  IngestOptions o;
  o.format = format;
  o.max_record_bytes = max;
  o.threads = threads;
  o.block_bytes = block;
  return o;
}

}  // namespace

TEST_CASE("record limit: exactly max bytes pass, one more is an error naming the line",
          "[ingest][limits]") {
  bltest::TempDir dir;
  const auto path = dir.file("log.csv");
  // The header is 16 bytes; the third record is `row`, the limit 16.
  for (const auto& [row, ok] : std::vector<std::pair<std::string, bool>>{
           {"o2,abcdefghijklm", true},       // 16 bytes
           {"o2,abcdefghijklmn", false},     // 17
           {"o2,abcdefghijkl\r", true},      // 16 with the CR of a CRLF
           {"o2,abcdefghijklm\r", false},    // 17 with it
           {"o2,\"abc\ndefghij\"", true},    // a quoted line break counts: 16
           {"o2,\"abc\ndefghijk\"", false},  // 17
           {"o2,abcdefghijk,,", true},       // delimiters count
           {"o2,abcdefghijkl,,", false}}) {
    for (const std::string eol : {"\n", ""}) {
      // Followed by another row, or the last bytes of the file.
      const std::string text = "order_id,item_id\no1,a\n" + row + (eol.empty() ? "" : "\no3,b\n");
      bltest::write_file(path, text);
      for (unsigned threads : {1u, 2u}) {
        for (std::size_t block : {std::size_t{1}, std::size_t{5}, std::size_t{64 << 10}}) {
          CAPTURE(row, eol.size(), threads, block);
          const auto opt = limited(InputFormat::Csv, 16, threads, block);
          if (ok) {
            CHECK(read_transactions(path, opt).stats.lines == (eol.empty() ? 2 : 3));
          } else {
            CHECK(contains(error_of([&] { read_transactions(path, opt); }), too_long(path, 3, 16)));
          }
        }
      }
      // CsvReader draws the line at the same byte.
      std::mt19937 rng(7);
      CHECK(read_with_csv_reader(path, 16) == read_with_blocks(path, text, rng, SIZE_MAX, 16));
    }
  }
  // The header is a record too.
  bltest::write_file(path, "order_id,item_id,note\no1,a,x\n");
  CHECK(contains(error_of([&] { read_transactions(path, limited(InputFormat::Csv, 16, 1, 64)); }),
                 too_long(path, 1, 16)));
  CHECK(contains(error_of([&] { read_transactions(path, limited(InputFormat::Auto, 16, 1, 64)); }),
                 too_long(path, 1, 16)));
}

TEST_CASE("record limit: CsvReader and blocks agree on random soups under tiny limits",
          "[ingest][limits]") {
  bltest::TempDir dir;
  const auto path = dir.file("soup.csv");
  std::mt19937 rng(1717);
  const char alphabet[] = {'a', 'b', ',', ',', '"', '"', '\n', '\r', ' '};
  for (int round = 0; round < 1500; ++round) {
    std::string text;
    const std::size_t n = rng() % 80;
    for (std::size_t k = 0; k < n; ++k) text += alphabet[rng() % sizeof alphabet];
    bltest::write_file(path, text);
    const std::size_t max = 1 + rng() % 12;
    const auto want = read_with_csv_reader(path, max);
    for (int cut = 0; cut < 4; ++cut) {
      CAPTURE(text, max);
      const auto got = read_with_blocks(path, text, rng, SIZE_MAX, max);
      REQUIRE(got.error == want.error);
      REQUIRE(got.fields == want.fields);
      REQUIRE(got.lines == want.lines);
    }
    // Unlimited, the same records, as long as none is too long.
    if (want.error.empty() || !contains(want.error, "record longer")) {
      const auto unlimited = read_with_csv_reader(path);
      if (want.error.empty()) CHECK(unlimited == want);
    }
  }
}

TEST_CASE("record limit: order logs and baskets, any thread count and block size",
          "[ingest][limits]") {
  bltest::TempDir dir;
  std::mt19937 rng(99);
  for (int round = 0; round < 40; ++round) {
    const bool csv = round % 2 == 0;
    const std::size_t max = 40 + rng() % 200;
    std::string text = csv ? "order_id,item_id\n" : "";
    const std::uint64_t first_line = csv ? 2 : 1;
    const std::uint64_t rows = 5 + rng() % 50, long_at = rng() % rows;
    for (std::uint64_t r = 0; r < rows; ++r) {
      std::string item = std::string("i") + std::to_string(rng() % 20);
      if (r == long_at) item = std::string(max + 1 + rng() % (3 * max), 'x');
      if (csv && rng() % 4 == 0) item = "\"" + item + "\n\"";  // the record spans two lines
      text += csv ? std::string("o") + std::to_string(r / 3) + "," + item : item + " j";
      text += "\n";
    }
    const auto path = dir.file(csv ? "log.csv" : "log.dat");
    bltest::write_file(path, text);
    // The line the long record starts on: count the lines before it.
    std::uint64_t line = first_line;
    {
      const auto at = text.find(std::string(max, 'x'));
      line = 1 + static_cast<std::uint64_t>(std::count(
                     text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    }
    for (unsigned threads : {1u, 2u, 4u}) {
      for (std::size_t block :
           {std::size_t{1}, std::size_t{7}, max - 1, max + 1, 4 * max, std::size_t{1} << 16}) {
        CAPTURE(round, csv, max, threads, block);
        const auto opt = limited(csv ? InputFormat::Csv : InputFormat::Basket, max, threads, block);
        CHECK(contains(error_of([&] { read_transactions(path, opt); }), too_long(path, line, max)));
      }
    }
    // Gzipped, the same.
    bltest::write_file(path + ".gz", bltest::gzip(text));
    CHECK(contains(error_of([&] {
                     read_transactions(
                         path + ".gz",
                         limited(csv ? InputFormat::Csv : InputFormat::Basket, max, 2, 512));
                   }),
                   too_long(path + ".gz", line, max)));
  }
}

TEST_CASE("record limit: catalogs, derived catalogs and Spark JSON lines", "[ingest][limits]") {
  bltest::TempDir dir;
  const auto catalog = dir.file("catalog.csv");
  bltest::write_file(catalog,
                     std::string("item_id,name\nA,mug\nB,") + std::string(100, 'n') + "\n");
  CHECK(read_catalog(catalog).by_item.size() == 2);
  CHECK(contains(error_of([&] { read_catalog(catalog, 64); }), too_long(catalog, 3, 64)));

  const auto orders = dir.file("orders.csv");
  bltest::write_file(orders, "StockCode,Description,UnitPrice,Quantity\nA,MUG,1,1\nA," +
                                 std::string(100, 'M') + ",1,1\n");
  DeriveCatalogOptions derive;
  derive.max_record_bytes = 64;
  CHECK(contains(error_of([&] { derive_catalog(orders, derive); }), too_long(orders, 3, 64)));

  const auto part = dir.file("part-00000.json");
  bltest::write_file(part, "{\"items\":[\"a\"],\"freq\":3}\n{\"items\":[\"" +
                               std::string(100, 'a') + "\"],\"freq\":2}\n");
  SparkImportOptions spark;
  spark.itemsets_path = part;
  spark.rules_path = part;
  spark.max_record_bytes = 64;
  CHECK(contains(error_of([&] { import_spark(spark, "now"); }), too_long(part, 2, 64)));
}

TEST_CASE("one order on many rows keeps its distinct items, and counts the rest as repeats",
          "[ingest][limits]") {
  bltest::TempDir dir;
  // 300,000 rows of one order over 7 items, with another order closing now and then.
  std::string text = "order_id,item_id\n";
  for (int r = 0; r < 300000; ++r) {
    text += r % 1000 == 999 ? "other," : "big,";
    text += std::string("i") + std::to_string(r % 7) + "\n";
  }
  const auto path = dir.file("big.csv");
  bltest::write_file(path, text);
  for (unsigned threads : {1u, 3u}) {
    IngestOptions opt;
    opt.threads = threads;
    opt.block_bytes = 4096;
    const auto in = read_transactions(path, opt);
    CAPTURE(threads);
    CHECK(in.db.size() == 2);
    CHECK(in.stats.lines == 300000);
    CHECK(in.stats.duplicates == 300000 - 7 - 7);
    CHECK(bltest::baskets_as_labels(in.db) ==
          bltest::sorted_baskets({{"i0", "i1", "i2", "i3", "i4", "i5", "i6"},
                                  {"i0", "i1", "i2", "i3", "i4", "i5", "i6"}}));
  }
}
