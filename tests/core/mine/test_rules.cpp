// Rule metrics against values computed by hand (mlxtend's definitions), and generate_rules on
// tiny hand-made databases: the exact rule set, the confidence and lift boundaries, and
// --max-consequent-len. A randomized check compares generate_rules with a direct enumeration.
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "mine/fpgrowth.hpp"
#include "mine/mine.hpp"
#include "mine/rules.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;
using Catch::Detail::Approx;

Approx near(double v) { return Approx(v).epsilon(1e-12).margin(1e-15); }

struct Mined {
  TransactionDb db;
  ItemsetTable table;
};

Mined mine_all(const std::vector<bltest::Basket>& baskets, std::uint32_t min_count) {
  Mined m{bltest::make_db(baskets), {}};
  m.table = mine_itemsets(m.db, {min_count, 0}, Algorithm::FpGrowth);
  return m;
}

std::string side(const Mined& m, std::uint32_t row) {
  std::vector<std::string> labels;
  for (auto id : m.table.itemset(row)) labels.push_back(m.db.items.label(id));
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (const auto& l : labels) out += (out.empty() ? "" : ",") + l;
  return out;
}

// Rules as "x,y->z" strings, labels sorted inside each side.
std::set<std::string> rule_set(const Mined& m, const RuleParams& params) {
  const ItemsetIndex index(m.table);
  std::set<std::string> out;
  for (const auto& r : generate_rules(m.table, index, m.db.size(), params)) {
    auto text = side(m, r.antecedent) + "->" + side(m, r.consequent);
    REQUIRE(out.insert(text).second);  // no rule twice
  }
  return out;
}

RuleParams with_confidence(const char* text, std::uint32_t max_consequent_len = 1) {
  RuleParams p;
  p.min_confidence = parse_fraction(text, "--min-confidence");
  p.max_consequent_len = max_consequent_len;
  return p;
}

// N = 5: a b c | a b | a c | b c | a
// counts: a 4, b 3, c 3, ab 2, ac 2, bc 2, abc 1.
const std::vector<bltest::Basket> kSmall = {
    {"a", "b", "c"}, {"a", "b"}, {"a", "c"}, {"b", "c"}, {"a"}};

}  // namespace

TEST_CASE("rule_metrics: independent items (lift 1)", "[rules][metrics]") {
  // N=10, c_x=4, c_y=5, c_xy=2: sX=.4, sY=.5, sXY=.2
  const auto m = rule_metrics(4, 5, 2, 10);
  CHECK(m.antecedent_support == near(0.4));
  CHECK(m.consequent_support == near(0.5));
  CHECK(m.support == near(0.2));
  CHECK(m.confidence == near(0.5));  // .2/.4
  CHECK(m.lift == near(1.0));        // .5/.5
  CHECK(m.leverage == near(0.0));    // .2 - .4*.5
  CHECK(m.conviction == near(1.0));  // (1-.5)/(1-.5)
  // denominator max(.2*(1-.4), .4*(.5-.2)) = max(.12, .12) = .12; zhang = 0/.12
  CHECK(m.zhangs_metric == near(0.0));
}

TEST_CASE("rule_metrics: positive association (lift > 1)", "[rules][metrics]") {
  // N=20, c_x=8, c_y=10, c_xy=6: sX=.4, sY=.5, sXY=.3
  const auto m = rule_metrics(8, 10, 6, 20);
  CHECK(m.support == near(0.3));
  CHECK(m.confidence == near(0.75));  // .3/.4
  CHECK(m.lift == near(1.5));         // .75/.5
  CHECK(m.leverage == near(0.1));     // .3 - .4*.5 = .3 - .2
  CHECK(m.conviction == near(2.0));   // (1-.5)/(1-.75) = .5/.25
  // denominator max(.3*(1-.4), .4*(.5-.3)) = max(.18, .08) = .18; zhang = .1/.18 = 5/9
  CHECK(m.zhangs_metric == near(5.0 / 9.0));
}

TEST_CASE("rule_metrics: negative association", "[rules][metrics]") {
  // N=10, c_x=5, c_y=5, c_xy=1: sX=.5, sY=.5, sXY=.1
  const auto m = rule_metrics(5, 5, 1, 10);
  CHECK(m.confidence == near(0.2));    // .1/.5
  CHECK(m.lift == near(0.4));          // .2/.5
  CHECK(m.leverage == near(-0.15));    // .1 - .25
  CHECK(m.conviction == near(0.625));  // (1-.5)/(1-.2) = .5/.8
  // denominator max(.1*(1-.5), .5*(.5-.1)) = max(.05, .2) = .2; zhang = -.15/.2 = -.75
  CHECK(m.zhangs_metric == near(-0.75));
}

TEST_CASE("rule_metrics: Zhang's denominator from its second term", "[rules][metrics]") {
  // N=10, c_x=5, c_y=8, c_xy=3: sX=.5, sY=.8, sXY=.3
  const auto m = rule_metrics(5, 8, 3, 10);
  CHECK(m.confidence == near(0.6));  // .3/.5
  CHECK(m.lift == near(0.75));       // .6/.8
  CHECK(m.leverage == near(-0.1));   // .3 - .5*.8
  CHECK(m.conviction == near(0.5));  // (1-.8)/(1-.6) = .2/.4
  // denominator max(.3*(1-.5), .5*(.8-.3)) = max(.15, .25) = .25; zhang = -.1/.25 = -.4
  // (swapping X and Y in the second term would give max(.15, .8*(.5-.3) = .16) and -.625)
  CHECK(m.zhangs_metric == near(-0.4));
}

TEST_CASE("rule_metrics: confidence 1 gives conviction +inf", "[rules][metrics]") {
  // N=10, c_x=2, c_y=4, c_xy=2: sX=.2, sY=.4, sXY=.2
  const auto m = rule_metrics(2, 4, 2, 10);
  CHECK(m.confidence == 1.0);       // .2/.2
  CHECK(m.lift == near(2.5));       // 1/.4
  CHECK(m.leverage == near(0.12));  // .2 - .2*.4 = .2 - .08
  CHECK(std::isinf(m.conviction));  // (1-.4)/(1-1)
  CHECK(m.conviction > 0);
  // denominator max(.2*(1-.2), .2*(.4-.2)) = max(.16, .04) = .16; zhang = .12/.16 = .75
  CHECK(m.zhangs_metric == near(0.75));

  // Everything in every basket: N=3, c_x=c_y=c_xy=3. sX=sY=sXY=1, confidence 1 -> conviction
  // inf; lift 1/1 = 1; leverage 1 - 1*1 = 0; denominator max(1*(1-1), 1*(1-1)) = 0 -> zhang 0.
  const auto all = rule_metrics(3, 3, 3, 3);
  CHECK(std::isinf(all.conviction));
  CHECK(all.lift == near(1.0));
  CHECK(all.leverage == near(0.0));
  CHECK(all.zhangs_metric == 0.0);
}

TEST_CASE("rule_metrics: Zhang's metric is 0 when its denominator is 0", "[rules][metrics]") {
  // N=4, c_x=4, c_y=2, c_xy=2: sX=1, sY=.5, sXY=.5
  // denominator max(.5*(1-1), 1*(.5-.5)) = max(0, 0) = 0 -> zhang 0 (mlxtend)
  const auto m = rule_metrics(4, 2, 2, 4);
  CHECK(m.confidence == near(0.5));
  CHECK(m.lift == near(1.0));
  CHECK(m.leverage == near(0.0));
  CHECK(m.conviction == near(1.0));
  CHECK(m.zhangs_metric == 0.0);
  CHECK_FALSE(std::isnan(m.zhangs_metric));
}

TEST_CASE("generate_rules: the exact rule set of a tiny database", "[rules]") {
  const Mined m = mine_all(kSmall, 2);  // a, b, c, ab, ac, bc
  REQUIRE(m.table.size() == 6);
  // confidences: a->b 2/4, b->a 2/3, a->c 2/4, c->a 2/3, b->c 2/3, c->b 2/3
  const std::set<std::string> all = {"a->b", "b->a", "a->c", "c->a", "b->c", "c->b"};
  CHECK(rule_set(m, with_confidence("0")) == all);
  CHECK(rule_set(m, with_confidence("0.5")) == all);  // 2/4 passes 0.5 exactly
  CHECK(rule_set(m, with_confidence("0.6")) ==
        std::set<std::string>{"b->a", "c->a", "b->c", "c->b"});
  CHECK(rule_set(m, with_confidence("0.7")).empty());  // 2/3 < 0.7

  // The rules' metrics, from their rows: b->c has c_x=3, c_y=3, c_xy=2 among 5.
  const ItemsetIndex index(m.table);
  bool found = false;
  for (const auto& r : generate_rules(m.table, index, m.db.size(), with_confidence("0"))) {
    if (side(m, r.antecedent) != "b" || side(m, r.consequent) != "c") continue;
    found = true;
    CHECK(m.table.counts[r.antecedent] == 3);
    CHECK(m.table.counts[r.consequent] == 3);
    CHECK(m.table.counts[r.itemset] == 2);
    CHECK(side(m, r.itemset) == "b,c");
  }
  CHECK(found);

  // Deterministic order: by antecedent row, then consequent row.
  const auto rules = generate_rules(m.table, index, m.db.size(), with_confidence("0"));
  for (std::size_t k = 1; k < rules.size(); ++k) {
    const auto &p = rules[k - 1], &q = rules[k];
    CHECK((p.antecedent < q.antecedent ||
           (p.antecedent == q.antecedent && p.consequent < q.consequent)));
  }
}

TEST_CASE("generate_rules: max_consequent_len", "[rules]") {
  const Mined m = mine_all(kSmall, 1);  // adds abc (count 1)
  REQUIRE(m.table.size() == 7);
  const std::set<std::string> single = {"a->b", "b->a",   "a->c",   "c->a",  "b->c",
                                        "c->b", "a,b->c", "a,c->b", "b,c->a"};
  const std::set<std::string> pairs = {"a->b,c", "b->a,c", "c->a,b"};
  std::set<std::string> both = single;
  both.insert(pairs.begin(), pairs.end());
  CHECK(rule_set(m, with_confidence("0", 1)) == single);
  CHECK(rule_set(m, with_confidence("0", 2)) == both);
  CHECK(rule_set(m, with_confidence("0", 0)) == both);  // 0 = unlimited
  CHECK(rule_set(m, with_confidence("0", 5)) == both);
  // a->bc has confidence 1/4; b->ac and c->ab 1/3.
  auto p = with_confidence("0.3", 2);
  const auto some = rule_set(m, p);
  CHECK(some.count("b->a,c") == 1);
  CHECK(some.count("c->a,b") == 1);
  CHECK(some.count("a->b,c") == 0);

  // Four items all together: consequents of length 3 appear only with max_consequent_len >= 3.
  const Mined four = mine_all({{"w", "x", "y", "z"}, {"w", "x", "y", "z"}}, 1);
  REQUIRE(four.table.size() == 15);
  // Rules from a k-itemset with consequents up to length L: sum over j=1..min(L,k-1) C(k,j).
  // L=1: 2-sets 6*2 + 3-sets 4*3 + 4-set 4 = 28; L=2 adds 3-sets 4*3 + 4-set 6 = 46;
  // L=3 (and unlimited) adds 4-set 4 = 50.
  CHECK(rule_set(four, with_confidence("0", 1)).size() == 28);
  CHECK(rule_set(four, with_confidence("0", 2)).size() == 46);
  CHECK(rule_set(four, with_confidence("0", 3)).size() == 50);
  CHECK(rule_set(four, with_confidence("0", 0)).size() == 50);
  CHECK(rule_set(four, with_confidence("0", 0)).count("w->x,y,z") == 1);
}

TEST_CASE("generate_rules: min_confidence boundary is exact", "[rules]") {
  // N = 10: p in every basket, q in one. p->q has confidence exactly 1/10, q->p 1.
  std::vector<bltest::Basket> baskets(9, {"p"});
  baskets.push_back({"p", "q"});
  const Mined m = mine_all(baskets, 1);
  CHECK(rule_set(m, with_confidence("0.1")) == std::set<std::string>{"p->q", "q->p"});
  CHECK(rule_set(m, with_confidence("1e-1")) == std::set<std::string>{"p->q", "q->p"});
  CHECK(rule_set(m, with_confidence("0.10000000000000001")) == std::set<std::string>{"q->p"});
  CHECK(rule_set(m, with_confidence("1")) == std::set<std::string>{"q->p"});

  // Confidence 7/100 (0.07 * 100 = 7.000000000000001 in floating point).
  std::vector<bltest::Basket> hundred(93, {"r"});
  for (int i = 0; i < 7; ++i) hundred.push_back({"r", "s"});
  const Mined h = mine_all(hundred, 1);
  CHECK(rule_set(h, with_confidence("0.07")).count("r->s") == 1);
  CHECK(rule_set(h, with_confidence("0.0700001")).count("r->s") == 0);
}

TEST_CASE("generate_rules: min_lift boundary is exact", "[rules]") {
  // N=10: x y twice, x twice, y twice, z four times. c_x = c_y = 4, c_xy = 2:
  // lift = (2/4) / (4/10) = 1.25 both ways.
  const std::vector<bltest::Basket> baskets = {{"x", "y"}, {"x", "y"}, {"x"}, {"x"}, {"y"},
                                               {"y"},      {"z"},      {"z"}, {"z"}, {"z"}};
  const Mined m = mine_all(baskets, 1);
  auto p = with_confidence("0");
  p.min_lift = parse_fraction("1.25", "--min-lift");
  CHECK(rule_set(m, p) == std::set<std::string>{"x->y", "y->x"});
  p.min_lift = parse_fraction("1.2500000001", "--min-lift");
  CHECK(rule_set(m, p).empty());
  p.min_lift = parse_fraction("125e-2", "--min-lift");
  CHECK(rule_set(m, p).size() == 2);

  // Tiny database: lifts a<->b 5/6, a<->c 5/6, b<->c 10/9.
  const Mined s = mine_all(kSmall, 2);
  auto q = with_confidence("0");
  q.min_lift = parse_fraction("1", "--min-lift");
  CHECK(rule_set(s, q) == std::set<std::string>{"b->c", "c->b"});
  q.min_lift = parse_fraction("1.1111111", "--min-lift");  // 10/9 = 1.11111111...
  CHECK(rule_set(s, q).size() == 2);
  q.min_lift = parse_fraction("1.1111112", "--min-lift");
  CHECK(rule_set(s, q).empty());
}

TEST_CASE("generate_rules agrees with a direct enumeration on random databases", "[rules]") {
  std::mt19937 rng(99);
  for (int round = 0; round < 60; ++round) {
    const unsigned k = 2 + rng() % 7;
    std::vector<bltest::Basket> baskets(3 + rng() % 25);
    for (auto& b : baskets)
      for (unsigned i = 0; i < k; ++i)
        if (rng() % 100 < 45) b.push_back(std::string(1, static_cast<char>('a' + i)));
    baskets.push_back({"a", "b"});  // never empty
    const auto min_count = 1 + static_cast<std::uint32_t>(rng() % 3);
    const Mined m = mine_all(baskets, min_count);
    const std::uint64_t n = baskets.size();
    const std::uint64_t conf_num = rng() % 11, lift_num = rng() % 16;  // conf/10, lift/8
    const std::uint32_t max_c = rng() % 4;
    RuleParams params;
    params.min_confidence = {conf_num, 10};
    params.min_lift = {lift_num, 8};
    params.max_consequent_len = max_c;

    // Direct: support of a label set by scanning the baskets; rules from every pair of disjoint
    // non-empty label sets X, Y with X u Y frequent.
    auto count = [&](const std::set<std::string>& s) {
      std::uint64_t c = 0;
      for (const auto& b : baskets)
        c += std::all_of(s.begin(), s.end(), [&](const auto& x) {
          return std::find(b.begin(), b.end(), x) != b.end();
        });
      return c;
    };
    std::set<std::string> expected;
    for (unsigned xy = 1; xy < (1u << k); ++xy) {
      for (unsigned y = xy; y; y = (y - 1) & xy) {
        const unsigned x = xy & ~y;
        if (x == 0 || (max_c && static_cast<unsigned>(std::popcount(y)) > max_c)) continue;
        std::set<std::string> sx, sy, sxy;
        for (unsigned i = 0; i < k; ++i) {
          std::string l(1, static_cast<char>('a' + i));
          if (x >> i & 1) sx.insert(l);
          if (y >> i & 1) sy.insert(l);
          if (xy >> i & 1) sxy.insert(l);
        }
        const auto cx = count(sx), cy = count(sy), cxy = count(sxy);
        if (cxy < min_count) continue;
        if (cxy * 10 < conf_num * cx) continue;          // confidence >= conf_num/10
        if (cxy * n * 8 < lift_num * cx * cy) continue;  // lift >= lift_num/8
        std::string text;
        for (const auto& l : sx) text += (text.empty() ? "" : ",") + l;
        text += "->";
        bool first = true;
        for (const auto& l : sy) text += (first ? "" : ",") + l, first = false;
        expected.insert(text);
      }
    }
    INFO("round " << round << ", min_count " << min_count << ", conf " << conf_num << "/10, lift "
                  << lift_num << "/8, max consequent " << max_c);
    REQUIRE(rule_set(m, params) == expected);
  }
}
