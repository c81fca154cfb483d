// `basketlift eval` on a hand-made order log: why carts go unserved (the JSON "unserved"
// breakdown), carts whose hidden item never occurs in training, and --validation (the split
// --tune uses: the training part's last 60 days). Every test basket has two items whose roles
// are symmetric, so the counts hold whichever item the seed hides.
#include <algorithm>
#include <iterator>

#include "eval/evaluate.hpp"
#include "kinds_util.hpp"
#include "model/format.hpp"
#include "test_util.hpp"

namespace {

using Catch::Detail::Approx;
using kindstest::Json;
using kindstest::run_cli;

// Training (before 2011-03-01), min count 2: a and b together five times (rules a->b, b->a);
// c and d once (below the min count); f and f2 twice each but never twice with the same item
// (frequent, no rules).
// Test: {y, z} never seen in training; {c, d}; {f, f2}; {a, b} for customer c1, who bought a
// and b before (the rules' consequents are in the history); {a, b} without a customer (served).
const char* kOrders =
    "order,item,qty,customer,date\n"
    "1,a,1,c1,2010-11-01\n1,b,1,c1,2010-11-01\n"
    "2,a,1,,2010-11-02\n2,b,1,,2010-11-02\n"
    "3,a,1,,2010-11-03\n3,b,1,,2010-11-03\n"
    "4,c,1,,2010-11-04\n4,d,1,,2010-11-04\n"
    "5,f,1,,2010-11-05\n5,g,1,,2010-11-05\n"
    "6,f,1,,2010-11-06\n6,h,1,,2010-11-06\n"
    "7,f2,1,,2010-11-07\n7,g2,1,,2010-11-07\n"
    "8,f2,1,,2010-11-08\n8,h2,1,,2010-11-08\n"
    "9,a,1,,2011-02-01\n9,b,1,,2011-02-01\n"
    "10,a,1,,2011-02-10\n10,b,1,,2011-02-10\n"
    "20,y,1,,2011-03-01\n20,z,1,,2011-03-01\n"
    "21,c,1,,2011-03-02\n21,d,1,,2011-03-02\n"
    "22,f,1,,2011-03-03\n22,f2,1,,2011-03-03\n"
    "23,a,1,c1,2011-03-04\n23,b,1,c1,2011-03-04\n"
    "24,a,1,,2011-03-05\n24,b,1,,2011-03-05\n";

std::vector<std::string> eval_args(const bltest::TempDir& dir) {
  bltest::write_file(dir.file("orders.csv"), kOrders);
  auto args = bltest::eval_hand_log(dir.file("orders.csv"), "2");
  // --neighbours 0 --learned 0: the breakdown of what rules alone leave unserved.
  args.insert(args.end(), {"--neighbours", "0", "--learned", "0", "--threads", "1"});
  return args;
}

Json run_json(std::vector<std::string> args) {
  args.push_back("--json");
  const auto r = run_cli(args);
  REQUIRE(r.status == 0);
  return kindstest::parse_json(r.out);
}

TEST_CASE("eval: unserved carts by reason, unknown hidden items", "[eval]") {
  bltest::TempDir dir;
  const auto j = run_json(eval_args(dir));
  CHECK(j.at("test_carts").number() == 5);
  CHECK(j.at("train_baskets").number() == 10);
  CHECK(j.at("min_count").number() == 2);
  CHECK(j.at("bundle_rules").number() == 2);  // a->b, b->a
  CHECK(j.at("bundle_bytes").number() > 0);
  CHECK(j.at("unknown_targets").number() == 1);  // y or z
  const auto& u = j.at("unserved");
  CHECK(u.at("unknown_items").number() == 1);
  CHECK(u.at("below_support").number() == 1);
  CHECK(u.at("no_rules").number() == 1);
  CHECK(u.at("all_excluded").number() == 1);
  CHECK(j.at("methods").at("basketlift").at("served").number() == Approx(1.0 / 5));
  // Co-occurrence has every pair but not y or z, and c1's only neighbour is in the history.
  CHECK(j.at("methods").at("cooccurrence").at("served").number() == Approx(3.0 / 5));

  const auto text = run_cli(eval_args(dir));
  REQUIRE(text.status == 0);
  CHECK_THAT(text.out, Catch::Contains("basketlift served 4 carts only the popular fill: 1 hold "
                                       "no item seen in training, 1 only items below the min "
                                       "count (2 baskets), 1 frequent items without rules, 1 "
                                       "rules whose consequents are all in the cart or history"));
}

TEST_CASE("eval: item-kNN keeps each item's k most similar; with every one it is cooccurrence",
          "[eval]") {
  bltest::TempDir dir;
  auto metrics = [&](const char* k) {
    auto args = eval_args(dir);
    args.insert(args.end(), {"--knn-k", k});
    const auto j = run_json(args);
    return std::pair{j.at("methods").at("item-knn"), j.at("methods").at("cooccurrence")};
  };
  // No item here has 1000 co-purchased items: every list is whole, the sums are the same.
  const auto [all, cooc] = metrics("1000");
  for (const char* m : {"hr@5", "hr@10", "mrr@10", "coverage", "served"})
    CHECK(all.at(m).number() == cooc.at(m).number());
  // One neighbour each: a cart item's best only, so never more distinct items shown.
  const auto [one, cooc1] = metrics("1");
  CHECK(one.at("coverage").number() <= cooc1.at("coverage").number());
  for (const char* bad : {"0", "many"}) {
    auto args = eval_args(dir);
    args.insert(args.end(), {"--knn-k", bad});
    const auto r = run_cli(args);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("--knn-k"));
  }
  // auto: chosen on the validation split from the grid, named on stderr and in the JSON.
  auto args = eval_args(dir);
  args.insert(args.end(), {"--knn-k", "auto", "--json"});
  const auto r = run_cli(args);
  REQUIRE(r.status == 0);
  const auto chosen = kindstest::parse_json(r.out).at("knn_k").number();
  CHECK_THAT(r.err, Catch::Contains("item-knn k = " + std::to_string(static_cast<int>(chosen)) +
                                    ", the best on the validation split"));
  CHECK((chosen == 1 || chosen == 2 || chosen == 3 || chosen == 5 || chosen == 10 || chosen == 20 ||
         chosen == 50 || chosen == 100 || chosen == 200 || chosen == 500));
}

TEST_CASE("eval: basketlift's HR@10 over each baseline's, with a bootstrap interval around it",
          "[eval]") {
  bltest::TempDir dir;
  auto args = eval_args(dir);
  const auto j = run_json(args);
  const auto& methods = j.at("methods");
  const double ours = methods.at("basketlift").at("hr@10").number();
  CHECK(!methods.at("basketlift").object().count("basketlift_hr@10_ratio"));
  int with_ratio = 0;
  for (const char* name :
       {"seed", "popularity", "cooccurrence", "item-knn", "ease", "session-knn"}) {
    CAPTURE(name);
    const auto& m = methods.at(name);
    const double theirs = m.at("hr@10").number();
    if (theirs == 0) {
      CHECK(!m.object().count("basketlift_hr@10_ratio"));
      continue;
    }
    ++with_ratio;
    const double ratio = m.at("basketlift_hr@10_ratio").number();
    CHECK(ratio == Approx(ours / theirs));
    const auto& ci = m.at("ratio_ci95").array();
    REQUIRE(ci.size() == 2);
    // Five carts: resamples where the baseline hits nothing leave the interval unbounded (null).
    CHECK(ci[0].number() <= ratio);
    if (!std::holds_alternative<std::nullptr_t>(ci[1].v)) CHECK(ratio <= ci[1].number());
  }
  CHECK(with_ratio > 0);
}

TEST_CASE("eval --validation: the training part's last 60 days, never the test carts", "[eval]") {
  bltest::TempDir dir;
  auto args = eval_args(dir);
  args.push_back("--validation");
  const auto j = run_json(args);
  // Training part: orders 1-10, last day 2011-02-10; its last 60 days hold orders 9 and 10.
  CHECK(j.at("train_baskets").number() == 8);
  CHECK(j.at("test_carts").number() == 2);
  CHECK(j.at("unknown_targets").number() == 0);
  CHECK(j.at("methods").at("basketlift").at("served").number() == 1);
  CHECK(j.at("methods").at("basketlift").at("hr@10").number() == 1);
  CHECK(!j.object().count("next_purchase"));
}

TEST_CASE("eval: EASE's lambda and session-kNN's k chosen on the validation split or given",
          "[eval]") {
  bltest::TempDir dir;
  auto args = eval_args(dir);
  args.push_back("--json");
  const auto r = run_cli(args);
  REQUIRE(r.status == 0);
  const auto j = kindstest::parse_json(r.out);
  const double lambda = j.at("ease_lambda").number();
  const auto& grid = basketlift::kEaseLambdaGrid;
  CHECK(std::find(std::begin(grid), std::end(grid), lambda) != std::end(grid));
  CHECK_THAT(r.err, Catch::Contains("ease lambda = " + basketlift::format_double(lambda) +
                                    ", the best on the validation split"));
  CHECK_THAT(r.err, Catch::Contains("session-knn k = "));
  CHECK(j.at("ease_items").number() == 10);  // every training item: a-d, f-h, f2-h2
  // Given: no validation run for them, the values as given; 0 items: no EASE row.
  auto fixed = eval_args(dir);
  fixed.insert(fixed.end(), {"--ease-lambda", "7.5", "--session-k", "4"});
  const auto f = run_json(fixed);
  CHECK(f.at("ease_lambda").number() == 7.5);
  CHECK(f.at("session_k").number() == 4);
  auto none = eval_args(dir);
  none.insert(none.end(), {"--ease-max-items", "0"});
  const auto n = run_json(none);
  CHECK(!n.at("methods").object().count("ease"));
  CHECK(n.at("ease_items").number() == 0);
  for (const char* bad : {"0", "-1", "x"}) {
    auto b = eval_args(dir);
    b.insert(b.end(), {"--ease-lambda", bad});
    const auto e = run_cli(b);
    CHECK(e.status == 2);
    CHECK_THAT(e.err, Catch::Contains("--ease-lambda"));
  }
}

}  // namespace
