// Repurchase statistics (repurchase.hpp): per item, the intervals between a customer's
// consecutive purchase days, over all customers, from a hand-written order log with users and
// dates; counts, means and sample standard deviations computed by hand.
#include <algorithm>
#include <cmath>
#include <random>

#include "bundle/bundle.hpp"
#include "ingest/order_log.hpp"
#include "kinds_util.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "mine/repurchase.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

// Orders are not in date order in the file; one has no customer; times are ignored.
const char* kOrders =
    "order_id,item_id,user,date,qty\n"
    "o1,X,u1,2011-01-01,1\n"
    "o1,Y,u1,2011-01-01,1\n"
    "o2,X,u1,2011-01-11 09:00:00,1\n"  // X u1: +10 days
    "o3,X,u1,2011-01-11 18:00:00,1\n"  // same day again: one trip, not an interval
    "o4,X,u1,2011-01-31,2\n"           // +20
    "o4,X,u1,2011-01-31,1\n"           // the same item twice in one order
    "o5,Y,u1,2011-02-15,1\n"           // Y u1: 2011-01-01 -> 02-15 = 31 + 14 = 45
    "o6,X,u2,2011-03-01 08:00:00,1\n"
    "o7,X,u2,2011-03-05T17:30:00,1\n"  // X u2: +4
    "o8,X,,2011-03-06,1\n"             // no customer: ignored
    "o8,Z,,2011-03-06,1\n"
    "o9,Z,u3,2011-03-01,1\n"
    "o10,Z,u3,2011-03-01,1\n"  // Z u3: same day, no interval
    "o11,X,u3,2011-12-31,1\n"
    "o12,X,u3,2012-01-02,1\n"  // X u3: across the new year, +2
    "o13,Y,u2,2011-04-10,1\n"
    "o14,Y,u2,2011-04-01,1\n"  // earlier, listed later: Y u2 04-01 -> 04-10 = 9
    "o15,Y,u2,2011-04-30,1\n"  // -> 04-30 = 20
    "o16,W,u1,2011-05-01,0\n"  // quantity 0: skipped, W bought once (o17) -> no interval
    "o17,W,u1,2011-05-09,1\n"
    "o18,W,u2,2011-05-09,1\n";  // a different customer: not an interval of u1's

IngestOptions options() {
  IngestOptions opt;
  opt.format = InputFormat::Csv;
  opt.quantity_col = "qty";
  opt.user_col = "user";
  opt.date_col = "date";
  return opt;
}

}  // namespace

TEST_CASE("repurchase_stats: intervals per item, by hand", "[kinds][repurchase]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"), kOrders);
  auto data = read_transactions(dir.file("orders.csv"), options());
  REQUIRE(data.basket_user.size() == data.db.size());
  REQUIRE(data.basket_day.size() == data.db.size());
  CHECK(data.users.size() == 3);
  auto stats = repurchase_stats(data);
  REQUIRE(stats.size() == data.db.items.size());
  auto of = [&](const char* item) { return stats[data.db.items.find(item)]; };

  // X: 10, 20 (u1), 4 (u2), 2 (u3). n = 4, mean = 36 / 4 = 9,
  // sample variance = ((10-9)^2 + (20-9)^2 + (4-9)^2 + (2-9)^2) / 3 = (1+121+25+49) / 3 = 196/3.
  CHECK(of("X").intervals == 4);
  CHECK(of("X").mean_days == Approx(9.0));
  CHECK(of("X").sd_days == Approx(std::sqrt(196.0 / 3)));  // 8.0829
  CHECK(of("X").buyers == 3);  // u1, u2, u3 (not the customer-less order)
  CHECK(of("X").repeat_buyers == 3);
  // Y: 45 (u1), 9 and 20 (u2). mean = 74/3 = 24.667; deviations x3: 61, -47, -14 ->
  // squares 3721 + 2209 + 196 = 6126, / 9 = 680.667, / (n-1 = 2) = 340.333 = 1021/3.
  CHECK(of("Y").intervals == 3);
  CHECK(of("Y").mean_days == Approx(74.0 / 3));
  CHECK(of("Y").sd_days == Approx(std::sqrt(1021.0 / 3)));  // 18.448
  CHECK(of("Y").buyers == 2);
  CHECK(of("Y").repeat_buyers == 2);
  // Z: only same-day repeats (and a customer-less order): nothing.
  CHECK(of("Z").intervals == 0);
  CHECK(of("Z").mean_days == 0);
  CHECK(of("Z").sd_days == 0);
  CHECK(of("Z").buyers == 1);  // u3, twice on one day: not a repeat buyer
  CHECK(of("Z").repeat_buyers == 0);
  // W: u1 once (the zero-quantity order is not a purchase), u2 once.
  CHECK(of("W").intervals == 0);
  CHECK(of("W").buyers == 2);
  CHECK(of("W").repeat_buyers == 0);
}

TEST_CASE("repurchase_stats: one interval has sd 0; no user or date column gives nothing",
          "[kinds][repurchase]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"),
                     "order_id,item_id,user,date\n"
                     "1,A,u,2011-01-01\n"
                     "2,A,u,2011-01-08\n");
  auto data = read_transactions(dir.file("orders.csv"), [] {
    IngestOptions o;
    o.user_col = "user";
    o.date_col = "date";
    return o;
  }());
  auto stats = repurchase_stats(data);
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].intervals == 1);
  CHECK(stats[0].mean_days == 7);
  CHECK(stats[0].sd_days == 0);  // sample sd of one observation: 0, by the header's rule

  auto plain = read_transactions(dir.file("orders.csv"), IngestOptions{});
  CHECK(repurchase_stats(plain).empty());
}

TEST_CASE("repurchase statistics travel through make_bundle_content into the bundle",
          "[kinds][repurchase]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"), kOrders);
  MineOptions opt;
  opt.ingest = options();
  opt.min_count = 2;
  auto r = mine(dir.file("orders.csv"), opt);
  auto b = kindstest::load(make_bundle_content(r, opt, "orders", "now"));
  REQUIRE(b->has_repurchase());
  const auto x = b->find("X"), y = b->find("Y"), z = b->find("Z");
  REQUIRE(x < b->item_count());
  CHECK(b->repurchase(x).intervals == 4);
  CHECK(b->repurchase(x).mean_days == Approx(9.0));
  CHECK(b->repurchase(x).sd_days == Approx(std::sqrt(196.0 / 3)));
  CHECK(b->repurchase(y).intervals == 3);
  CHECK(b->repurchase(y).mean_days == Approx(74.0 / 3));
  CHECK(b->repurchase(z).intervals == 0);
  CHECK(b->repurchase(x).buyers == 3);
  CHECK(b->repurchase(z).buyers == 1);
  CHECK(b->repurchase(z).repeat_buyers == 0);
}

TEST_CASE("repurchase_stats agrees with a brute force over random customers",
          "[kinds][repurchase]") {
  // Random orders; the brute force lists each (customer, item)'s distinct days, sorted, and
  // takes consecutive differences; mean and sample sd by the two-pass formula.
  std::mt19937 rng(4242);
  Ingested data;
  std::vector<bltest::Basket> baskets;
  const int n_users = 6, n_items = 5;
  std::vector<std::uint32_t> users;
  std::vector<std::int32_t> days;
  for (int o = 0; o < 300; ++o) {
    bltest::Basket b;
    for (int i = 0; i < n_items; ++i)
      if (rng() % 3 == 0) b.push_back(kindstest::tag("i", i));
    if (b.empty()) b.push_back("i0");
    baskets.push_back(b);
    users.push_back(rng() % 7 == 0 ? kNoUser : static_cast<std::uint32_t>(rng() % n_users));
    days.push_back(static_cast<std::int32_t>(15000 + rng() % 200));
  }
  data.db = bltest::make_db(baskets);  // basket order is kept; only item ids are renumbered
  data.basket_user = users;
  data.basket_day = days;
  for (int u = 0; u < n_users; ++u) data.users.intern(kindstest::tag("u", u));
  auto stats = repurchase_stats(data);
  for (int i = 0; i < n_items; ++i) {
    const auto label = kindstest::tag("i", i);
    std::vector<double> intervals;
    std::uint32_t buyers = 0, repeat_buyers = 0;
    for (int u = 0; u < n_users; ++u) {
      std::vector<std::int32_t> d;
      for (std::size_t b = 0; b < baskets.size(); ++b)
        if (users[b] == static_cast<std::uint32_t>(u) &&
            std::find(baskets[b].begin(), baskets[b].end(), label) != baskets[b].end())
          d.push_back(days[b]);
      std::sort(d.begin(), d.end());
      d.erase(std::unique(d.begin(), d.end()), d.end());
      buyers += !d.empty();
      repeat_buyers += d.size() >= 2;
      for (std::size_t k = 1; k < d.size(); ++k) intervals.push_back(d[k] - d[k - 1]);
    }
    double mean = 0, ss = 0;
    for (double v : intervals) mean += v / static_cast<double>(intervals.size());
    for (double v : intervals) ss += (v - mean) * (v - mean);
    const auto s = stats[data.db.items.find(label)];
    INFO(label);
    REQUIRE(s.intervals == intervals.size());
    CHECK(s.buyers == buyers);
    CHECK(s.repeat_buyers == repeat_buyers);
    CHECK(s.mean_days == Approx(mean));
    REQUIRE(intervals.size() >= 2);
    CHECK(s.sd_days == Approx(std::sqrt(ss / static_cast<double>(intervals.size() - 1))));
  }
}
