// What `basketlift mine` reports about a large log's ingest (issue 6, "Large logs"): rows read,
// rows skipped by reason, repeated items, distinct baskets, bytes, threads and throughput, in
// the JSON summary (next to the fields it always had) and in the human one; --threads is
// validated, and every thread count writes the same itemsets and rules.
#include <algorithm>
#include <regex>

#include "test_util.hpp"

namespace {

using bltest::contains;

std::string json_field(const std::string& json, const std::string& key) {
  std::smatch m;
  const std::regex re("\"" + key + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)");
  return std::regex_search(json, m, re) ? std::string(m[1]) : "<missing>";
}

// 9 rows: 2 with quantity <= 0, 1 without an item, 1 repeated item; orders o1 and o3 hold the
// same basket {a, b}.
const char* kLog =
    "order_id,item_id,qty\n"
    "o1,a,1\n"
    "o1,b,2\n"
    "o2,a,0\n"
    "o2,c,1\n"
    "o3,b,1\n"
    "o3,a,1\n"
    "o3,a,1\n"
    "o4,,1\n"
    "o4,d,-2\n";

}  // namespace

TEST_CASE("mine: the summaries report rows, skips by reason and throughput", "[cli][large]") {
  bltest::TempDir dir;
  const auto log = dir.file("log.csv");
  bltest::write_file(log, kLog);
  const auto r = bltest::run_cli({"mine", log, "--quantity-col", "qty", "--min-count", "1",
                                  "--threads", "3", "--summary", "json"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(json_field(r.out, "transactions") == "3");
  CHECK(json_field(r.out, "items") == "3");
  CHECK(json_field(r.out, "rows") == "9");
  CHECK(json_field(r.out, "rows_skipped") == "3");
  CHECK(json_field(r.out, "rows_skipped_quantity") == "2");
  CHECK(json_field(r.out, "rows_skipped_empty") == "1");
  CHECK(json_field(r.out, "duplicates") == "1");
  CHECK(json_field(r.out, "distinct_baskets") == "2");
  CHECK(json_field(r.out, "bytes") == std::to_string(std::string(kLog).size()));
  CHECK(json_field(r.out, "threads") == "3");
  for (const char* key : {"seconds", "ingest_seconds", "mining_seconds"})
    CHECK(std::stod(json_field(r.out, key)) >= 0);
  CHECK(std::stod(json_field(r.out, "rows_per_second")) > 0);
  CHECK(std::stod(json_field(r.out, "mb_per_second")) > 0);
  CHECK(r.err.empty());  // no progress when stderr is not a terminal

  const auto text = bltest::run_cli({"mine", log, "--quantity-col", "qty", "--min-count", "1"});
  REQUIRE(text.status == 0);
  CHECK(contains(text.out, "9 rows, 3 baskets (2 distinct), 3 items"));
  CHECK(contains(text.out, "skipped 3 rows: 2 with quantity <= 0, 1 with no order id or item"));
  CHECK(contains(text.out, "1 repeated items within a basket counted once"));
  CHECK(contains(text.out, "rows/s"));
  CHECK(contains(text.out, "MB/s"));
}

TEST_CASE("mine: --threads is checked, and any value writes the same files", "[cli][large]") {
  bltest::TempDir dir;
  const auto log = dir.file("log.csv");
  bltest::write_file(log, kLog);
  for (const char* bad : {"0", "-1", "two", "100000"}) {
    CAPTURE(bad);
    const auto r = bltest::run_cli({"mine", log, "--threads", bad});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "--threads"));
  }
  const char* retail = "fimi/retail.dat";
  BLTEST_SKIP_WITHOUT_DATA(retail);
  std::string items_1, rules_1;
  for (const char* threads : {"1", "2", "4"}) {
    CAPTURE(threads);
    const auto items = dir.file(std::string("items-") + threads);
    const auto rules = dir.file(std::string("rules-") + threads);
    const auto r = bltest::run_cli({"mine", bltest::data_file(retail), "--min-count", "45",
                                    "--max-len", "0", "--threads", threads, "--itemsets-out", items,
                                    "--rules-out", rules, "--min-confidence", "0.1"});
    REQUIRE(r.status == 0);
    if (items_1.empty()) {
      items_1 = bltest::read_file(items);
      rules_1 = bltest::read_file(rules);
      CHECK(std::count(items_1.begin(), items_1.end(), '\n') == 19242);  // known answer
    } else {
      CHECK(bltest::read_file(items) == items_1);
      CHECK(bltest::read_file(rules) == rules_1);
    }
  }
}
