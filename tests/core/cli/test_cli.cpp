// The built `basketlift` CLI (BASKETLIFT_CLI), run as a process: exit code 2 and a message
// naming file and line on bad input; no output created or overwritten and no temp files left
// after a failure; the itemsets, rules and JSON summary formats after a success, checked
// against counts made here.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>

#include "test_util.hpp"

namespace {

using bltest::contains;

using bltest::run_cli;
using Result = bltest::CliResult;

std::vector<std::string> lines_of(const std::string& text) {
  auto lines = bltest::split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The value of "key": NUMBER in the one-line JSON summary.
std::string json_value(const std::string& json, const std::string& key) {
  std::smatch m;
  const std::regex re("\"" + key + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)");
  if (!std::regex_search(json, m, re)) return "<missing>";
  return m[1];
}

// Checks every run that must fail: exit 2, the expected text on stderr, no output written.
void expect_failure(const Result& r, const std::vector<std::string>& expected_in_stderr) {
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  for (const auto& text : expected_in_stderr) CHECK(contains(r.err, text));
}

// FIMI-style test baskets and the counts of every itemset, enumerated here.
const char* kSmallDat = "1 2 3 \n1 2 \n2 3 \n1 2 3 4 \n";
std::map<std::set<std::string>, int> small_counts() {
  const std::vector<std::set<std::string>> baskets = {
      {"1", "2", "3"}, {"1", "2"}, {"2", "3"}, {"1", "2", "3", "4"}};
  const std::vector<std::string> items = {"1", "2", "3", "4"};
  std::map<std::set<std::string>, int> out;
  for (unsigned mask = 1; mask < 16; ++mask) {
    std::set<std::string> s;
    for (unsigned i = 0; i < 4; ++i)
      if (mask >> i & 1) s.insert(items[i]);
    int c = 0;
    for (const auto& b : baskets)
      c += std::includes(b.begin(), b.end(), s.begin(), s.end()) ? 1 : 0;
    if (c > 0) out[s] = c;
  }
  return out;
}

}  // namespace

TEST_CASE("cli: bad input exits 2 naming file and line, and writes nothing", "[cli]") {
  bltest::TempDir dir;
  const auto items_out = dir.file("itemsets.txt"), rules_out = dir.file("rules.csv");
  const std::vector<std::string> outputs = {"--itemsets-out", items_out, "--rules-out", rules_out};
  auto with_outputs = [&](std::vector<std::string> args) {
    args.insert(args.end(), outputs.begin(), outputs.end());
    return args;
  };

  const auto open_quote = dir.file("open.csv");
  bltest::write_file(open_quote, "order_id,item_id\no1,a\no2,\"b\no3,c\n");
  expect_failure(run_cli(with_outputs({"mine", open_quote, "--min-count", "1"})),
                 {open_quote + ":3:", "unterminated"});

  const auto bad_qty = dir.file("qty.csv");
  bltest::write_file(bad_qty, "order_id,item_id,q\no1,a,1\no1,b,2\no2,c,many\n");
  expect_failure(run_cli(with_outputs({"mine", bad_qty, "--quantity-col", "q"})),
                 {bad_qty + ":4:", "many"});

  const auto no_col = dir.file("cols.csv");
  bltest::write_file(no_col, "order,item\no1,a\n");
  expect_failure(run_cli(with_outputs({"mine", no_col, "--format", "csv"})),
                 {no_col + ":1:", "order_id"});
  expect_failure(run_cli(with_outputs({"mine", no_col, "--order-col", "order", "--item-col", "sku",
                                       "--format", "csv"})),
                 {no_col + ":1:", "sku"});

  const auto short_row = dir.file("short.csv");
  bltest::write_file(short_row, "order_id,x,item_id\no1,1,a\no2\n");
  expect_failure(run_cli(with_outputs({"mine", short_row})), {short_row + ":3:"});

  const auto empty = dir.file("empty.dat");
  bltest::write_file(empty, "");
  expect_failure(run_cli(with_outputs({"mine", empty})), {empty, "empty"});

  const auto missing = dir.file("missing.csv");
  expect_failure(run_cli(with_outputs({"mine", missing})), {missing});

  CHECK_FALSE(bltest::fs::exists(items_out));
  CHECK_FALSE(bltest::fs::exists(rules_out));
  // Only the inputs are left: no outputs, no temporaries.
  CHECK(dir.entries() ==
        std::vector<std::string>{"cols.csv", "empty.dat", "open.csv", "qty.csv", "short.csv"});
}

TEST_CASE("cli: invalid options exit 2 and write nothing", "[cli]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  const auto items_out = dir.file("itemsets.txt"), rules_out = dir.file("rules.csv");
  struct Bad {
    std::vector<std::string> options;
    std::string named_in_message;
  };
  const Bad cases[] = {
      {{"--min-support", "0"}, "--min-support"},    // outside (0, 1]
      {{"--min-support", "1.5"}, "--min-support"},  // outside (0, 1]
      {{"--min-support", "-0.1"}, "--min-support"},
      {{"--min-support", "abc"}, "--min-support"},
      {{"--min-support", "0.1x"}, "--min-support"},
      {{"--min-support"}, "--min-support"},  // no value
      {{"--min-count", "0"}, "--min-count"},
      {{"--min-count", "-3"}, "--min-count"},
      {{"--max-len", "two"}, "--max-len"},
      {{"--min-confidence", "1.5"}, "--min-confidence"},
      {{"--algorithm", "apriori2"}, "--algorithm"},
      {{"--format", "xml"}, "--format"},
      {{"--summary", "xml"}, "--summary"},
      {{"--sep", "ab"}, "--sep"},
      {{"--bogus"}, "--bogus"},  // unknown options
      {{"--bogus", "1"}, "--bogus"},
  };
  for (const auto& bad : cases) {
    std::vector<std::string> args = {"mine",    input,         "--itemsets-out",
                                     items_out, "--rules-out", rules_out};
    args.insert(args.end(), bad.options.begin(), bad.options.end());
    CAPTURE(bad.options);
    expect_failure(run_cli(args), {bad.named_in_message});
  }
  expect_failure(run_cli({"mine"}), {"INPUT"});
  expect_failure(run_cli({"mine", input, input}), {"INPUT"});
  const auto unknown_command = run_cli({"frobnicate"});
  CHECK(unknown_command.status == 2);
  CHECK(contains(unknown_command.err, "frobnicate"));
  CHECK(run_cli({}).status == 2);
  CHECK(dir.entries() == std::vector<std::string>{"small.dat"});
}

TEST_CASE("cli: a failed run leaves existing output files unchanged", "[cli]") {
  bltest::TempDir dir;
  const auto good = dir.file("small.dat"), bad = dir.file("bad.csv");
  bltest::write_file(good, kSmallDat);
  bltest::write_file(bad, "order_id,item_id\no1,\"a\"x\n");
  const auto items_out = dir.file("itemsets.txt"), rules_out = dir.file("rules.csv");
  bltest::write_file(items_out, "previous itemsets\n");
  bltest::write_file(rules_out, "previous rules\n");
  const std::vector<std::vector<std::string>> failing = {
      {"mine", bad},
      {"mine", dir.file("absent.dat")},
      {"mine", good, "--min-support", "0"},
      {"mine", good, "--min-support", "1.5"},
      {"mine", good, "--unknown-option"},
  };
  for (auto args : failing) {
    CAPTURE(args);
    for (const auto& a : {"--itemsets-out", items_out.c_str(), "--rules-out", rules_out.c_str()})
      args.push_back(a);
    const auto r = run_cli(args);
    CHECK(r.status == 2);
    CHECK(bltest::read_file(items_out) == "previous itemsets\n");
    CHECK(bltest::read_file(rules_out) == "previous rules\n");
  }
  CHECK(dir.entries() ==
        std::vector<std::string>{"bad.csv", "itemsets.txt", "rules.csv", "small.dat"});
}

TEST_CASE("cli: an output that cannot be written fails before any output is written", "[cli]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  const auto items_out = dir.file("itemsets.txt");
  const auto unwritable = dir.file("no-such-dir/rules.csv");
  auto r = run_cli(
      {"mine", input, "--min-count", "1", "--itemsets-out", items_out, "--rules-out", unwritable});
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(contains(r.err, unwritable));
  CHECK_FALSE(bltest::fs::exists(items_out));  // not half of the outputs
  bltest::write_file(items_out, "previous\n");
  r = run_cli(
      {"mine", input, "--min-count", "1", "--itemsets-out", items_out, "--rules-out", unwritable});
  CHECK(r.status == 2);
  CHECK(bltest::read_file(items_out) == "previous\n");
  CHECK(dir.entries() == std::vector<std::string>{"itemsets.txt", "small.dat"});
}

TEST_CASE("cli: itemsets, rules and JSON summary of a successful run", "[cli]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  const auto items_out = dir.file("itemsets.txt"), rules_out = dir.file("rules.csv");
  const auto r =
      run_cli({"mine", input, "--min-count", "1", "--max-len", "0", "--itemsets-out", items_out,
               "--rules-out", rules_out, "--max-consequent-len", "2", "--summary", "json"});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());  // progress goes to stderr only when it is a terminal

  // Itemsets: "a b c\tcount", one a line, exactly the sets counted here.
  const auto text = bltest::read_file(items_out);
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  const std::regex line_re("([^ \t]+( [^ \t]+)*)\t([0-9]+)");
  std::map<std::set<std::string>, int> mined;
  for (const auto& line : lines_of(text)) {
    std::smatch m;
    INFO("line: " << line);
    REQUIRE(std::regex_match(line, m, line_re));
    auto items = bltest::split(m[1].str(), ' ');
    std::set<std::string> s(items.begin(), items.end());
    CHECK(s.size() == items.size());
    CHECK(mined.emplace(s, std::stoi(m[3].str())).second);
  }
  CHECK(mined == small_counts());

  // Rules: the exact header, ten fields a row, '|' inside a side.
  const auto rule_lines = lines_of(bltest::read_file(rules_out));
  REQUIRE(!rule_lines.empty());
  CHECK(rule_lines[0] ==
        "antecedents,consequents,antecedent_support,consequent_support,support,confidence,lift,"
        "leverage,conviction,zhangs_metric");
  std::map<std::string, std::vector<std::string>> rows;
  for (std::size_t k = 1; k < rule_lines.size(); ++k) {
    auto fields = bltest::split(rule_lines[k], ',');
    REQUIRE(fields.size() == 10);
    rows[fields[0] + "->" + fields[1]] = fields;
  }
  // N = 4; counts (above): {1} 3, {3} 3, {1,3} 2, {2} 4, {1,2} 3.
  // 1 -> 3: sX .75, sY .75, sXY .5, conf 2/3, lift (2/3)/.75 = 8/9, leverage .5 - .5625 = -.0625,
  // conviction (1-.75)/(1-2/3) = .75, zhang -.0625 / max(.5*.25, .75*(.75-.5)) = -1/3.
  REQUIRE(rows.count("1->3") == 1);
  const auto& a = rows["1->3"];
  const double expected[] = {0.75, 0.75, 0.5, 2.0 / 3, 8.0 / 9, -0.0625, 0.75, -1.0 / 3};
  for (int f = 0; f < 8; ++f) CHECK(std::stod(a[2 + f]) == Approx(expected[f]).epsilon(1e-12));
  // 1 -> 2 has confidence 3/3: conviction inf.
  REQUIRE(rows.count("1->2") == 1);
  CHECK(rows["1->2"][8] == "inf");
  // Two-item consequents with max-consequent-len 2; none with three.
  bool pair_consequent = false;
  for (const auto& [key, fields] : rows) {
    CHECK(bltest::split(fields[1], '|').size() <= 2);
    pair_consequent |= contains(fields[1], "|");
  }
  CHECK(pair_consequent);

  // Summary: one JSON object on one line.
  const auto out_lines = lines_of(r.out);
  REQUIRE(out_lines.size() == 1);
  const auto& json = out_lines[0];
  CHECK(json.front() == '{');
  CHECK(json.back() == '}');
  CHECK(json_value(json, "transactions") == "4");
  CHECK(json_value(json, "items") == "4");
  CHECK(json_value(json, "frequent_itemsets") == std::to_string(mined.size()));
  CHECK(json_value(json, "rules") == std::to_string(rule_lines.size() - 1));
  const auto seconds = json_value(json, "seconds");
  REQUIRE(seconds != "<missing>");
  CHECK(std::stod(seconds) >= 0.0);
  CHECK(std::stod(seconds) < 60.0);

  // Only the input and the two outputs: no temporaries left behind.
  CHECK(dir.entries() == std::vector<std::string>{"itemsets.txt", "rules.csv", "small.dat"});

  // A second run overwrites the outputs in place.
  const auto again = run_cli({"mine", input, "--min-count", "3", "--itemsets-out", items_out});
  REQUIRE(again.status == 0);
  // count >= 3: {1} 3, {2} 4, {3} 3, {1,2} 3, {2,3} 3
  CHECK(lines_of(bltest::read_file(items_out)).size() == 5);
  CHECK(dir.entries() == std::vector<std::string>{"itemsets.txt", "rules.csv", "small.dat"});
}

TEST_CASE("cli: groceries itemsets agree with counts made here", "[cli][known]") {
  BLTEST_SKIP_WITHOUT_DATA("groceries/groceries.csv");
  const auto input = bltest::data_file("groceries/groceries.csv");
  // Independent counts: split each line at ',' and count each item once per basket. Ingest trims
  // spaces around item names (the file has "cream cheese " and "roll products "), so do the same.
  auto trim = [](std::string t) {
    while (!t.empty() && t.back() == ' ') t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    return t;
  };
  std::map<std::string, int> item_count;
  int baskets = 0, milk_and_veg = 0;
  for (const auto& line : lines_of(bltest::read_file(input))) {
    ++baskets;
    std::set<std::string> items;
    for (const auto& field : bltest::split(line, ',')) items.insert(trim(field));
    for (const auto& i : items) ++item_count[i];
    milk_and_veg += items.count("whole milk") && items.count("other vegetables");
  }
  REQUIRE(baskets == 9835);
  REQUIRE(item_count["whole milk"] == 2513);

  bltest::TempDir dir;
  const auto items_out = dir.file("itemsets.txt");
  const auto r = run_cli({"mine", input, "--min-support", "0.01", "--max-len", "2",
                          "--itemsets-out", items_out, "--summary", "json"});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(json_value(r.out, "transactions") == "9835");
  CHECK(json_value(r.out, "items") == "169");
  CHECK(json_value(r.out, "min_count") == "99");  // ceil(0.01 * 9835) = ceil(98.35)

  // Items are separated by spaces; a space inside an item ("whole milk") is escaped ("\\ "),
  // so each line splits back into its items. Key: the items joined by '|'.
  std::map<std::string, int> lines;
  for (const auto& line : lines_of(bltest::read_file(items_out))) {
    auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    std::string key, item;
    for (std::size_t i = 0; i < tab; ++i) {
      if (line[i] == '\\' && i + 1 < tab) {
        item += line[++i];
      } else if (line[i] == ' ') {
        key += (key.empty() ? "" : "|") + item;
        item.clear();
      } else {
        item += line[i];
      }
    }
    key += (key.empty() ? "" : "|") + item;
    lines[key] = std::stoi(line.substr(tab + 1));
  }
  REQUIRE(lines.count("whole milk") == 1);
  CHECK(lines.at("whole milk") == 2513);
  int frequent_items = 0;
  for (const auto& [item, count] : item_count) {
    if (count < 99) {
      CHECK(lines.count(item) == 0);
      continue;
    }
    ++frequent_items;
    CAPTURE(item);
    REQUIRE(lines.count(item) == 1);
    CHECK(lines.at(item) == count);
  }
  CHECK(frequent_items > 50);
  // Whole milk is the most frequent item, so it comes first in the pair's line.
  REQUIRE(lines.count("whole milk|other vegetables") == 1);
  CHECK(lines.at("whole milk|other vegetables") == milk_and_veg);
  CHECK(json_value(r.out, "frequent_itemsets") == std::to_string(lines.size()));
}

TEST_CASE("cli: retail.dat known answer end to end", "[cli][known]") {
  BLTEST_SKIP_WITHOUT_DATA("fimi/retail.dat");
  for (const char* algorithm : {"fpgrowth", "eclat"}) {
    CAPTURE(algorithm);
    const auto r =
        run_cli({"mine", bltest::data_file("fimi/retail.dat"), "--min-count", "441", "--max-len",
                 "0", "--min-confidence", "0.1", "--algorithm", algorithm, "--summary", "json"});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    CHECK(json_value(r.out, "transactions") == "88162");
    CHECK(json_value(r.out, "items") == "16470");
    CHECK(json_value(r.out, "frequent_itemsets") == "580");
    CHECK(json_value(r.out, "rules") == "553");
  }
}

TEST_CASE("cli: every bundle command answers --help on stdout with 0, a missing BUNDLE with 2",
          "[cli]") {
  for (const char* command : {"inspect", "recommend", "upsell", "categories", "next"}) {
    CAPTURE(command);
    const auto help = bltest::run_cli({command, "--help"});
    CHECK(help.status == 0);
    CHECK(bltest::contains(help.out, std::string("usage: basketlift ") + command));
    CHECK(help.err.empty());
    const auto missing = bltest::run_cli({command});
    CHECK(missing.status == 2);
    CHECK(missing.out.empty());
    CHECK(bltest::contains(missing.err, std::string("usage: basketlift ") + command));
  }
}

TEST_CASE("cli: mine generates only the rules its outputs need, and the bundle is the same",
          "[cli]") {
  bltest::TempDir dir;
  const auto input = dir.file("baskets.txt");
  // a b c d together often, e with a: itemsets of up to four items at min-count 2.
  bltest::write_file(input, "a b c d\na b c d\na b c d e\na e\na e\nb c\n");
  auto mine = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"mine", input,       "--format", "basket",    "--min-count",
                                     "2",    "--max-len", "0",        "--summary", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = bltest::run_cli(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    return r.out;
  };
  const auto everything = mine({"--rules-out", dir.file("rules.csv"), "-o", dir.file("all.blb"),
                                "--itemsets-out", dir.file("all-itemsets.txt")});
  const auto bundle_only = mine({"-o", dir.file("shapes.blb")});
  const auto itemsets_only = mine({"--itemsets-out", dir.file("itemsets.txt")});
  // A bundle beside streamed itemsets: only itemsets of up to three items are kept for its rules.
  mine({"-o", dir.file("streamed.blb"), "--itemsets-out", dir.file("streamed-itemsets.txt")});
  // Streamed itemsets (nothing kept for rules) and itemsets written beside every rule: the same
  // lines, as many as every summary counts, longer ones than a bundle's rules need among them.
  auto sorted_lines = [&](const std::string& file) {
    auto v = bltest::split(bltest::read_file(dir.file(file)), '\n');
    std::erase(v, std::string());
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto streamed = sorted_lines("itemsets.txt");
  CHECK(streamed == sorted_lines("all-itemsets.txt"));
  CHECK(json_value(itemsets_only, "frequent_itemsets") == std::to_string(streamed.size()));
  CHECK(json_value(bundle_only, "frequent_itemsets") == std::to_string(streamed.size()));
  CHECK(std::any_of(streamed.begin(), streamed.end(), [](const std::string& line) {
    return std::count(line.begin(), line.end(), ' ') >= 3;  // four items or more
  }));
  CHECK(contains(everything, "\"rule_shapes\": \"all\""));
  CHECK(contains(bundle_only, "\"rule_shapes\": \"bundle\""));
  CHECK(contains(itemsets_only, "\"rule_shapes\": \"none\""));
  CHECK(json_value(itemsets_only, "rules") == "0");
  // Every rule --rules-out wrote with one consequent and at most two antecedent items is one the
  // bundle-only run made, and no other.
  std::size_t shaped = 0;
  const auto lines = bltest::split(bltest::read_file(dir.file("rules.csv")), '\n');
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const auto fields = bltest::split(lines[i], ',');
    const auto antecedent = bltest::split(fields[0], '|'),
               consequent = bltest::split(fields[1], '|');
    shaped += antecedent.size() <= 2 && consequent.size() == 1;
  }
  CHECK(std::stoul(json_value(everything, "rules")) > shaped);  // longer rules exist here
  CHECK(json_value(bundle_only, "rules") == std::to_string(shaped));
  // The bundles hold the same rules and meta; only their paths, creation times and so their
  // checksums may differ. And they answer every cart the same.
  const auto inspect = [&](const std::string& path) {
    const auto out = bltest::run_cli({"inspect", path, "--json"}).out;
    return std::regex_replace(out, std::regex("\"(file|checksum|created_at)\": \"[^\"]*\""),
                              "\"$1\": \"-\"");
  };
  CHECK(inspect(dir.file("all.blb")) == inspect(dir.file("shapes.blb")));
  CHECK(inspect(dir.file("streamed.blb")) == inspect(dir.file("shapes.blb")));
  CHECK(sorted_lines("streamed-itemsets.txt") == streamed);
  for (const char* cart : {"a", "b,c", "a,e", "d"}) {
    CAPTURE(cart);
    CHECK(bltest::run_cli({"recommend", dir.file("all.blb"), "--cart", cart, "--json"}).out ==
          bltest::run_cli({"recommend", dir.file("shapes.blb"), "--cart", cart, "--json"}).out);
  }
}

TEST_CASE("cli: ids holding the files' separators or control bytes read back unambiguously",
          "[cli]") {
  bltest::TempDir dir;
  const auto input = dir.file("baskets.csv");
  // "a b" holds the itemsets file's separator, "c|d" the rules file's, "e\f" a backslash,
  // "g<ESC>[31m" a terminal escape; all bought with x.
  bltest::write_file(input, "\"a b\",c|d,e\\f,g\x1b[31m,x\n\"a b\",c|d,e\\f,g\x1b[31m,x\n");
  const auto r = bltest::run_cli({"mine", input, "--format", "basket", "--sep", ",", "--min-count",
                                  "2", "--max-len", "2", "--itemsets-out", dir.file("items.txt"),
                                  "--rules-out", dir.file("rules.csv")});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_FALSE(
      contains(r.out, "\x1b"));  // the summary's top rules: no raw escape reaches a terminal
  CHECK(contains(r.out, "g\\x1b[31m"));
  // One line per itemset, its items separated by unescaped spaces: the single items' lines.
  const auto items = bltest::read_file(dir.file("items.txt"));
  for (const char* line :
       {"\"a\\ b\"\t2\n", "c|d\t2\n", "e\\\\f\t2\n", "g\\x1b[31m\t2\n", "x\t2\n"}) {
    CAPTURE(line);
    CHECK(contains(items, line));
  }
  const auto rules = bltest::read_file(dir.file("rules.csv"));
  CHECK(contains(rules, "c\\|d"));
  CHECK_FALSE(contains(rules, "\x1b"));
}
