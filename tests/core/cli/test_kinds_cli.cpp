// The CLI's `catalog`, `upsell`, `categories` and `next` commands, once each, on a tiny bundle
// mined here with `mine --catalog --user-col --date-col`: the --json output parses and equals
// what the core functions return on the same bundle file.
#include <cmath>

#include "ingest/catalog.hpp"
#include "io/files.hpp"
#include "kinds_util.hpp"
#include "model/dates.hpp"
#include "score/complements.hpp"
#include "score/next_purchase.hpp"
#include "score/upsell.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using kindstest::Json;
using kindstest::run_cli;

// The upsell test's shop, with customers and dates.
const char* kOrders =
    "order_id,item_id,qty,customer,date\n"
    "1,m1,1,c1,2011-01-01\n1,n1,1,c1,2011-01-01\n"
    "2,m1,1,c1,2011-01-11\n2,n2,1,c1,2011-01-11\n"
    "3,m1,1,c1,2011-01-21 10:00:00\n3,n1,1,c1,2011-01-21\n3,n2,2,c1,2011-01-21\n"
    "4,m2,1,c2,2011-01-05\n4,n1,1,c2,2011-01-05\n"
    "5,m2,1,c2,2011-01-19\n5,n2,1,c2,2011-01-19\n"
    "6,m2,1,c2,2011-02-02\n6,n1,1,c2,2011-02-02\n6,n2,1,c2,2011-02-02\n"
    "7,m1,1,c3,2011-01-03\n7,m3,1,c3,2011-01-03\n"
    "8,m1,1,c3,2011-01-20\n8,m3,1,c3,2011-01-20\n"
    "9,m3,1,c3,2011-02-10\n9,n1,1,c3,2011-02-10\n9,n2,1,c3,2011-02-10\n"
    "10,m3,1,,2011-02-11\n10,n1,1,,2011-02-11\n10,n2,1,,2011-02-11\n"
    "11,m3,1,c1,2011-02-20\n11,t1,1,c1,2011-02-20\n"
    "12,m4,1,c2,2011-02-25\n12,t1,1,c2,2011-02-25\n"
    "C13,m2,-1,c2,2011-02-26\n";

const char* kCatalog =
    "item_id,name,category,price,supplier\n"
    "m1,\"Mug, small\",MUG,2.00,x\n"
    "m2,Mug,MUG,3.00,x\n"
    "m3,Mug large,MUG,3.50,x\n"
    "m4,Mug tiny,MUG,1.50,x\n"
    "t1,Tea,TEA,3.00,y\n"
    "n1,Spoon,\"SPOON \"\"SILVER\"\"\",1.00,y\n"
    "n2,Coaster,COASTER,1.00,y\n";

struct Mined {
  bltest::TempDir dir;
  std::string bundle_path;
  std::unique_ptr<Bundle> bundle;
};

std::unique_ptr<Mined> mine_tiny() {
  auto m = std::make_unique<Mined>();
  bltest::write_file(m->dir.file("orders.csv"), kOrders);
  bltest::write_file(m->dir.file("catalog.csv"), kCatalog);
  m->bundle_path = m->dir.file("shop.blb");
  auto r =
      run_cli({"mine", m->dir.file("orders.csv"), "--order-col", "order_id", "--item-col",
               "item_id", "--quantity-col", "qty", "--user-col", "customer", "--date-col", "date",
               "--catalog", m->dir.file("catalog.csv"), "--min-count", "2", "-o", m->bundle_path});
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::string error;
  m->bundle = Bundle::load(read_file_bytes(m->bundle_path), error);
  INFO(error);
  REQUIRE(m->bundle);
  return m;
}

Json json_of(const kindstest::CliResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  Json j;
  REQUIRE_NOTHROW(j = kindstest::parse_json(r.out));
  REQUIRE(j.is_array());
  return j;
}

}  // namespace

TEST_CASE("cli: mine --catalog --user-col --date-col stores catalog and repurchase data",
          "[kinds][cli]") {
  auto m = mine_tiny();
  const auto& b = *m->bundle;
  REQUIRE(b.has_catalog());
  REQUIRE(b.has_category_rules());
  REQUIRE(b.has_repurchase());
  CHECK(b.name(b.find("m1")) == "Mug, small");
  CHECK(b.price(b.find("m3")) == 3.5);
  CHECK(b.category_label(b.item_category(b.find("n1"))) == "SPOON \"SILVER\"");
  // m1: c1 on Jan 1, 11, 21 (10, 10), c3 on Jan 3, 20 (17): 3 intervals, mean 37/3.
  const auto s = b.repurchase(b.find("m1"));
  CHECK(s.intervals == 3);
  CHECK(s.mean_days == Catch::Detail::Approx(37.0 / 3));
  CHECK(s.buyers == 2);
  CHECK(s.repeat_buyers == 2);
  const auto n1 = b.repurchase(b.find("n1"));
  CHECK(n1.buyers == 3);
  CHECK(n1.repeat_buyers == 2);
}

TEST_CASE("cli: upsell --json equals upsell()", "[kinds][cli]") {
  auto m = mine_tiny();
  const auto& b = *m->bundle;
  struct Case {
    std::vector<std::string> args;
    UpsellRequest req;
  };
  std::vector<Case> cases;
  UpsellRequest base;
  base.item = b.find("m1");
  base.n = 5;  // the CLI's default for upsell
  cases.push_back({{}, base});
  auto wide = base;
  wide.max_price_ratio = 2.5;
  wide.n = 1;
  cases.push_back({{"--max-price-ratio", "2.5", "-n", "1"}, wide});
  static const std::uint32_t ex[] = {b.find("m2")};
  auto excl = base;
  excl.exclude = ex;
  cases.push_back({{"--exclude", "m2"}, excl});
  auto cheap = base;
  cheap.filter.max_price = 3.2;
  cases.push_back({{"--max-price", "3.2"}, cheap});
  for (const auto& c : cases) {
    std::vector<std::string> args = {"upsell", m->bundle_path, "--item", "m1", "--json"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto j = json_of(run_cli(args));
    const auto expected = upsell(b, c.req);
    INFO(args.size());
    REQUIRE(j.array().size() == expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const auto& o = j.array()[k];
      CHECK(o.object().size() == 4);
      CHECK(o.at("item").string() == b.label(expected[k].item));
      CHECK(o.at("score").number() == expected[k].score);
      CHECK(o.at("substitution").number() == expected[k].substitution);
      CHECK(o.at("priceRatio").number() == expected[k].price_ratio);
    }
  }
  // The substitute first, as in test_kinds_upsell.cpp.
  const auto j = json_of(run_cli({"upsell", m->bundle_path, "--item", "m1", "--json"}));
  REQUIRE(j.array().size() == 2);
  CHECK(j.array()[0].at("item").string() == "m2");
  // Text output works too; an item without a category gives an empty list.
  auto text = run_cli({"upsell", m->bundle_path, "--item", "m1"});
  CHECK(text.status == 0);
  CHECK(bltest::contains(text.out, "m2"));
  // An unknown item: an empty list too (exit 0, as the JS API), and a note on stderr naming it.
  auto unknown = run_cli({"upsell", m->bundle_path, "--item", "nothing", "--json"});
  CHECK(unknown.status == 0);
  CHECK(json_of(unknown).array().empty());
  CHECK(bltest::contains(unknown.err, "--item nothing is not in the bundle"));
  CHECK(text.err.empty());
}

TEST_CASE("cli: recommend names unknown cart, history and exclude items on stderr",
          "[kinds][cli]") {
  auto m = mine_tiny();
  auto known = run_cli({"recommend", m->bundle_path, "--cart", "m1", "--json"});
  auto mixed = run_cli({"recommend", m->bundle_path, "--cart", "x1,m1,x2", "--history", "x3",
                        "--exclude", "m2,x4", "--json"});
  auto excluded =
      run_cli({"recommend", m->bundle_path, "--cart", "m1", "--exclude", "m2", "--json"});
  CHECK(known.status == 0);
  CHECK(known.err.empty());
  // Ignored: the results are those without the unknown labels; each option's are named.
  CHECK(mixed.status == 0);
  CHECK(mixed.out == excluded.out);
  CHECK(bltest::contains(mixed.err, "--cart: 2 items not in the bundle, ignored: x1, x2\n"));
  CHECK(bltest::contains(mixed.err, "--history: 1 item not in the bundle, ignored: x3\n"));
  CHECK(bltest::contains(mixed.err, "--exclude: 1 item not in the bundle, ignored: x4\n"));
  // Many: the first five and an ellipsis, one line.
  auto many = run_cli({"recommend", m->bundle_path, "--cart", "a,b,c,d,e,f,g"});
  CHECK(many.status == 0);
  CHECK(bltest::contains(many.err,
                         "--cart: 7 items not in the bundle, ignored: a, b, c, d, e, ...\n"));
}

TEST_CASE("cli: categories --json equals complementary_categories()", "[kinds][cli]") {
  auto m = mine_tiny();
  const auto& b = *m->bundle;
  for (const auto& category : {std::string("MUG"), std::string("SPOON \"SILVER\""),
                               std::string("COASTER"), std::string("TEA")}) {
    INFO(category);
    const auto j =
        json_of(run_cli({"categories", m->bundle_path, "--category", category, "--json"}));
    const auto expected = complementary_categories(b, b.find_category(category), 10);
    REQUIRE(j.array().size() == expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const auto& o = j.array()[k];
      CHECK(o.object().size() == 4);
      CHECK(o.at("category").string() == b.category_label(expected[k].category));
      CHECK(o.at("confidence").number() == expected[k].confidence);
      CHECK(o.at("lift").number() == expected[k].lift);
      CHECK(o.at("support").number() == expected[k].support);
    }
  }
  // COASTER (n2) and SPOON "SILVER" (n1) are in 6 of 12 baskets each, 4 of them together
  // (orders 3, 6, 9, 10): confidence 4/6, lift (4/6) / (6/12) = 4/3.
  const auto j =
      json_of(run_cli({"categories", m->bundle_path, "--category", "COASTER", "--json"}));
  bool found = false;
  for (const auto& o : j.array())
    if (o.at("category").string() == "SPOON \"SILVER\"") {
      found = true;
      CHECK(o.at("confidence").number() == Catch::Detail::Approx(2.0 / 3));
      CHECK(o.at("lift").number() == Catch::Detail::Approx(4.0 / 3));
    }
  CHECK(found);
  // An allow list, and an unknown category (exit 2 with a message).
  const auto allowed = json_of(run_cli(
      {"categories", m->bundle_path, "--category", "COASTER", "--categories", "MUG", "--json"}));
  for (const auto& o : allowed.array()) CHECK(o.at("category").string() == "MUG");
  // --exclude names categories here.
  CHECK(json_of(run_cli({"categories", m->bundle_path, "--category", "COASTER", "--exclude",
                         "SPOON \"SILVER\"", "--json"}))
            .array()
            .empty());
  CHECK(
      run_cli({"categories", m->bundle_path, "--category", "COASTER", "--exclude", "m1"}).status ==
      2);
  auto unknown = run_cli({"categories", m->bundle_path, "--category", "CAVIAR", "--json"});
  CHECK(unknown.status == 2);
  CHECK(bltest::contains(unknown.err, "CAVIAR"));
  // Price filters are about items: refused here, not silently ignored.
  auto priced =
      run_cli({"categories", m->bundle_path, "--category", "COASTER", "--min-price", "1"});
  CHECK(priced.status == 2);
  CHECK(bltest::contains(priced.err, "--min-price"));
}

TEST_CASE("cli: next --json equals next_purchases()", "[kinds][cli]") {
  auto m = mine_tiny();
  const auto& b = *m->bundle;
  // m1 (population: 3 intervals) once; n1 three times (own intervals 14, 17; population 2);
  // m2 once (population 2: nothing); an unknown item; an event after as_of.
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"m1", "2011-02-01"}, {"n1", "2011-01-01"}, {"n1", "2011-01-15 12:00:00"},
      {"n1", "2011-02-01"}, {"m2", "2011-01-10"}, {"zz", "2011-01-10"},
      {"m1", "2011-03-30"}};
  std::string csv = "item,date\n";
  for (const auto& [item, date] : rows) csv += item + "," + date + "\n";
  bltest::write_file(m->dir.file("history.csv"), csv);
  std::vector<PurchaseEvent> events;
  for (const auto& [item, date] : rows) {
    std::int32_t d;
    REQUIRE(parse_day(date, d));
    events.push_back({b.find(item), d});
  }
  NextPurchaseRequest req;
  req.history = events;
  REQUIRE(parse_day("2011-02-20", req.as_of));
  for (const auto& window : {std::string(), std::string("3")}) {
    std::vector<std::string> args = {
        "next",    m->bundle_path, "--history", m->dir.file("history.csv"),
        "--as-of", "2011-02-20",   "--json"};
    req.window_days = 7;
    if (!window.empty()) {
      args.push_back("--window");
      args.push_back(window);
      req.window_days = std::stoi(window);
    }
    const auto expected = next_purchases(b, req);
    REQUIRE(expected.size() == 2);  // m1 and n1
    const auto j = json_of(run_cli(args));
    REQUIRE(j.array().size() == expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const auto& o = j.array()[k];
      CHECK(o.object().size() == 3);
      CHECK(o.at("item").string() == b.label(expected[k].item));
      CHECK(o.at("probability").number() == expected[k].probability);
      CHECK(o.at("dueInDays").number() == expected[k].due_in_days);
    }
  }
  // n1 own-only: intervals 14 and 17, mean 15.5, sample sd sqrt(4.5) = 2.1213; t = 19:
  // Phi((19+7-15.5)/2.1213) - Phi((19-7-15.5)/2.1213) = Phi(4.9497) - Phi(-1.6499) = .950517.
  // Repeat buyers of n1 in the orders: c1 (Jan 1, 21) and c2 (Jan 5, Feb 2) of 3 buyers (c3
  // once; order 10 has no customer): r = (2 + 1) / (3 + 2) = .6; again = (2 + 3 * .6) / 5 = .76.
  // The rate part: visit days (known items up to as_of) Jan 1, 10, 15, Feb 1: V = 4, over the 51
  // days Jan 1 .. Feb 20; n1 on 3 of them and in 6 of the 12 orders: share (3 + 30 * 6/12) / 34,
  // rate 18/34 * 4/51 = .0415225; 1 - exp(-14 * .0415225) = 1 - .5591627 = .4408373.
  // P = .25 * timing + .75 * .4408373.
  REQUIRE(m->bundle->transactions() == 12);
  REQUIRE(m->bundle->popularity(m->bundle->find("n1")) == 6);
  const auto j = json_of(run_cli({"next", m->bundle_path, "--history", m->dir.file("history.csv"),
                                  "--as-of", "2011-02-20", "-n", "5", "--json"}));
  bool found = false;
  for (const auto& o : j.array())
    if (o.at("item").string() == "n1") {
      found = true;
      const double sd = std::sqrt(4.5);
      const double timing = 0.76 * (kindstest::phi_cdf(10.5 / sd) - kindstest::phi_cdf(-3.5 / sd));
      CHECK(o.at("probability").number() ==
            Catch::Detail::Approx(0.25 * timing + 0.75 * 0.4408373).epsilon(1e-6));
      CHECK(o.at("dueInDays").number() == Catch::Detail::Approx(-3.5));
    }
  CHECK(found);
  auto bad = run_cli({"next", m->bundle_path, "--history", m->dir.file("history.csv"), "--as-of",
                      "2011-02-30", "--json"});
  CHECK(bad.status == 2);
  CHECK(bltest::contains(bad.err, "2011-02-30"));
}

TEST_CASE("cli: catalog derives item_id,name,category,price", "[kinds][cli]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"),
                     "InvoiceNo,StockCode,Description,Quantity,UnitPrice\n"
                     "1,A,LUNCH BAG RED,1,1.00\n"
                     "2,A,LUNCH BAG RED,1,2.00\n"
                     "3,B,\"MUG, BIG\",1,3.00\n"
                     "C4,B,\"MUG, BIG\",-1,9.00\n");
  auto r = run_cli({"catalog", dir.file("orders.csv"), "-o", dir.file("catalog.csv")});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto derived = derive_catalog(dir.file("orders.csv"), DeriveCatalogOptions{});
  const auto back = read_catalog(dir.file("catalog.csv"));
  REQUIRE(back.by_item.size() == derived.rows.size());
  for (const auto& [item, e] : derived.rows) {
    const auto* got = back.find(item);
    REQUIRE(got);
    CHECK(got->name == e.name);
    CHECK(got->category == e.category);
    CHECK(got->price == e.price);
  }
  CHECK(back.find("A")->price == 1.5);
  CHECK(back.find("B")->name == "MUG, BIG");
  CHECK(back.find("B")->price == 3.0);
}

TEST_CASE("cli: mine --catalog rejects a price a bundle could not hold", "[kinds][cli]") {
  // Before the fix, "inf" passed read_catalog, and mine wrote a bundle that failed to load.
  bltest::TempDir dir;
  bltest::write_file(dir.file("orders.csv"), kOrders);
  bltest::write_file(dir.file("catalog.csv"), "item_id,price\nm1,2\nm2,inf\n");
  auto r = run_cli({"mine", dir.file("orders.csv"), "--catalog", dir.file("catalog.csv"),
                    "--min-count", "2", "-o", dir.file("shop.blb")});
  CHECK(r.status == 2);
  CHECK(bltest::contains(r.err, dir.file("catalog.csv") + ":3: "));
  CHECK(dir.entries() == std::vector<std::string>{"catalog.csv", "orders.csv"});
}
