// gzip input must be complete: a stream cut short, a corrupt member or anything but another
// member after the last one is an InputError naming the file and the byte offset, for order
// logs (csv and basket, any thread count), catalogs and derived catalogs; concatenated members
// read as one text. Fixtures are compressed here at run time.
#include <string>

#include "ingest/catalog.hpp"
#include "ingest/order_log.hpp"
#include "model/error.hpp"
#include "test_util.hpp"

namespace {

using bltest::error_of;
using namespace basketlift;
using bltest::contains;

// An order log big enough that a cut in the middle of its gzip leaves many complete rows.
std::string big_order_log() {
  std::string csv = "order_id,item_id\n";
  for (int i = 0; i < 60000; ++i) {
    csv += 'o';
    csv += std::to_string(i / 4);
    csv += ",item";
    csv += std::to_string(i * 7919 % 1013);
    csv += '\n';
  }
  return csv;
}

std::string big_baskets() {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += std::to_string(i % 97) + " " + std::to_string(i * 31 % 89 + 100) + "\n";
  return text;
}

IngestOptions with_threads(unsigned threads) {
  IngestOptions o;
  o.threads = threads;
  o.block_bytes = 4096;  // many blocks, so the reader thread meets the error mid-stream
  return o;
}

}  // namespace

TEST_CASE("gzip: a stream cut short is an error naming the file and the offset, not a short file",
          "[ingest][gzip]") {
  bltest::TempDir dir;
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"orders.csv.gz", big_order_log()},
        std::pair<std::string, std::string>{"baskets.dat.gz", big_baskets()}}) {
    const auto packed = bltest::gzip(text);
    REQUIRE(packed.size() > 1000);
    // Half the data; all but the 8-byte trailer; all but the trailer's last byte; the header only.
    for (const std::size_t keep :
         {packed.size() / 2, packed.size() - 8, packed.size() - 1, std::size_t{10}}) {
      const auto path = dir.file(name);
      bltest::write_file(path, std::string_view(packed).substr(0, keep));
      for (unsigned threads : {1u, 3u}) {
        CAPTURE(name, keep, threads);
        const auto msg = error_of([&] { read_transactions(path, with_threads(threads)); });
        CHECK(contains(msg, path + ": byte " + std::to_string(keep) + ": truncated gzip data"));
        CHECK(contains(msg, "member that starts at byte 0"));
      }
    }
    // The complete file reads.
    bltest::write_file(dir.file(name), packed);
    CHECK(read_transactions(dir.file(name), {}).stats.bytes == text.size());
  }
}

TEST_CASE("gzip: data after the last member is an error; concatenated members are one text",
          "[ingest][gzip]") {
  bltest::TempDir dir;
  const std::string first = "order_id,item_id\no1,a\no1,b\n", second = "o2,c\no3,a\no3,c\n";
  const auto path = dir.file("orders.csv.gz");
  const auto one = bltest::gzip(first), two = bltest::gzip(second);

  bltest::write_file(path, one + two);
  const auto in = read_transactions(path, {});
  CHECK(bltest::baskets_as_labels(in.db) ==
        bltest::sorted_baskets({{"a", "b"}, {"c"}, {"a", "c"}}));
  CHECK(in.stats.bytes == first.size() + second.size());
  // An empty member in between changes nothing.
  bltest::write_file(path, one + bltest::gzip("") + two);
  CHECK(read_transactions(path, {}).stats.bytes == first.size() + second.size());

  for (const std::string& tail : {std::string("x"), std::string("\n"), std::string(512, '\0'),
                                  std::string("\x1f"), std::string("\x1f\x8c rest")}) {
    CAPTURE(tail.size());
    bltest::write_file(path, one + two + tail);
    const auto msg = error_of([&] { read_transactions(path, {}); });
    const auto offset = std::to_string(one.size() + two.size());
    if (tail == "\x1f") {
      // One byte of what could be a member: a member cut short.
      CHECK(contains(msg, path + ": byte " + std::to_string(one.size() + two.size() + 1) +
                              ": truncated gzip data"));
    } else {
      CHECK(contains(msg, path + ": byte " + offset + ": unexpected data after the end"));
    }
  }
}

TEST_CASE("gzip: a corrupt member is an error naming the file and the offset", "[ingest][gzip]") {
  bltest::TempDir dir;
  const auto path = dir.file("orders.csv.gz");
  auto packed = bltest::gzip(big_order_log());
  // A byte of the CRC: the data decompresses, the check fails at the end.
  packed[packed.size() - 6] ^= 0x55;
  bltest::write_file(path, packed);
  auto msg = error_of([&] { read_transactions(path, {}); });
  CHECK(contains(msg, path + ": byte "));
  CHECK(contains(msg, "corrupt gzip data (incorrect data check)"));
  // The stored length.
  packed[packed.size() - 6] ^= 0x55;
  packed[packed.size() - 2] ^= 0x01;
  bltest::write_file(path, packed);
  CHECK(contains(error_of([&] { read_transactions(path, {}); }), "incorrect length check"));
}

TEST_CASE("gzip: catalogs and derived catalogs refuse a truncated file too", "[ingest][gzip]") {
  bltest::TempDir dir;
  std::string catalog = "item_id,name,category,price\n";
  std::string orders = "StockCode,Description,UnitPrice,Quantity\n";
  for (int i = 0; i < 20000; ++i) {
    catalog += "item" + std::to_string(i) + ",Name " + std::to_string(i * 37 % 1009) + ",C" +
               std::to_string(i % 17) + ",1.5\n";
    orders += "item" + std::to_string(i % 3000) + ",MUG " + std::to_string(i % 7) + ",2.5,1\n";
  }
  const auto cat = bltest::gzip(catalog), ord = bltest::gzip(orders);
  const auto cat_path = dir.file("catalog.csv.gz"), ord_path = dir.file("orders.csv.gz");
  bltest::write_file(cat_path, cat);
  bltest::write_file(ord_path, ord);
  CHECK(read_catalog(cat_path).by_item.size() == 20000);
  CHECK(derive_catalog(ord_path, {}).rows.size() == 3000);

  bltest::write_file(cat_path, cat.substr(0, cat.size() / 2));
  bltest::write_file(ord_path, ord.substr(0, ord.size() / 2));
  CHECK(contains(error_of([&] { read_catalog(cat_path); }),
                 cat_path + ": byte " + std::to_string(cat.size() / 2) + ": truncated gzip"));
  CHECK(contains(error_of([&] { derive_catalog(ord_path, {}); }),
                 ord_path + ": byte " + std::to_string(ord.size() / 2) + ": truncated gzip"));
}

TEST_CASE("gzip: Online Retail cut to 3 MB of 7.6 MB is refused, not mined", "[ingest][gzip]") {
  BLTEST_SKIP_WITHOUT_DATA("online-retail/online_retail.csv.gz");
  bltest::TempDir dir;
  const auto packed = bltest::read_file(bltest::data_file("online-retail/online_retail.csv.gz"));
  const auto path = dir.file("online_retail.csv.gz");
  bltest::write_file(path, std::string_view(packed).substr(0, 3000000));
  IngestOptions opt;
  opt.order_col = "InvoiceNo";
  opt.item_col = "StockCode";
  opt.quantity_col = "Quantity";
  CHECK(contains(error_of([&] { read_transactions(path, opt); }),
                 path + ": byte 3000000: truncated gzip data"));
}

TEST_CASE("memory: bytes in memory read exactly as the same file, gzip or not",
          "[ingest][memory]") {
  bltest::TempDir dir;
  const auto text = big_order_log();
  const auto packed = bltest::gzip(text);
  bltest::write_file(dir.file("orders.csv"), text);
  const auto from_file = read_transactions(dir.file("orders.csv"), {});
  for (const auto& bytes : {text, packed}) {
    for (unsigned threads : {1u, 3u}) {
      CAPTURE(bytes.size(), threads);
      IngestOptions opt = with_threads(threads);
      const auto in = read_transactions(InputSource::memory("orders.csv", bytes), opt);
      CHECK(bltest::baskets_as_labels(in.db) == bltest::baskets_as_labels(from_file.db));
      CHECK(in.stats.lines == from_file.stats.lines);
      CHECK(in.stats.bytes == text.size());
    }
  }
  // Messages name the source as they would a file; detection goes by that name.
  const std::string cut = packed.substr(0, packed.size() / 2);
  CHECK(contains(error_of([&] { read_transactions(InputSource::memory("mem.csv.gz", cut), {}); }),
                 "mem.csv.gz: byte " + std::to_string(cut.size()) + ": truncated gzip data"));
  CHECK(read_transactions(InputSource::memory("x.dat", "1 2\n3\n"), {}).stats.format ==
        InputFormat::Basket);
  const auto catalog = read_catalog(InputSource::memory("c.csv", "item_id,name\nA,mug\n"));
  REQUIRE(catalog.find("A"));
  CHECK(catalog.find("A")->name == "mug");
  CHECK(derive_catalog(InputSource::memory("o.csv",
                                           "StockCode,Description,UnitPrice,Quantity\n"
                                           "A,MUG,2.5,1\n"),
                       {})
            .rows.size() == 1);
  // An empty buffer is an empty file.
  CHECK(contains(error_of([&] { read_transactions(InputSource::memory("e.csv", ""), {}); }),
                 "e.csv: empty file"));
}
