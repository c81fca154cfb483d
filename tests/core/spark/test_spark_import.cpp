// import-spark: bundles from Spark MLlib FPGrowth's freqItemsets and associationRules.
// The fixtures (tests/fixtures/spark, written by generate.py with an independent brute force
// in Spark's definitions) must import into bundles identical in content and in scoring to what
// `mine` makes of the same order log; every inconsistency in Spark's outputs is an error
// naming file and line.
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <tuple>

#include "bundle/bundle.hpp"
#include "bundle/shards.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "model/error.hpp"
#include "model/format.hpp"
#include "model/threshold.hpp"
#include "score/recommend.hpp"
#include "scoring_util.hpp"
#include "spark/spark_import.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace basketlift;
using bltest::contains;

const fs::path kFixtures =
    fs::path(__FILE__).parent_path().parent_path().parent_path() / "fixtures" / "spark";

std::string fixture(const std::string& relative) { return (kFixtures / relative).string(); }

// params.txt: key=value lines written by generate.py.
std::map<std::string, std::string> read_params(const std::string& set) {
  std::map<std::string, std::string> out;
  for (const auto& line : bltest::split(bltest::read_file(fixture(set + "/params.txt")), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::unique_ptr<Bundle> load(const BundleContent& content) {
  std::string error;
  auto bundle = Bundle::load(encode_bundle(content), error);
  INFO(error);
  REQUIRE(bundle);
  return bundle;
}

// With `pairs`, the itemPairs output too: the neighbour and learned sections at their defaults.
SparkImport import_dir(const std::string& dir, std::uint32_t cap = 50,
                       const Catalog* catalog = nullptr, bool pairs = false) {
  SparkImportOptions o;
  o.rules_path = fixture(dir + "/associationRules");
  o.itemsets_path = fixture(dir + "/freqItemsets");
  if (pairs) o.pairs_path = fixture(dir + "/itemPairs");
  o.max_rules_per_antecedent = cap;
  return import_spark(o, "2024-01-01T00:00:00Z", catalog);
}

// What `mine ORDERS --min-count C --min-confidence F --max-len 3` puts into a bundle; without
// `sections`, with --neighbours 0 --learned 0.
BundleContent mine_native(const std::string& set, std::uint32_t cap,
                          const Catalog* catalog = nullptr, bool sections = false) {
  const auto params = read_params(set);
  MineOptions o;
  o.ingest.format = InputFormat::Csv;
  o.min_count = static_cast<std::uint32_t>(std::stoul(params.at("min_count")));
  o.max_len = 3;
  o.rules.min_confidence = parse_fraction(params.at("min_confidence"), "min_confidence");
  o.max_rules_per_antecedent = cap;
  // Without its pair counts Spark has no neighbours and no learned weights.
  if (!sections) {
    o.neighbours_per_item = 0;
    o.learned_per_item = 0;
  }
  const auto r = mine(fixture(set + "/orders.csv"), o);
  return make_bundle_content(r, o, "orders.csv", "2024-01-01T00:00:00Z", catalog);
}

using Rules = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
Rules rules_of(std::span<const RuleEntry> rules) {
  Rules out;
  for (const auto& r : rules) out.emplace_back(r.consequent, r.count);
  return out;
}
using Pairs = std::vector<std::tuple<std::uint32_t, std::uint32_t, Rules>>;
Pairs pairs_of(const Bundle& b, std::uint32_t a) {
  Pairs out;
  b.for_each_pair(a, [&](std::uint32_t x, std::uint32_t count, std::span<const RuleEntry> rules) {
    out.emplace_back(x, count, rules_of(rules));
  });
  return out;
}

std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> rules_of_all(
    const std::vector<std::pair<std::uint32_t, RuleEntry>>& entries) {
  std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> out;
  for (const auto& [item, e] : entries) out.emplace_back(item, e.consequent, e.count);
  return out;
}

struct Scored {
  std::uint32_t item;
  double score, confidence, lift;
  RecommendationKind kind;
  std::vector<std::uint32_t> because;
  bool operator==(const Scored&) const = default;
};
std::vector<Scored> score(Scorer& s, std::span<const std::uint32_t> cart,
                          const ScoringParams& params) {
  auto request = bltest::request_for(cart, {}, {}, 10);
  request.params = params;
  std::vector<Scored> out;
  for (const auto& r : s.recommend(request)) {
    const auto because = s.because(r);
    out.push_back(
        {r.item, r.score, r.confidence, r.lift, r.kind, {because.begin(), because.end()}});
  }
  return out;
}

// The imported bundle holds the frequent items; the native one also every infrequent item, after
// them (ids by descending popularity), with no rules. Everything else must be identical.
void require_same_bundle(const Bundle& imported, const Bundle& native, std::uint32_t min_count) {
  REQUIRE(imported.transactions() == native.transactions());
  const auto n = imported.item_count();
  REQUIRE(n <= native.item_count());
  REQUIRE(n > 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    INFO("item " << i << " " << native.label(i));
    REQUIRE(imported.label(i) == native.label(i));
    REQUIRE(imported.popularity(i) == native.popularity(i));
    REQUIRE(rules_of(imported.single_rules(i)) == rules_of(native.single_rules(i)));
    REQUIRE(pairs_of(imported, i) == pairs_of(native, i));
  }
  for (std::uint32_t i = n; i < native.item_count(); ++i) {
    INFO("infrequent item " << native.label(i));
    REQUIRE(native.popularity(i) < min_count);
    REQUIRE(native.single_rules(i).empty());
    REQUIRE(pairs_of(native, i).empty());
  }
  REQUIRE(imported.single_rule_count() == native.single_rule_count());
  REQUIRE(imported.pair_count() == native.pair_count());
  REQUIRE(imported.pair_rule_count() == native.pair_rule_count());
}

// Every one- and two-item cart of frequent items and 300 random carts of 1-5 items, under several
// scoring settings: the same recommendations, scores, metrics and reasons.
std::size_t require_same_scores(const Bundle& imported, const Bundle& native) {
  Scorer si(imported), sn(native);
  const auto n = imported.item_count();
  std::vector<std::vector<std::uint32_t>> carts;
  for (std::uint32_t a = 0; a < n; ++a) {
    carts.push_back({a});
    for (std::uint32_t b = a + 1; b < n && b < 25; ++b) carts.push_back({a, b});
  }
  std::mt19937 rng(12345);
  for (int k = 0; k < 300; ++k) {
    std::vector<std::uint32_t> cart;
    const auto len = 1 + rng() % 5;
    while (cart.size() < len) cart.push_back(static_cast<std::uint32_t>(rng() % n));
    carts.push_back(cart);
  }
  std::vector<ScoringParams> settings(3);
  settings[1].aggregation = Aggregation::NoisyOr;
  settings[2].aggregation = Aggregation::Sum;
  settings[2].evidence = Evidence::Lift;
  settings[2].pair_weight = 1.0;
  std::size_t cross_sell = 0;
  for (const auto& params : settings)
    for (const auto& cart : carts) {
      const auto a = score(si, cart, params), b = score(sn, cart, params);
      INFO("cart of " << cart.size() << " items, first " << imported.label(cart[0]));
      REQUIRE(a == b);
      for (const auto& r : a) cross_sell += r.kind == RecommendationKind::CrossSell;
    }
  return cross_sell;
}

std::string json_number(double v) { return format_double(v); }

// A valid little model and helpers to write Spark-style directories of it. Baskets:
// {a,b} {a,b,c} {a,c} {b}: N = 4.
struct MiniModel {
  std::vector<std::string> itemsets = {
      R"({"items":["a"],"freq":3})",     R"({"items":["b"],"freq":3})",
      R"({"items":["c"],"freq":2})",     R"({"items":["b","a"],"freq":2})",
      R"({"items":["a","c"],"freq":2})",
  };
  static std::string rule(const std::string& ante, const std::string& cons, double fu, double fx,
                          double fy, double n = 4) {
    const double conf = fu / fx;
    return "{\"antecedent\":" + ante + ",\"consequent\":" + cons +
           ",\"confidence\":" + json_number(conf) + ",\"lift\":" + json_number(conf / (fy / n)) +
           ",\"support\":" + json_number(fu / n) + "}";
  }
  std::vector<std::string> rules = {
      rule(R"(["a"])", R"(["b"])", 2, 3, 3), rule(R"(["b"])", R"(["a"])", 2, 3, 3),
      rule(R"(["a"])", R"(["c"])", 2, 3, 2), rule(R"(["c"])", R"(["a"])", 2, 2, 3)};
};

std::string lines(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& r : rows) out += r + "\n";
  return out;
}

// dir/freqItemsets and dir/associationRules, one part file each, with _SUCCESS.
// With pair rows, dir/itemPairs too.
struct SparkDirs {
  bltest::TempDir dir;
  std::string itemsets, rules, pairs;
  SparkDirs(const std::vector<std::string>& itemset_rows, const std::vector<std::string>& rule_rows,
            const std::string& ext = ".json", const std::vector<std::string>& pair_rows = {}) {
    itemsets = dir.file("freqItemsets");
    rules = dir.file("associationRules");
    if (!pair_rows.empty()) pairs = dir.file("itemPairs");
    for (const auto& d : {itemsets, rules, pairs}) {
      if (d.empty()) continue;
      fs::create_directory(d);
      bltest::write_file(d + "/_SUCCESS", "");
    }
    bltest::write_file(itemsets + "/part-00000" + ext, lines(itemset_rows));
    bltest::write_file(rules + "/part-00000" + ext, lines(rule_rows));
    if (!pairs.empty()) bltest::write_file(pairs + "/part-00000" + ext, lines(pair_rows));
  }
  SparkImport run(std::uint32_t cap = 50, std::uint64_t transactions = 0) const {
    SparkImportOptions o;
    o.itemsets_path = itemsets;
    o.rules_path = rules;
    o.pairs_path = pairs;
    o.max_rules_per_antecedent = cap;
    o.transactions = transactions;
    return import_spark(o, "now");
  }
};

// The import fails with an InputError whose message holds every piece of `expected`.
void require_error(const SparkDirs& d, const std::vector<std::string>& expected,
                   std::uint64_t transactions = 0) {
  try {
    d.run(50, transactions);
    FAIL("no error; expected: " << expected[0]);
  } catch (const InputError& e) {
    INFO("message: " << e.what());
    for (const auto& text : expected) CHECK(contains(e.what(), text));
  }
}

std::string json_error(std::string_view line) {
  try {
    parse_json_object(line, "f.json", 7);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

using bltest::CliResult;
using bltest::run_cli;

}  // namespace

TEST_CASE("spark: the fixtures import into the bundle mine makes of the same baskets", "[spark]") {
  for (const std::string set : {"groceries", "tricky"}) {
    const auto params = read_params(set);
    const auto min_count = static_cast<std::uint32_t>(std::stoul(params.at("min_count")));
    for (std::uint32_t cap : {50u, 3u}) {
      const auto native_content = mine_native(set, cap);
      const auto native = load(native_content);
      for (const std::string variant : {"json", "csv", "json-gz", "json-escaped"}) {
        if (!fs::exists(kFixtures / set / variant)) continue;
        INFO(set << "/" << variant << ", cap " << cap);
        const auto imported = import_dir(set + "/" + variant, cap);
        const auto& rep = imported.report;
        CHECK(rep.itemset_files.size() == 2);
        CHECK(rep.rule_files.size() == 2);
        CHECK(rep.warnings.empty());
        CHECK(std::to_string(rep.transactions) == params.at("transactions"));
        CHECK(std::to_string(rep.items) == params.at("items"));
        CHECK(std::to_string(rep.itemsets) == params.at("itemsets"));
        CHECK(std::to_string(rep.rules) == params.at("rules"));
        CHECK(std::to_string(rep.skipped_antecedent) == params.at("rules_antecedent_3plus"));
        CHECK(rep.skipped_consequent == 0);
        CHECK(rep.min_count == min_count);
        CHECK(rep.single_rules == native_content.single_rules.size());
        CHECK(rep.pair_rules == native_content.pair_rules.size());
        // The same rules, capped the same way: what the cap dropped plus what is kept is every
        // rule with a one- or two-item antecedent.
        CHECK(rep.capped + rep.single_rules + rep.pair_rules ==
              rep.rules - rep.skipped_antecedent - rep.skipped_consequent);
        if (cap == 3) CHECK(rep.capped > 0);
        const auto bundle = load(imported.content);
        require_same_bundle(*bundle, *native, min_count);
        CHECK(require_same_scores(*bundle, *native) > 1000);
        CHECK(bundle->meta_value("source") == "spark");
        CHECK(bundle->meta_value("transactions") == params.at("transactions"));
        CHECK(bundle->meta_value("min_count") == params.at("min_count"));
        CHECK(bundle->meta_value("algorithm") == "spark-fpgrowth");
        CHECK(bundle->meta_value("max_rules_per_antecedent") == std::to_string(cap));
        CHECK(contains(bundle->meta_value("derived"), "smallest itemset freq"));
        // The smallest confidence of Spark's rules is at least its minConfidence.
        CHECK(std::stod(bundle->meta_value("min_confidence")) >=
              std::stod(params.at("min_confidence")));
        CHECK_FALSE(bundle->has_repurchase());
        CHECK_FALSE(bundle->has_category_rules());
      }
    }
  }
}

// Everything but the meta (which says where the bundle came from) in the bundle's own bytes.
std::vector<std::uint8_t> sections_bytes(BundleContent content) {
  content.meta.clear();
  return encode_bundle(content);
}

TEST_CASE("spark: imported scores like native: with the pair counts every default section",
          "[spark]") {
  for (const std::string set : {"groceries", "tricky"}) {
    const auto params = read_params(set);
    for (std::uint32_t cap : {50u, 3u}) {
      const auto native_content = mine_native(set, cap, nullptr, true);
      const auto native = load(native_content);
      REQUIRE(native->all_neighbours().size() > 0);
      REQUIRE(native->all_learned().size() > 0);
      for (const std::string variant : {"json", "csv", "json-gz", "json-escaped"}) {
        if (!fs::exists(kFixtures / set / variant)) continue;
        INFO(set << "/" << variant << ", cap " << cap);
        const auto imported = import_dir(set + "/" + variant, cap, nullptr, true);
        const auto& rep = imported.report;
        CHECK(rep.pair_files.size() == 2);
        CHECK(std::to_string(rep.pairs) == params.at("pairs"));
        CHECK(std::to_string(rep.items + rep.infrequent_items) == params.at("all_items"));
        CHECK(rep.neighbours == native_content.neighbours.size());
        CHECK(rep.learned == native_content.learned.size());
        const auto bundle = load(imported.content);
        // Every item, infrequent ones too, and every section as mine writes it.
        REQUIRE(bundle->item_count() == native->item_count());
        for (std::uint32_t i = 0; i < bundle->item_count(); ++i) {
          INFO("item " << i << " " << native->label(i));
          REQUIRE(bundle->label(i) == native->label(i));
          REQUIRE(bundle->popularity(i) == native->popularity(i));
          REQUIRE(rules_of(bundle->neighbours(i)) == rules_of(native->neighbours(i)));
          REQUIRE(rules_of(bundle->learned(i)) == rules_of(native->learned(i)));
        }
        REQUIRE(bundle->all_neighbours().size() == native->all_neighbours().size());
        REQUIRE(bundle->all_learned().size() == native->all_learned().size());
        require_same_bundle(*bundle, *native, 0);
        CHECK(sections_bytes(imported.content) == sections_bytes(native_content));
        CHECK(require_same_scores(*bundle, *native) > 1000);
        for (const char* key :
             {"neighbours_per_item", "learned_per_item", "learned_lambda", "learned_items"})
          CHECK(bundle->meta_value(key) == native->meta_value(key));
        CHECK(bundle->meta_value("learned_items") == params.at("all_items"));
      }
    }
  }
  // The options are mine's: other values give what mine gives with them.
  auto o = SparkImportOptions{};
  o.rules_path = fixture("groceries/json/associationRules");
  o.itemsets_path = fixture("groceries/json/freqItemsets");
  o.pairs_path = fixture("groceries/json/itemPairs");
  o.sections.neighbours_per_item = 7;
  o.sections.learned_per_item = 2;
  o.sections.learned_lambda = 5;
  o.sections.learned_max_items = 40;
  o.threads = 2;
  const auto params = read_params("groceries");
  MineOptions m;
  m.ingest.format = InputFormat::Csv;
  m.min_count = static_cast<std::uint32_t>(std::stoul(params.at("min_count")));
  m.max_len = 3;
  m.rules.min_confidence = parse_fraction(params.at("min_confidence"), "min_confidence");
  static_cast<PairSectionOptions&>(m) = o.sections;
  const auto native = make_bundle_content(mine(fixture("groceries/orders.csv"), m), m, "orders.csv",
                                          "2024-01-01T00:00:00Z");
  const auto imported = import_spark(o, "2024-01-01T00:00:00Z");
  CHECK(imported.content.learned.size() <= 2 * 40);
  CHECK(imported.content.neighbours.size() > 3 * imported.content.labels.size());
  CHECK(sections_bytes(imported.content) == sections_bytes(native));
}

TEST_CASE("spark: labels survive JSON escapes, CSV quoting and UTF-8 on every path", "[spark]") {
  const auto bundle = load(import_dir("tricky/json-escaped").content);
  for (const char* label :
       {"pizza \xF0\x9F\x8D\x95", "caf\xC3\xA9 cr\xC3\xA8me", "say \"cheese\"", "back\\slash",
        "comma, inside", "tab\tinside", "two\nlines", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\x8C\xB6", "a/b",
        "ctrl\x01"
        "char"}) {
    INFO(label);
    CHECK(bundle->find(label) < bundle->item_count());
  }
  const auto csv = load(import_dir("tricky/csv").content);
  for (std::uint32_t i = 0; i < bundle->item_count(); ++i) CHECK(csv->label(i) == bundle->label(i));
}

TEST_CASE("spark: a catalog gives names, categories and prices, never category rules", "[spark]") {
  bltest::TempDir dir;
  const auto path = dir.file("catalog.csv");
  bltest::write_file(path,
                     "item_id,name,category,price\n"
                     "milk,Whole milk,dairy,1.10\n"
                     "\"say \"\"cheese\"\"\",Cheddar,dairy,4.5\n"
                     "bread,Sourdough,bakery,3\n"
                     "\"pizza \xF0\x9F\x8D\x95\",Margherita,,7.25\n"
                     "not-sold,Nothing,misc,1\n");
  const auto catalog = read_catalog(path);
  const auto imported = load(import_dir("tricky/json", 50, &catalog).content);
  const auto native = load(mine_native("tricky", 50, &catalog));
  REQUIRE(imported->has_catalog());
  CHECK_FALSE(imported->has_category_rules());
  CHECK(native->has_category_rules());  // mine has the baskets
  // Categories come from the items in the bundle: "not-sold" (an item nobody bought) is kept
  // with popularity 0 by both, so "misc" is a category of both.
  REQUIRE(imported->category_count() == native->category_count());
  CHECK(imported->category_count() == 3);
  CHECK(imported->popularity(imported->find("not-sold")) == 0);
  CHECK(native->popularity(native->find("not-sold")) == 0);
  CHECK(imported->item_count() == native->item_count());
  // The unsold item's similar names: computed from the same names, the same in both.
  REQUIRE(imported->all_similar().size() == native->all_similar().size());
  for (std::size_t i = 0; i < imported->all_similar().size(); ++i)
    CHECK(imported->all_similar()[i].count == native->all_similar()[i].count);
  for (std::uint32_t k = 0; k < imported->category_count(); ++k)
    CHECK(imported->category_label(k) == native->category_label(k));
  for (std::uint32_t i = 0; i < imported->item_count(); ++i) {
    INFO(imported->label(i));
    CHECK(imported->name(i) == native->name(i));
    CHECK(imported->item_category(i) == native->item_category(i));
    const double p = imported->price(i), q = native->price(i);
    CHECK(((std::isnan(p) && std::isnan(q)) || p == q));
  }
  // With the pair counts as well: the same neighbours and learned weights as mine --catalog,
  // whose unsold catalog item comes after the sold ones in both.
  const auto with_pairs = import_dir("tricky/json", 50, &catalog, true).content;
  const auto native_all = mine_native("tricky", 50, &catalog, true);
  REQUIRE_FALSE(with_pairs.learned.empty());
  CHECK(with_pairs.labels == native_all.labels);
  CHECK(rules_of_all(with_pairs.neighbours) == rules_of_all(native_all.neighbours));
  CHECK(rules_of_all(with_pairs.learned) == rules_of_all(native_all.learned));
  CHECK(with_pairs.similar.size() == native_all.similar.size());

  const auto cheese = imported->find("say \"cheese\"");
  CHECK(imported->name(cheese) == "Cheddar");
  CHECK(imported->price(cheese) == 4.5);
  CHECK(imported->item_category(imported->find("pizza \xF0\x9F\x8D\x95")) == kNoCategory);
}

TEST_CASE("spark: part files of a directory, sorted, metadata ignored", "[spark]") {
  bltest::TempDir dir;
  for (const char* name :
       {"part-00001-x-c000.json", "part-00000-x-c000.json.gz", ".part-00000-x-c000.json.gz.crc",
        "part-00001-x-c000.json.crc", "_SUCCESS", "._SUCCESS.crc", "README"})
    bltest::write_file(dir.file(name), "");
  fs::create_directory(dir.file("part-00002-not-a-file"));
  fs::create_directory(dir.file("_temporary"));
  std::vector<std::string> warnings;
  const auto parts = spark_part_files(dir.path().string(), &warnings);
  REQUIRE(parts.size() == 2);
  CHECK(fs::path(parts[0]).filename() == "part-00000-x-c000.json.gz");
  CHECK(fs::path(parts[1]).filename() == "part-00001-x-c000.json");
  CHECK(warnings.empty());
  // A single file is itself; no _SUCCESS is a warning, not an error.
  CHECK(spark_part_files(dir.file("README")) == std::vector<std::string>{dir.file("README")});
  fs::remove(dir.file("_SUCCESS"));
  spark_part_files(dir.path().string(), &warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(contains(warnings[0], "_SUCCESS"));

  bltest::TempDir empty;
  bltest::write_file(empty.file("_SUCCESS"), "");
  CHECK_THROWS_WITH(spark_part_files(empty.path().string()),
                    Catch::Contains("no part-* files") && Catch::Contains(empty.path().string()));
  CHECK_THROWS_WITH(spark_part_files(empty.file("missing")),
                    Catch::Contains("no such file or directory"));
}

TEST_CASE("spark: formats by name, else by content", "[spark]") {
  bltest::TempDir dir;
  bltest::write_file(dir.file("part-00000"), "\n  {\"items\":[\"a\"],\"freq\":1}\n");
  bltest::write_file(dir.file("part-00001"), "items,freq\na,1\n");
  bltest::write_file(dir.file("part-00002.csv"), "{\"items\":[\"a\"],\"freq\":1}\n");
  bltest::write_file(dir.file("part-00003.json"), "items,freq\n");
  CHECK(detect_spark_format(dir.file("part-00000")) == SparkFormat::JsonLines);
  CHECK(detect_spark_format(dir.file("part-00001")) == SparkFormat::Csv);
  CHECK(detect_spark_format(dir.file("part-00002.csv")) == SparkFormat::Csv);
  CHECK(detect_spark_format(dir.file("part-00003.json")) == SparkFormat::JsonLines);
}

TEST_CASE("spark: the JSON-lines parser decodes exactly Spark's shapes", "[spark]") {
  const auto f = parse_json_object(
      R"( {"s":"q\"b\\s\/n\n t\t r\r b\b f\f u\u00e9\u65E5\ud83c\udf55 raw é","a":[ "x" , "" ],)"
      R"("e":[],"n":-1.5E-3,"z":0,"nul":null} )",
      "f.json", 1);
  REQUIRE(f.size() == 6);
  CHECK(f[0].name == "s");
  CHECK(f[0].kind == JsonField::Kind::String);
  CHECK(f[0].text ==
        "q\"b\\s/n\n t\t r\r b\b f\f u\xC3\xA9\xE6\x97\xA5\xF0\x9F\x8D\x95 raw \xC3\xA9");
  CHECK(f[1].kind == JsonField::Kind::StringArray);
  CHECK(f[1].strings == std::vector<std::string>{"x", ""});
  CHECK(f[2].strings.empty());
  CHECK(f[3].kind == JsonField::Kind::Number);
  CHECK(f[3].text == "-1.5E-3");
  CHECK(f[4].text == "0");
  CHECK(f[5].kind == JsonField::Kind::Null);
  CHECK(parse_json_object("{}", "f", 1).empty());
  CHECK(parse_json_object(R"({"nul":"\u0000"})", "f", 1)[0].text == std::string(1, '\0'));
}

TEST_CASE("spark: malformed JSON lines name file, line, column and field", "[spark]") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {R"({"items":["a"],"freq":1)", {"unterminated object"}},
      {R"({"items":["a"],"freq":1,})", {"expected a field name"}},
      {R"({"items":["a"] "freq":1})", {"expected ',' or '}'"}},
      {R"({"items":["a"],"freq":1} x)", {"unexpected text after the object"}},
      {R"({"items":["a"],"freq":1}{"items":[]})", {"unexpected text after the object"}},
      {R"(["a"])", {"expected a JSON object"}},
      {R"({items:["a"]})", {"expected a field name in quotes"}},
      {R"({"items":["a",]})", {"field 'items'", "array elements must be strings"}},
      {R"({"items":[1,2]})", {"field 'items'", "got a number", "array<string>"}},
      {R"({"items":["a"})", {"field 'items'", "expected ',' or ']'"}},
      {R"({"items":["a)", {"field 'items'", "unterminated string"}},
      {R"({"items":[["a"]]})", {"array elements must be strings"}},
      {R"({"x":{"a":1}})", {"field 'x'", "nested objects"}},
      {R"({"x":true})", {"field 'x'", "booleans"}},
      {R"({"x":NaN})", {"field 'x'", "expected a string, an array of strings, a number or null"}},
      {R"({"x":01})", {"expected ',' or '}'"}},
      {R"({"x":1.})", {"field 'x'", "malformed number"}},
      {R"({"x":.5})", {"field 'x'", "expected a string"}},
      {R"({"x":-})", {"field 'x'", "malformed number"}},
      {R"({"x":1e})", {"field 'x'", "malformed number"}},
      {R"({"x":"\q"})", {"field 'x'", "invalid escape '\\q'"}},
      {R"({"x":"\u12"})", {"field 'x'", "four hex digits"}},
      {R"({"x":"\u12G4"})", {"field 'x'", "four hex digits"}},
      {R"({"x":"\ud83c"})", {"field 'x'", "high surrogate without a low one"}},
      {R"({"x":"\ud83c\u0041"})", {"field 'x'", "high surrogate without a low one"}},
      {R"({"x":"\udf55"})", {"field 'x'", "low surrogate without a high one"}},
      {"{\"x\":\"a\tb\"}", {"field 'x'", "control character"}},
      {"{\"x\":\"\xC3\x28\"}", {"field 'x'", "invalid UTF-8"}},
      {"{\"x\":\"\xED\xA0\x80\"}", {"field 'x'", "invalid UTF-8"}},  // an encoded surrogate
      {"{\"x\":\"\xC0\xAF\"}", {"field 'x'", "invalid UTF-8"}},      // overlong
      {R"({"x":1,"x":2})", {"duplicate field 'x'"}},
      {"", {"expected a JSON object"}},
  };
  for (const auto& [line, expected] : cases) {
    const auto message = json_error(line);
    INFO(line << " -> " << message);
    CHECK(message.rfind("f.json:7: column ", 0) == 0);
    for (const auto& text : expected) CHECK(contains(message, text));
  }
  CHECK(contains(json_error(R"({"items":["a"],"freq":1)"), "column 24"));
}

TEST_CASE("spark: a small model imports; schema errors name file, line and field", "[spark]") {
  const MiniModel m;
  {
    const SparkDirs d(m.itemsets, m.rules);
    const auto r = d.run();
    CHECK(r.report.transactions == 4);
    CHECK(r.report.rules == 4);
    CHECK(r.content.labels == std::vector<std::string>{"a", "b", "c"});
    CHECK(r.content.popularity == std::vector<std::uint32_t>{3, 3, 2});
    CHECK(r.content.single_rules.size() == 4);
    CHECK(r.report.transactions_from == d.rules + "/part-00000.json:1");
  }
  const auto file = [](const SparkDirs& d, bool rules) {
    return (rules ? d.rules : d.itemsets) + "/part-00000.json:";
  };
  auto with = [](std::vector<std::string> rows, std::size_t at, const std::string& row) {
    rows[at] = row;
    return rows;
  };
  struct Case {
    bool in_rules;  // the row replaced is a rule (else an itemset)
    std::size_t row;
    std::string text;
    std::vector<std::string> expected;  // [0]: ":LINE:" in the file of the replaced row...
    bool error_in_rules = false;        // ...or, when set, in the rules' file
  };
  const std::vector<Case> cases = {
      {false, 2, R"({"items":["c"],"freq":2)", {":3: column", "unterminated object"}},
      {false, 2, R"({"items":["c"],"freq":2,"extra":1})", {":3:", "unexpected field 'extra'"}},
      {false, 2, R"({"items":["c"]})", {":3:", "missing field 'freq'"}},
      {false, 2, R"({"items":["c"],"freq":2.0})", {":3:", "'freq'", "integer count"}},
      {false, 2, R"({"items":["c"],"freq":-2})", {":3:", "'freq'", "integer count"}},
      {false, 2, R"({"items":["c"],"freq":0})", {":3:", "freq: 0"}},
      {false, 2, R"({"items":["c"],"freq":4294967296})", {":3:", "exceeds 4294967295"}},
      {false, 2, R"({"items":[],"freq":2})", {":3:", "empty itemset"}},
      {false, 2, R"({"items":["c","c"],"freq":2})", {":3:", "\"c\" appears twice"}},
      {false, 2, R"({"items":"c","freq":2})", {":3:", "field 'items'", "array of strings"}},
      {false,
       2,
       R"({"antecedent":["a"],"consequent":["c"],"confidence":1})",
       {":3:", "unexpected field 'antecedent'", "freqItemsets rows have items and freq"}},
      {false,
       4,
       R"({"items":["b","c"],"freq":2})",
       {":3:", "the itemset [\"a\", \"c\"] (antecedent and consequent together)",
        "not in freqItemsets"},
       true},
      {false, 4, R"({"items":["a","b"],"freq":2})", {":5:", "listed twice", "part-00000.json:4"}},
      {false, 2, R"({"items":["d"],"freq":2})", {":5:", "\"c\" has no itemset of its own"}},
      {false, 3, R"({"items":["b","a"],"freq":4})", {":4:", "exceeds the freq 3"}},
      {true,
       1,
       R"({"antecedent":["b"],"consequent":["a"],"confidence":"NaN","lift":1,"support":1})",
       {":2:", "field 'confidence'", "expected a number", "\"NaN\""}},
      {true,
       1,
       R"({"antecedent":["b"],"consequent":["a"],"lift":1,"support":1})",
       {":2:", "missing field 'confidence'"}},
      {true,
       1,
       R"({"antecedent":["b"],"consequent":["z"],"confidence":1})",
       {":2:", "consequent: item \"z\" is not in freqItemsets"}},
      {true,
       1,
       R"({"antecedent":[],"consequent":["a"],"confidence":1})",
       {":2:", "antecedent: empty"}},
      {true,
       1,
       R"({"antecedent":["a"],"consequent":["a"],"confidence":1})",
       {":2:", "share an item"}},
      {true,
       1,
       R"({"antecedent":["b"],"consequent":["c"],"confidence":0.5})",
       {":2:", "[\"b\", \"c\"]", "is not in freqItemsets"}},
      {true,
       1,
       MiniModel::rule(R"(["b","c"])", R"(["a"])", 1, 1, 3),
       {":2:", "[\"b\", \"c\"]", "the antecedent", "not in freqItemsets"}},
      {true,
       1,
       MiniModel::rule(R"(["b"])", R"(["a"])", 2, 2, 3),
       {":2:", "confidence: 1 does not match", "2/3"}},
      {true,
       2,
       MiniModel::rule(R"(["a"])", R"(["c"])", 2, 3, 2, 5),
       {":3:", "implies N = 5", "part-00000.json:1 implies N = 4", "not come from one model"}},
      {true,
       3,
       R"({"antecedent":["c"],"consequent":["a"],"confidence":1.0,"lift":1.3,"support":0.5})",
       {":4:", "lift: 1.3 does not match", "1.3333333333333333"}},
      {true,
       3,
       R"({"antecedent":["c"],"consequent":["a"],"confidence":1.0,"lift":1.3333333333333333,"support":0.52})",
       {":4:", "support: 0.52 does not match", "2/4"}},
      {true,
       3,
       R"({"antecedent":["c"],"consequent":["a"],"confidence":1.0,"lift":1.3333333333333333,"support":1.5})",
       {":4:", "support: must be in (0, 1]"}},
      {true, 3, m.rules[0], {":4:", "duplicate rule", "part-00000.json:1"}},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const SparkDirs d(c.in_rules ? m.itemsets : with(m.itemsets, c.row, c.text),
                      c.in_rules ? with(m.rules, c.row, c.text) : m.rules);
    auto expected = c.expected;
    expected[0] = file(d, c.in_rules || c.error_in_rules) + expected[0].substr(1);
    require_error(d, expected);
  }
}

TEST_CASE("spark: N comes from support, else lift, else --transactions", "[spark]") {
  const MiniModel m;
  // Spark before 3.0 wrote no support column: N from lift.
  std::vector<std::string> no_support;
  for (auto r : m.rules) no_support.push_back(r.substr(0, r.find(",\"support\"")) + "}");
  CHECK(SparkDirs(m.itemsets, no_support).run().report.transactions == 4);
  // Neither (a model loaded from Spark < 2.4 has no lift either): only with --transactions.
  std::vector<std::string> bare;
  for (auto r : no_support) bare.push_back(r.substr(0, r.find(",\"lift\"")) + "}");
  require_error(SparkDirs(m.itemsets, bare), {"cannot derive the number of transactions",
                                              "no rule has a support or lift", "--transactions"});
  CHECK(SparkDirs(m.itemsets, bare).run(50, 4).report.transactions == 4);
  CHECK(SparkDirs(m.itemsets, bare).run(50, 4).report.transactions_from == "--transactions");
  // No rules at all: popularity only, and N must be given.
  require_error(SparkDirs(m.itemsets, {}), {"there are no rules", "--transactions"});
  const auto popular = SparkDirs(m.itemsets, {}).run(50, 10);
  CHECK(popular.content.single_rules.empty());
  CHECK(popular.content.transactions == 10);
  // --transactions is checked against every support, and against every itemset.
  require_error(SparkDirs(m.itemsets, m.rules),
                {"part-00000.json:1:", "implies N = 4", "--transactions implies N = 5"}, 5);
  require_error(SparkDirs(m.itemsets, bare), {"freqItemsets/part-00000.json:1:", "exceeds N = 2"},
                2);
  // Null lift and support are accepted as absent.
  std::vector<std::string> nulls;
  for (auto r : bare) nulls.push_back(r.substr(0, r.size() - 1) + ",\"lift\":null}");
  nulls[0] = m.rules[0];
  CHECK(SparkDirs(m.itemsets, nulls).run().report.transactions == 4);
}

TEST_CASE("spark: rule shapes the bundle cannot hold are skipped and counted; the cap applies",
          "[spark]") {
  // Baskets: {a,b,c,d} x2, {a,b} x1, {c} x1: N = 4.
  std::vector<std::string> sets;
  const std::map<std::string, int> counts = {
      {"a", 3},     {"b", 3},     {"c", 3},     {"d", 2},     {"a,b", 3},
      {"a,c", 2},   {"a,d", 2},   {"b,c", 2},   {"b,d", 2},   {"c,d", 2},
      {"a,b,c", 2}, {"a,b,d", 2}, {"a,c,d", 2}, {"b,c,d", 2}, {"a,b,c,d", 2}};
  for (const auto& [items, freq] : counts) {
    std::string arr;
    for (const auto& i : bltest::split(items, ',')) arr += (arr.empty() ? "\"" : ",\"") + i + "\"";
    sets.push_back("{\"items\":[" + arr + "],\"freq\":" + std::to_string(freq) + "}");
  }
  const auto arr = [](const std::string& items) {
    std::string out;
    for (const auto& i : bltest::split(items, ',')) out += (out.empty() ? "\"" : ",\"") + i + "\"";
    return "[" + out + "]";
  };
  auto rule = [&](const std::string& x, const std::string& y) {
    auto xy = bltest::split(x + "," + y, ',');
    std::sort(xy.begin(), xy.end());
    std::string u;
    for (const auto& i : xy) u += (u.empty() ? "" : ",") + i;
    std::string ys = y;
    return MiniModel::rule(arr(x), arr(y), counts.at(u), counts.at(x), counts.at(ys), 4);
  };
  const std::vector<std::string> rules = {
      rule("a", "b"),     rule("a", "c"),     rule("a", "d"),
      rule("a,b", "c"),   rule("a,b", "d"),   rule("b", "a,c"),
      rule("a,b,c", "d"), rule("a", "b,c,d"), rule("b,c,d", "a"),
  };
  const SparkDirs d(sets, rules);
  const auto all = d.run(0);
  CHECK(all.report.rules == 9);
  CHECK(all.report.skipped_consequent == 2);
  CHECK(all.report.skipped_antecedent == 2);
  CHECK(all.report.single_rules == 3);
  CHECK(all.report.pair_rules == 2);
  CHECK(all.report.capped == 0);
  // Cap 1: a keeps its strongest rule (a -> b, count 3); {a, b} keeps c over d on the tie (ids
  // by popularity then label: a, b, c, d).
  const auto capped = d.run(1);
  CHECK(capped.report.capped == 3);
  REQUIRE(capped.content.single_rules.size() == 1);
  CHECK(capped.content.single_rules[0].first == 0);
  CHECK(capped.content.single_rules[0].second.consequent == 1);
  CHECK(capped.content.single_rules[0].second.count == 3);
  REQUIRE(capped.content.pair_rules.size() == 1);
  CHECK(capped.content.pair_rules[0].pair_count == 3);
  CHECK(capped.content.pair_rules[0].rule.consequent == 2);
}

TEST_CASE("spark: CSV parts need the header; items joined by '|'", "[spark]") {
  const std::vector<std::string> sets = {"items,freq", "a,3", "b,3", "\"b|a\",2"};
  const std::vector<std::string> rules = {
      "antecedent,consequent,confidence,lift,support",
      "a,b,0.6666666666666666,0.8888888888888888,0.5",
      "b,a,0.6666666666666666,,0.5",  // a null lift
  };
  CHECK(SparkDirs(sets, rules, ".csv").run().report.transactions == 4);
  // Columns in another order, lift and support columns absent: N must then be given.
  CHECK(SparkDirs({"freq,items", "3,a", "3,b", "2,a|b"},
                  {"consequent,antecedent,confidence", "b,a,0.6666666666666666"}, ".csv")
            .run(50, 4)
            .content.single_rules.size() == 1);
  auto with = [](std::vector<std::string> rows, std::size_t at, const std::string& row) {
    rows[at] = row;
    return rows;
  };
  const std::vector<std::tuple<bool, std::size_t, std::string, std::vector<std::string>>> cases = {
      {false, 0, "a,3", {":1:", "unexpected column 'a'", "header"}},
      {false, 0, "items,count", {":1:", "unexpected column 'count'"}},
      {false, 0, "items", {":1:", "lacks column 'freq'"}},
      {false, 3, "\"b||a\",2", {":4:", "empty item"}},
      {false, 3, "\"b|a\",2,7", {":4:", "expected 2 fields"}},
      {false, 3, "\"b|a\",two", {":4:", "column 'freq'"}},
      {true, 2, "b,a,NaN,,0.5", {":3:", "column 'confidence'", "'NaN'"}},
      {true, 2, "b,a,0.6666666666666666,,0.25", {":3:", "implies N = 8"}},
  };
  for (const auto& [in_rules, row, text, expected] : cases) {
    INFO(text);
    const SparkDirs d(in_rules ? sets : with(sets, row, text),
                      in_rules ? with(rules, row, text) : rules, ".csv");
    auto e = expected;
    e[0] = (in_rules ? d.rules : d.itemsets) + "/part-00000.csv" + e[0];
    require_error(d, e);
  }
}

TEST_CASE("spark: import-spark --shards writes a sharded bundle that answers as -o's file",
          "[spark][shards]") {
  bltest::TempDir dir;
  const auto out = dir.file("rules.blb"), shards = dir.file("shards");
  // With the pair counts, so the parts carry neighbours and learned weights too.
  auto r = run_cli({"import-spark", "--rules", fixture("groceries/json/associationRules"),
                    "--itemsets", fixture("groceries/json/freqItemsets"), "--pairs",
                    fixture("groceries/json/itemPairs"), "-o", out, "--shards", shards,
                    "--shard-count", "4"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  // --shards alone: the summary names the manifest (there is no -o file).
  const auto alone = dir.file("alone");
  auto a = run_cli({"import-spark", "--rules", fixture("groceries/json/associationRules"),
                    "--itemsets", fixture("groceries/json/freqItemsets"), "--shards", alone});
  INFO(a.err);
  REQUIRE(a.status == 0);
  CHECK(contains(a.out, alone + "/manifest.json: 142 frequent itemsets"));
  const auto manifest = bltest::read_file(shards + "/manifest.json");
  CHECK(contains(manifest, "\"shards\": 4"));
  std::string error;
  auto whole = Bundle::load(bltest::read_bytes(out), error);
  REQUIRE(whole);
  REQUIRE(whole->all_learned().size() > 0);
  REQUIRE(whole->all_neighbours().size() > 0);
  const auto at = manifest.find("\"global\": \"") + 11;
  const auto global_path = manifest.substr(at, manifest.find('"', at) - at);
  auto set = ShardSet::open(bltest::read_bytes(shards + "/" + global_path), error);
  REQUIRE(set);
  for (std::uint32_t s = 0; s < 4; ++s)
    REQUIRE(set->add(PartKind::Shard, s,
                     bltest::read_bytes(shards + "/" + set->path(PartKind::Shard, s)), error));
  const Bundle* part = set->bundle(error);
  REQUIRE(part);
  // Every one-item cart: the same items, scores and kinds from all shards as from the file.
  Scorer whole_scorer(*whole), part_scorer(*part);
  for (std::uint32_t i = 0; i < whole->item_count(); ++i) {
    const std::uint32_t a = i, b = part->find(whole->label(i));
    const auto x = whole_scorer.recommend(bltest::request_for({&a, 1}, {}, {}, 5));
    std::vector<std::pair<std::string, double>> expected;
    for (const auto& e : x) expected.emplace_back(whole->label(e.item), e.score);
    const auto y = part_scorer.recommend(bltest::request_for({&b, 1}, {}, {}, 5));
    std::vector<std::pair<std::string, double>> got;
    for (const auto& e : y) got.emplace_back(part->label(e.item), e.score);
    CHECK_FALSE(part_scorer.incomplete());
    CHECK(got == expected);
  }
}

TEST_CASE("spark: pair counts: neighbours and learned weights by hand; bad rows name file and line",
          "[spark]") {
  // MiniModel's baskets {a,b} {a,b,c} {a,c} {b}, plus what itemPairs says of them.
  const MiniModel m;
  const std::vector<std::string> pair_rows = {
      R"({"items":["a"],"freq":3})",     R"({"items":["b"],"freq":3})",
      R"({"items":["c"],"freq":2})",     R"({"items":["a","b"],"freq":2})",
      R"({"items":["c","a"],"freq":2})", R"({"items":["b","c"],"freq":1})",
  };
  {
    const SparkDirs d(m.itemsets, m.rules, ".json", pair_rows);
    const auto r = d.run();
    CHECK(r.report.pairs == 3);
    CHECK(r.report.infrequent_items == 0);
    // Cosine: a~b 2/3, a~c 2/sqrt(6) = 0.816, b~c 1/sqrt(6) = 0.408. Each item's 3 best, stored
    // in id order (a 0, b 1, c 2) with the baskets holding both.
    using E = std::pair<std::uint32_t, std::uint32_t>;
    std::map<std::uint32_t, std::vector<E>> expected = {
        {0, {{1, 2}, {2, 2}}}, {1, {{0, 2}, {2, 1}}}, {2, {{0, 2}, {1, 1}}}};
    const auto bundle = load(r.content);
    for (std::uint32_t i = 0; i < 3; ++i) CHECK(rules_of(bundle->neighbours(i)) == expected[i]);
    // EASE on 3 items at λ 50 (the default): G = XᵀX + 50 I; every B[i][j] is positive and small,
    // so each item keeps its two weights (K 5 > 2).
    CHECK(bundle->all_learned().size() == 6);
    CHECK(bundle->meta_value("learned_items") == "3");
    CHECK(bundle->meta_value("spark_pairs") == d.pairs);
  }
  {
    // An item no frequent itemset holds (d: one basket) joins the bundle after the others.
    auto rows = pair_rows;
    rows.push_back(R"({"items":["d"],"freq":1})");
    rows.push_back(R"({"items":["d","b"],"freq":1})");
    const auto r = SparkDirs(m.itemsets, m.rules, ".json", rows).run();
    CHECK(r.report.infrequent_items == 1);
    CHECK(r.content.labels == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(r.content.popularity == std::vector<std::uint32_t>{3, 3, 2, 1});
  }
  struct Case {
    std::size_t row;                    // the pair row replaced (SIZE_MAX: one appended)
    std::string text;                   // empty: the row removed
    std::vector<std::string> expected;  // [0]: the file and line named
  };
  const std::vector<Case> cases = {
      {3,
       R"({"items":["a","b"],"freq":2)",
       {"itemPairs/part-00000.json:4: column", "unterminated object"}},
      {3,
       R"({"items":["a","b"],"freq":-2})",
       {"itemPairs/part-00000.json:4:", "non-negative integer count"}},
      {3, R"({"items":["a","b"],"freq":0})", {"itemPairs/part-00000.json:4:", "freq: 0"}},
      {3,
       R"({"items":["a","z"],"freq":1})",
       {"itemPairs/part-00000.json:4:", "\"z\" has no row of its own"}},
      {4,
       R"({"items":["a","c"],"freq":3})",
       {"itemPairs/part-00000.json:5:", "exceeds the basket count 2 of its item \"c\"", ":3)"}},
      {3,
       R"({"items":["a","b"],"freq":1})",
       {"itemPairs/part-00000.json:4:", "freqItemsets gives it 2 at",
        "freqItemsets/part-00000.json:4"}},
      {0,
       R"({"items":["a"],"freq":4})",
       {"itemPairs/part-00000.json:1:", "freqItemsets gives it 3"}},
      {0, R"({"items":["a"],"freq":5})", {"itemPairs/part-00000.json:1:", "exceeds N = 4"}},
      {0,
       R"({"items":["a"],"freq":4294967296})",
       {"itemPairs/part-00000.json:1:", "exceeds 4294967295"}},
      {3, R"({"items":["a","b","c"],"freq":1})", {"itemPairs/part-00000.json:4:", "3 items"}},
      {3,
       R"({"items":["a","a"],"freq":1})",
       {"itemPairs/part-00000.json:4:", "\"a\" appears twice"}},
      {3,
       R"({"items":["b","a"],"freq":2,"lift":1})",
       {"itemPairs/part-00000.json:4:", "unexpected field"}},
      {5,
       R"({"items":["c","a"],"freq":2})",
       {"itemPairs/part-00000.json:6:", "[\"a\", \"c\"] is listed twice (also at", "json:5"}},
      {1, R"({"items":["a"],"freq":3})", {"itemPairs/part-00000.json:2:", "\"a\" is listed twice"}},
      {SIZE_MAX,
       R"({"items":["d"],"freq":2})",
       {"itemPairs/part-00000.json:7:", "reaches the smallest itemset freq 2",
        "not in freqItemsets"}},
      {5,
       R"({"items":["b","c"],"freq":2})",
       {"itemPairs/part-00000.json:6:",
        "the pair [\"b\", \"c\"] reaches the smallest itemset freq 2"}},
      {3, "", {"freqItemsets/part-00000.json:4:", "is not in the pair counts"}},
  };
  for (const auto& c : cases) {
    auto rows = pair_rows;
    if (c.row == SIZE_MAX) {
      rows.push_back(c.text);
    } else if (c.text.empty()) {
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(c.row));
    } else {
      rows[c.row] = c.text;
    }
    INFO("row " << c.row << ": " << c.text);
    const SparkDirs d(m.itemsets, m.rules, ".json", rows);
    try {
      d.run();
      FAIL("no error; expected: " << c.expected[1]);
    } catch (const InputError& e) {
      INFO("message: " << e.what());
      for (const auto& text : c.expected) CHECK(contains(e.what(), text));
    }
  }
  // CSV: the same schema with items joined by '|'.
  const SparkDirs csv({"items,freq", "a,3", "b,3", "c,2", "a|b,2", "a|c,2"},
                      {"antecedent,consequent,confidence,lift,support",
                       "a,b,0.6666666666666666,"
                       "0.8888888888888888,0.5"},
                      ".csv", {"items,freq", "a,3", "b,3", "c,2", "b|a,2", "a|c,2", "c|b|a,1"});
  CHECK_THROWS_WITH(
      csv.run(), Catch::Contains(csv.pairs + "/part-00000.csv:7:") && Catch::Contains("3 items"));
}

TEST_CASE("spark: basketlift import-spark writes atomically and exits 2 on bad input", "[spark]") {
  bltest::TempDir dir;
  const auto out = dir.file("rules.blb");
  const auto rules = fixture("groceries/json/associationRules");
  const auto itemsets = fixture("groceries/json/freqItemsets");
  auto ok = run_cli(
      {"import-spark", "--rules", rules, "--itemsets", itemsets, "-o", out, "--summary", "json"});
  INFO(ok.err);
  REQUIRE(ok.status == 0);
  CHECK(contains(ok.out, "\"transactions\": 300"));
  CHECK(contains(ok.out, "\"rules\": 163"));
  auto inspect = run_cli({"inspect", out});
  CHECK(inspect.status == 0);
  CHECK(contains(inspect.out, "spark-fpgrowth"));
  const auto good = bltest::read_file(out);

  // --pairs: every item (78 infrequent ones of groceries' 136) and the two sections.
  const auto pairs = fixture("groceries/json/itemPairs");
  const auto with_pairs = dir.file("pairs.blb");
  auto p = run_cli({"import-spark", "--rules", rules, "--itemsets", itemsets, "--pairs", pairs,
                    "-o", with_pairs, "--summary", "json", "--neighbours", "4", "--threads", "1"});
  INFO(p.err);
  REQUIRE(p.status == 0);
  CHECK(contains(p.out, "\"pairs\": 1804"));
  CHECK(contains(p.out, "\"infrequent_items\": 78"));
  CHECK(contains(run_cli({"inspect", with_pairs}).out, "neighbours_per_item"));
  fs::remove(with_pairs);

  auto text =
      run_cli({"import-spark", "--rules", fixture("tricky/csv/associationRules"), "--itemsets",
               fixture("tricky/csv/freqItemsets"), "-o", out, "--max-rules-per-antecedent", "2"});
  CHECK(text.status == 0);
  CHECK(contains(text.out, "with an antecedent of 3+ items"));
  CHECK(contains(text.out, "beyond 2 per antecedent"));

  // Failures: exit 2, the file and line named, the previous bundle untouched, no temp left.
  bltest::write_file(out, good);
  const SparkDirs broken(MiniModel().itemsets,
                         {MiniModel().rules[0], R"({"antecedent":["a"],"consequent":["b"])"});
  bltest::TempDir empty;
  bltest::write_file(empty.file("_SUCCESS"), "");
  const std::vector<std::pair<std::vector<std::string>, std::string>> failures = {
      {{"--rules", broken.rules, "--itemsets", broken.itemsets}, "part-00000.json:2: column"},
      {{"--rules", empty.path().string(), "--itemsets", itemsets}, "no part-* files"},
      {{"--rules", rules, "--itemsets", dir.file("missing")}, "no such file or directory"},
      {{"--rules", rules, "--itemsets", itemsets, "--transactions", "299"}, "implies N = 300"},
      {{"--rules", rules}, "expected --rules PATH, --itemsets PATH and -o"},
      {{"--rules", rules, "--itemsets", itemsets, "--catalog", dir.file("nope.csv")}, "nope.csv"},
      {{"--rules", rules, "--itemsets", itemsets, "--learned", "3"}, "--learned: needs --pairs"},
      {{"--rules", rules, "--itemsets", itemsets, "--pairs", dir.file("gone")},
       "no such file or directory"},
      {{"--rules", rules, "--itemsets", itemsets, "--pairs", broken.itemsets}, "has no row"},
      {{"--rules", rules, "--itemsets", itemsets, "--pairs", pairs, "--learned-lambda", "0"},
       "--learned-lambda: expected a positive number"},
  };
  for (const auto& [args, message] : failures) {
    std::vector<std::string> argv = {"import-spark"};
    argv.insert(argv.end(), args.begin(), args.end());
    if (args.size() > 2) argv.insert(argv.end(), {"-o", out});
    const auto r = run_cli(argv);
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, message));
    CHECK(bltest::read_file(out) == good);
    CHECK(dir.entries() == std::vector<std::string>{"rules.blb"});
  }
  const auto fresh = dir.file("fresh.blb");
  CHECK(
      run_cli({"import-spark", "--rules", broken.rules, "--itemsets", broken.itemsets, "-o", fresh})
          .status == 2);
  CHECK_FALSE(fs::exists(fresh));
  CHECK(dir.entries() == std::vector<std::string>{"rules.blb"});
}

TEST_CASE("spark: a gzip part file cut short is an error naming it, not fewer rules", "[spark]") {
  bltest::TempDir dir;
  const auto copy = dir.file("json-gz");
  fs::copy(kFixtures / "groceries" / "json-gz", copy, fs::copy_options::recursive);
  SparkImportOptions o;
  o.rules_path = copy + "/associationRules";
  o.itemsets_path = copy + "/freqItemsets";
  REQUIRE(import_spark(o, "now").report.rules > 0);
  for (const auto& part : spark_part_files(o.rules_path)) {
    const auto packed = bltest::read_file(part);
    REQUIRE(packed.size() > 100);
    bltest::write_file(part, packed.substr(0, packed.size() - 20));
    try {
      import_spark(o, "now");
      FAIL("a truncated part file was imported");
    } catch (const InputError& e) {
      CHECK(contains(e.what(), part + ": byte " + std::to_string(packed.size() - 20) +
                                   ": truncated gzip data"));
    }
    bltest::write_file(part, packed);
  }
}
