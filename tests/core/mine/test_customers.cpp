// The customers who bought the most items again and again (customers.hpp), from a hand-written
// order log; every count, rank and history below was worked out by hand from kOrders.
#include <string>
#include <utility>
#include <vector>

#include "customers_util.hpp"
#include "ingest/order_log.hpp"
#include "mine/customers.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using bltest::kOrders;

IngestOptions options() {
  IngestOptions opt;
  opt.format = InputFormat::Csv;
  opt.quantity_col = "qty";
  opt.user_col = "user";
  opt.date_col = "date";
  opt.country_col = "country";
  return opt;
}

struct Summary {
  std::string id;
  std::uint32_t orders, repeated;
  std::size_t purchases;
  bool operator==(const Summary&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Summary& s) {
  return os << "{" << s.id << ", " << s.orders << " orders, " << s.repeated << " repeated, "
            << s.purchases << " purchases}";
}

std::vector<Summary> summaries(const Ingested& data, const std::vector<RepeatCustomer>& cs) {
  std::vector<Summary> out;
  for (const auto& c : cs)
    out.push_back({data.users.label(c.user), c.orders, c.repeated_items, c.history.size()});
  return out;
}

using Line = std::pair<std::string, std::string>;  // (date, item)
std::vector<Line> history(const Ingested& data, const RepeatCustomer& c) {
  std::vector<Line> out;
  for (const auto& p : c.history) out.emplace_back(format_day(p.day), data.db.items.label(p.item));
  return out;
}

}  // namespace

TEST_CASE("top_repeat_customers: ranks, counts and histories, by hand", "[customers]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"), kOrders);
  const auto data = read_transactions(dir.file("orders.csv"), options());
  REQUIRE(data.db.items.label(0) == "X");

  SECTION("everyone, most repeated items first, ties by id") {
    const auto all = top_repeat_customers(data, {});
    CHECK(summaries(data, all) ==
          std::vector<Summary>{
              {"cid", 3, 4, 12}, {"bob", 3, 2, 7}, {"dan", 3, 2, 6}, {"ann", 4, 1, 6}});
  }
  SECTION("the wholesaler is left out above max_purchases; top cuts the list") {
    RepeatCustomerOptions opt;
    opt.max_purchases = 11;
    opt.top = 3;
    const auto top = top_repeat_customers(data, opt);
    REQUIRE(summaries(data, top) ==
            std::vector<Summary>{{"bob", 3, 2, 7}, {"dan", 3, 2, 6}, {"ann", 4, 1, 6}});
    // By day, then by label (B before X although X has the smaller id); one line per day.
    CHECK(history(data, top[0]) == std::vector<Line>{{"2011-01-05", "B"},
                                                     {"2011-01-05", "X"},
                                                     {"2011-01-06", "B"},
                                                     {"2011-01-06", "X"},
                                                     {"2011-01-07", "B"},
                                                     {"2011-01-07", "D"},
                                                     {"2011-01-07", "X"}});
    CHECK(history(data, top[2]) == std::vector<Line>{{"2011-01-03", "B"},
                                                     {"2011-01-03", "X"},
                                                     {"2011-01-10", "C"},
                                                     {"2011-01-10", "X"},
                                                     {"2011-02-01", "B"},
                                                     {"2011-02-01", "X"}});
  }
  SECTION("max_purchases is inclusive") {
    RepeatCustomerOptions opt;
    opt.max_purchases = 12;
    opt.top = 1;
    CHECK(summaries(data, top_repeat_customers(data, opt)) ==
          std::vector<Summary>{{"cid", 3, 4, 12}});
  }
  SECTION("repeat_days decides what counts as bought again") {
    RepeatCustomerOptions opt;
    opt.repeat_days = 2;  // ann's B (2 days) now counts
    CHECK(summaries(data, top_repeat_customers(data, opt)) ==
          std::vector<Summary>{
              {"cid", 3, 4, 12}, {"ann", 4, 2, 6}, {"bob", 3, 2, 7}, {"dan", 3, 2, 6}});
  }
  SECTION("top 0 is nobody") {
    RepeatCustomerOptions opt;
    opt.top = 0;
    CHECK(top_repeat_customers(data, opt).empty());
  }
}

TEST_CASE("order log: a customer's country is their first order's, however the log is read",
          "[customers][ingest]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"), kOrders);
  for (unsigned threads : {1u, 3u}) {
    auto opt = options();
    opt.threads = threads;
    opt.block_bytes = 64;  // many blocks: bob's orders and o15's rows span several
    const auto data = read_transactions(dir.file("orders.csv"), opt);
    REQUIRE(data.user_country.size() == data.users.size());
    auto country = [&](const char* user) { return data.user_country[data.users.find(user)]; };
    CHECK(country("ann") == "United Kingdom");
    CHECK(country("bob") == "France");
    CHECK(country("cid") == "Spain");
    CHECK(country("dan") == "United Kingdom");
  }
}

TEST_CASE("top_repeat_customers: nothing without customers and dates; country needs customers",
          "[customers]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"), kOrders);
  auto opt = options();
  opt.user_col.clear();
  opt.date_col.clear();
  opt.country_col.clear();
  CHECK(top_repeat_customers(read_transactions(dir.file("orders.csv"), opt), {}).empty());
  opt.country_col = "country";
  CHECK_THROWS_AS(read_transactions(dir.file("orders.csv"), opt), InputError);
}
