// `basketlift customers`: the JSON the storefront demo loads as customers.json, checked whole
// against the hand-made log of customers_util.hpp (the ranking itself: mine/test_customers.cpp).
#include "customers_util.hpp"
#include "test_util.hpp"

namespace {

using bltest::contains;
using bltest::run_cli;

// bob and dan: the top two once cid (12 purchases) is over the limit; see customers_util.hpp.
const std::string kBobAndDan =
    R"([{"id":"bob","country":"France","orders":3,"repeatedItems":2,"first":"2011-01-05",)"
    R"("last":"2011-01-07","history":[{"item":"B","date":"2011-01-05"},)"
    R"({"item":"X","date":"2011-01-05"},{"item":"B","date":"2011-01-06"},)"
    R"({"item":"X","date":"2011-01-06"},{"item":"B","date":"2011-01-07"},)"
    R"({"item":"D","date":"2011-01-07"},{"item":"X","date":"2011-01-07"}]},)"
    R"({"id":"dan","country":"United Kingdom","orders":3,"repeatedItems":2,"first":"2011-03-01",)"
    R"("last":"2011-03-09","history":[{"item":"E","date":"2011-03-01"},)"
    R"({"item":"F","date":"2011-03-01"},{"item":"E","date":"2011-03-05"},)"
    R"({"item":"F","date":"2011-03-05"},{"item":"E","date":"2011-03-09"},)"
    R"({"item":"F","date":"2011-03-09"}]}])"
    "\n";

std::vector<std::string> args(const std::string& orders, std::vector<std::string> more) {
  std::vector<std::string> a = {"customers",     orders,    "--quantity-col",  "qty",
                                "--user-col",    "user",    "--date-col",      "date",
                                "--country-col", "country", "--max-purchases", "11",
                                "--top",         "2"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace

TEST_CASE("cli customers: JSON on stdout and into a file, text summary", "[cli][customers]") {
  bltest::TempDir dir;
  const auto orders = dir.file("orders.csv");
  bltest::write_file(orders, bltest::kOrders);

  auto r = run_cli(args(orders, {"--json", "--threads", "2"}));
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == kBobAndDan);

  r = run_cli(args(orders, {"-o", dir.file("customers.json")}));
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());
  CHECK(bltest::read_file(dir.file("customers.json")) == kBobAndDan);
  CHECK(contains(r.err, "2 customers of 4"));

  r = run_cli(args(orders, {}));
  REQUIRE(r.status == 0);
  const auto lines = bltest::split(r.out, '\n');
  REQUIRE(lines.size() == 3);  // two and the final newline's empty rest
  CHECK(lines[0].rfind("bob ", 0) == 0);
  CHECK(contains(lines[0], "France"));
  CHECK(contains(lines[0], "7 purchases"));
  CHECK(lines[1].rfind("dan ", 0) == 0);

  // Without --country-col the key is absent rather than empty.
  r = run_cli({"customers", orders, "--quantity-col", "qty", "--user-col", "user", "--date-col",
               "date", "--top", "1", "--json"});
  REQUIRE(r.status == 0);
  CHECK(r.out.rfind(R"([{"id":"cid","orders":3,"repeatedItems":4,)", 0) == 0);
}

TEST_CASE("cli customers: usage errors exit 2", "[cli][customers]") {
  bltest::TempDir dir;
  const auto orders = dir.file("orders.csv");
  bltest::write_file(orders, bltest::kOrders);
  auto r = run_cli({"customers", orders, "--user-col", "user"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--user-col and --date-col are required"));
  r = run_cli({"customers", orders, "--user-col", "nope", "--date-col", "date"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "column 'nope' (--user-col) not found"));
  r = run_cli({"customers", "--help"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "--max-purchases"));
  r = run_cli({"--help"});
  CHECK(contains(r.out, "customers ORDERS"));
}
