// Sharded bundles (issue 22): every part is a valid bundle, a reader with the shards of its cart
// answers exactly as the single file of the same mining run, and says so when it cannot.
#include <sys/resource.h>

#include <filesystem>
#include <random>
#include <set>

#include "bundle/shards.hpp"
#include "ingest/catalog.hpp"
#include "io/files.hpp"
#include "mine/bundle_content.hpp"
#include "mine/mine.hpp"
#include "score/next_purchase.hpp"
#include "score/recommend.hpp"
#include "score/upsell.hpp"
#include "scoring_util.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

// One answer with labels for ids, comparable across bundles whose ids differ.
struct Answer {
  std::string item, reason;
  RecommendationKind kind;
  double score, confidence, lift;
  std::vector<std::string> because;
  bool operator==(const Answer&) const = default;
};

std::vector<Answer> answers(const Bundle& b, const Scorer& scorer,
                            std::span<const Recommendation> results) {
  std::vector<Answer> out;
  for (const auto& r : results) {
    Answer a{std::string(b.label(r.item)),
             r.reason == kNoItem ? "" : std::string(b.label(r.reason)),
             r.kind,
             r.score,
             r.confidence,
             r.lift,
             {}};
    for (auto x : scorer.because(r)) a.because.emplace_back(b.label(x));
    out.push_back(a);
  }
  return out;
}

std::vector<std::uint32_t> ids(const Bundle& b, const std::vector<std::string>& labels) {
  std::vector<std::uint32_t> out;
  for (const auto& l : labels)
    if (auto id = b.find(l); id < b.item_count()) out.push_back(id);
  return out;
}

// A reader of a sharded bundle as a page is: the global part, then the parts its requests need.
struct Reader {
  const ShardedBundle& files;
  std::unique_ptr<ShardSet> set;
  std::size_t fetched = 0;
  explicit Reader(const ShardedBundle& f) : files(f) {
    std::string error;
    set = ShardSet::open(files.parts.front().bytes, error);
    REQUIRE(set);
  }
  void fetch(const std::vector<std::pair<PartKind, std::uint32_t>>& parts) {
    for (const auto& [kind, index] : parts) {
      const auto path = set->path(kind, index);
      const auto file = std::find_if(files.parts.begin(), files.parts.end(),
                                     [&](const PartFile& p) { return p.path == path; });
      REQUIRE(file != files.parts.end());
      std::string error;
      const bool added = set->add(kind, index, file->bytes, error);
      INFO(error);
      REQUIRE(added);
      ++fetched;
    }
  }
  void need(const std::vector<std::string>& labels) {
    std::vector<std::string_view> views(labels.begin(), labels.end());
    fetch(set->missing_for(views));
  }
  // Until the category answer (or upsell) has what it reads for `label`'s category.
  void need_category_of(const std::string& label, bool upsell) {
    for (;;) {
      const auto missing = set->missing_for_category_of(bundle().find(label), upsell);
      if (missing.empty()) return;
      fetch(missing);
    }
  }
  const Bundle& bundle() {
    std::string error;
    const Bundle* b = set->bundle(error);
    REQUIRE(b);
    return *b;
  }
};

struct Counts {
  std::size_t carts = 0, answers = 0, second_round = 0, popular_pages = 0;
};

// Random carts of 1-6 items of real baskets, half with a history of 8 random items: recommend
// (with and without the widget's family limit), upsell of each cart item and next purchases on
// the sharded bundle equal the whole bundle's, and none is incomplete.
Counts check_equal(const BundleContent& content,
                   const std::vector<std::vector<std::string>>& baskets,
                   const ShardOptions& options, int carts, unsigned seed) {
  std::string error;
  auto whole = Bundle::load(encode_bundle(content), error);
  REQUIRE(whole);
  const auto files = shard_bundle(content, options);
  Scorer whole_scorer(*whole);
  std::mt19937 rng(seed);
  Counts counts;
  for (int round = 0; round < carts; ++round) {
    const auto& basket = baskets[rng() % baskets.size()];
    std::vector<std::string> cart, history;
    for (std::size_t k = 0, take = 1 + rng() % 6; k < take; ++k)
      cart.push_back(basket[rng() % basket.size()]);
    if (rng() % 2)
      for (int k = 0; k < 8; ++k)
        history.emplace_back(whole->label(static_cast<std::uint32_t>(rng() % whole->item_count())));
    CAPTURE(round, cart, history);
    Reader reader(files);
    reader.need(cart);
    reader.need(history);
    const auto whole_cart = ids(*whole, cart), whole_history = ids(*whole, history);
    for (std::uint32_t limit : {0u, 1u}) {
      // 16 results, the category head: with one per family, fills run past the popular head.
      auto request = bltest::request_for(whole_cart, whole_history, {}, 10 + 6 * limit);
      request.max_per_family = limit;
      const auto expected = answers(*whole, whole_scorer, whole_scorer.recommend(request));
      // As a page does: score with what is here; when the scorer says it needed more (the
      // category answer ran), fetch the cart's category parts and score again.
      auto score = [&](std::uint32_t& incomplete) {
        const Bundle& part = reader.bundle();
        Scorer scorer(part);
        const auto part_cart = ids(part, cart), part_history = ids(part, history);
        request.cart = part_cart;
        request.history = part_history;
        auto got = answers(part, scorer, scorer.recommend(request));
        incomplete = scorer.incomplete();
        return got;
      };
      std::uint32_t incomplete = 0;
      auto got = score(incomplete);
      if (incomplete) {
        ++counts.second_round;
        for (const auto& label : cart) reader.need_category_of(label, false);
        got = score(incomplete);
      }
      // A fill past the popular head: the next pages of the popular order, one at a time.
      for (std::uint32_t page;
           (incomplete & Scorer::kMorePopular) && (page = reader.set->next_popular_page());) {
        ++counts.popular_pages;
        reader.fetch({{PartKind::Popular, page}});
        got = score(incomplete);
      }
      REQUIRE_FALSE(incomplete);
      REQUIRE(got == expected);
      counts.answers += got.size();
    }
    const Bundle& part = reader.bundle();
    const auto part_cart = ids(part, cart), part_history = ids(part, history);
    std::vector<PurchaseEvent> whole_events, part_events;
    for (std::size_t k = 0; k < whole_history.size(); ++k) {
      whole_events.push_back({whole_history[k], 15000 + static_cast<std::int32_t>(k % 3) * 20});
      part_events.push_back({part_history[k], 15000 + static_cast<std::int32_t>(k % 3) * 20});
    }
    NextPurchaseRequest next;
    next.as_of = 15070;
    next.history = whole_events;
    const auto expected_next = next_purchases(*whole, next);
    next.history = part_events;
    REQUIRE(next_purchases_complete(part, part_events));
    const auto got_next = next_purchases(part, next);
    REQUIRE(got_next.size() == expected_next.size());
    for (std::size_t k = 0; k < got_next.size(); ++k) {
      CHECK(part.label(got_next[k].item) == whole->label(expected_next[k].item));
      CHECK(got_next[k].probability == expected_next[k].probability);
    }
    // Upsell reads the item's whole category: its category part, then the shards it lists.
    reader.need_category_of(cart.front(), true);
    const Bundle& upsell_part = reader.bundle();
    const auto up_item = upsell_part.find(cart.front());
    REQUIRE(upsell_complete(upsell_part, up_item));
    UpsellRequest up;
    up.item = whole_cart.front();
    const auto expected_up = upsell(*whole, up);
    up.item = up_item;
    const auto got_up = upsell(upsell_part, up);
    REQUIRE(got_up.size() == expected_up.size());
    for (std::size_t k = 0; k < got_up.size(); ++k) {
      CHECK(upsell_part.label(got_up[k].item) == whole->label(expected_up[k].item));
      CHECK(got_up[k].score == expected_up[k].score);
    }
    ++counts.carts;
  }
  return counts;
}

// A category answer that runs past a part's category head (2 items here) says kMoreCategory,
// which pages of the popular order do not cure: a reader that fetches pages only while the
// scorer says kMorePopular fetches a few, not every page (as it did while both were one flag),
// and the answer equals the whole bundle's whenever the scorer says nothing.
void check_category_head(const BundleContent& content,
                         const std::vector<std::vector<std::string>>& baskets, int carts,
                         unsigned seed) {
  std::string error;
  auto whole = Bundle::load(encode_bundle(content), error);
  REQUIRE(whole);
  ShardOptions options;
  options.category_head = 2;
  options.popular_head = 64;
  const auto files = shard_bundle(content, options);
  Scorer whole_scorer(*whole);
  std::mt19937 rng(seed);
  std::size_t short_heads = 0, equal = 0;
  std::uint32_t most_pages = 0;
  std::size_t category_answers = 0;
  for (int round = 0; round < carts; ++round) {
    const auto& basket = baskets[rng() % baskets.size()];
    std::vector<std::string> cart;
    for (std::size_t k = 0, take = 1 + rng() % 3; k < take; ++k)
      cart.push_back(basket[rng() % basket.size()]);
    CAPTURE(round, cart);
    Reader reader(files);
    reader.need(cart);
    for (const auto& label : cart) reader.need_category_of(label, false);
    const auto whole_cart = ids(*whole, cart);
    auto request = bltest::request_for(whole_cart, {}, {}, 40);
    const auto expected = answers(*whole, whole_scorer, whole_scorer.recommend(request));
    std::uint32_t incomplete = 0, pages = 0;
    std::vector<std::uint32_t> part_cart;
    auto score = [&] {
      const Bundle& part = reader.bundle();
      Scorer scorer(part);
      part_cart = ids(part, cart);
      request.cart = part_cart;
      auto got = answers(part, scorer, scorer.recommend(request));
      incomplete = scorer.incomplete();
      return got;
    };
    auto got = score();
    for (std::uint32_t page;
         (incomplete & Scorer::kMorePopular) && (page = reader.set->next_popular_page());) {
      ++pages;
      reader.fetch({{PartKind::Popular, page}});
      got = score();
    }
    most_pages = std::max(most_pages, pages);
    for (const auto& a : expected)
      if (a.kind == RecommendationKind::Category) ++category_answers;
    if (incomplete) {
      ++short_heads;
      CHECK(incomplete == Scorer::kMoreCategory);
    } else {
      ++equal;
      CHECK(got == expected);
    }
  }
  CHECK(category_answers > 0);
  CHECK(short_heads > 0);
  CHECK(equal > 0);
  const auto all_pages = Reader(files).set->popular_pages();
  CAPTURE(most_pages, all_pages);
  CHECK(most_pages * 4 < all_pages);
}

std::vector<std::vector<std::string>> labelled(const TransactionDb& db) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t t = 0; t < db.size(); ++t) {
    std::vector<std::string> basket;
    for (auto item : db.basket(t)) basket.emplace_back(db.items.label(item));
    if (!basket.empty()) out.push_back(std::move(basket));
  }
  return out;
}

// shop_baskets() mined at min count 2, as a bundle's content. Without learned weights: on 8
// items they reach every item from any cart, and these tests need carts that run out of
// candidates (the popular fill past the head); the data-set tests below have them.
BundleContent shop_content() {
  MineOptions opt;
  opt.min_count = 2;
  opt.learned_per_item = 0;
  return make_bundle_content(bltest::mined_shop(), opt, "shop", "T");
}

TEST_CASE("every part of a sharded bundle is a valid bundle of the same run", "[shards]") {
  const auto content = shop_content();
  ShardOptions options;
  options.shards = 3;
  const auto files = shard_bundle(content, options);
  REQUIRE(files.parts.size() == 4);  // global + 3 shards (no catalog: no category parts)
  std::string error;
  auto global = Bundle::load_part(files.parts[0].bytes, error);
  REQUIRE(global);
  // A part is not a whole bundle: the plain reader refuses it rather than answer from a part.
  CHECK_FALSE(Bundle::load(files.parts[0].bytes, error));
  CHECK(error == "invalid bundle: a part of a sharded bundle: load its manifest.json instead");
  CHECK(global->part().kind == PartKind::Global);
  CHECK(global->part().total_items == content.labels.size());
  CHECK(global->part().shard_count == 3);
  CHECK(files.parts[0].path == part_path(global->part().run, PartKind::Global, 0));
  std::size_t owned = 0, pairs = 0;
  for (std::uint32_t s = 0; s < 3; ++s) {
    const auto& file = files.parts[1 + s];
    CHECK(file.path == part_path(global->part().run, PartKind::Shard, s));
    auto part = Bundle::load_part(file.bytes, error);
    REQUIRE(part);
    CHECK(part->part().run == global->part().run);
    for (std::uint32_t i = 0; i < part->item_count(); ++i)
      if (part->complete(i)) {
        ++owned;
        CHECK(shard_of(part->label(i), 3) == s);
        // From the manifest alone (the global part's path and the count), the same file.
        CHECK(shard_path(files.parts[0].path, 3, part->label(i)) == file.path);
      }
    // A pair's rules travel with its larger (less popular) item, so the best seller's shard
    // does not hold a pair for every item bought with it.
    for (std::uint32_t a = 0; a < part->item_count(); ++a)
      part->for_each_pair(a, [&](std::uint32_t b, std::uint32_t, auto) {
        ++pairs;
        CHECK(part->complete(b));
      });
  }
  CHECK(owned == content.labels.size());  // each item's lists are in exactly one shard
  std::set<std::pair<std::uint32_t, std::uint32_t>> whole_pairs;
  for (const auto& p : content.pair_rules) whole_pairs.insert({p.a, p.b});
  CHECK(pairs > 0);
  CHECK(pairs == whole_pairs.size());  // and each pair in exactly one
  CHECK(bltest::contains(files.manifest, "\"global\": \"" + files.parts[0].path + "\""));
  CHECK(bltest::contains(files.manifest, "\"format\": \"basketlift-sharded-bundle\""));
  // Another cut of other content is another run: every file name changes.
  auto changed = content;
  changed.popularity[0] += 1;
  CHECK(shard_bundle(changed, options).parts[1].path != files.parts[1].path);
}

TEST_CASE("shard writes more parts than the process may hold files open", "[shards][cli]") {
  // 300 items, a shard each: 300 shards, the global part, a popular page and the manifest.
  BundleContent content;
  content.transactions = 1000;
  for (std::uint32_t i = 0; i < 300; ++i) {
    content.labels.push_back("item" + std::to_string(i));
    content.popularity.push_back(1 + i % 7);
  }
  bltest::TempDir dir;
  write_bundle(dir.file("rules.blb"), content);
  rlimit before{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &before) == 0);
  rlimit low = before;
  low.rlim_cur = 64;  // the CLI inherits it
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  const auto r = bltest::run_cli(
      {"shard", dir.file("rules.blb"), "--out", dir.file("shards"), "--shard-count", "300"});
  REQUIRE(setrlimit(RLIMIT_NOFILE, &before) == 0);
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::size_t parts = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.file("shards")))
    parts += e.is_regular_file() && e.path().extension() == ".blb";
  CHECK(parts == 302);
}

TEST_CASE("a sharded bundle answers as the single file once its cart's shards are there",
          "[shards]") {
  const auto content = shop_content();
  ShardOptions options;
  options.shards = 4;
  options.popular_head = 2;
  const auto files = shard_bundle(content, options);
  std::string error;
  auto whole = Bundle::load(encode_bundle(content), error);
  Scorer whole_scorer(*whole);

  Reader reader(files);
  // Only the global part: the cart item is known (the popular head holds it) but its rules are
  // not here, which the scorer reports rather than answering from the fill.
  const std::string first(whole->label(whole->popular_order().front()));
  {
    const Bundle& part = reader.bundle();
    Scorer scorer(part);
    const auto cart = ids(part, {first});
    REQUIRE(cart.size() == 1);
    scorer.recommend(bltest::request_for(cart, {}, {}, 3));
    CHECK((scorer.incomplete() & Scorer::kMissingLists));
  }
  // Every cart of one or two items, with all shards: equal to the whole bundle whenever the
  // answer stays inside the popular head of 2, and incomplete exactly when it does not.
  for (std::uint32_t s = 0; s < reader.set->info().shard_count; ++s)
    reader.fetch({{PartKind::Shard, s}});
  const Bundle& part = reader.bundle();
  Scorer scorer(part);
  std::size_t equal = 0, incomplete = 0;
  for (std::uint32_t a = 0; a < whole->item_count(); ++a)
    for (std::uint32_t b = a; b < whole->item_count(); ++b) {
      std::vector<std::string> cart{std::string(whole->label(a))};
      if (b != a) cart.emplace_back(whole->label(b));
      const auto wc = ids(*whole, cart), pc = ids(part, cart);
      const auto expected =
          answers(*whole, whole_scorer, whole_scorer.recommend(bltest::request_for(wc, {}, {}, 3)));
      const auto got = answers(part, scorer, scorer.recommend(bltest::request_for(pc, {}, {}, 3)));
      const bool needs_fill_beyond_head =
          std::any_of(expected.begin(), expected.end(),
                      [&](const Answer& x) {
                        return x.kind == RecommendationKind::Popular &&
                               whole->popular_order()[0] != whole->find(x.item) &&
                               whole->popular_order()[1] != whole->find(x.item);
                      }) ||
          expected.size() < 3;
      CAPTURE(cart);
      if (scorer.incomplete()) {
        ++incomplete;
        CHECK(scorer.incomplete() == Scorer::kMorePopular);  // no catalog: no category answer
        CHECK(needs_fill_beyond_head);
      } else {
        ++equal;
        CHECK(got == expected);
      }
    }
  CHECK(equal > 0);
  CHECK(incomplete > 0);
}

TEST_CASE("a part is refused unless it is that part of the same run", "[shards]") {
  auto content = shop_content();
  ShardOptions options;
  options.shards = 2;
  const auto files = shard_bundle(content, options);
  content.popularity[0] += 1;  // another run of the same data
  const auto other = shard_bundle(content, options);
  std::string error;
  auto set = ShardSet::open(files.parts[0].bytes, error);
  REQUIRE(set);
  const auto shard0 = set->path(PartKind::Shard, 0);
  CHECK_FALSE(set->add(PartKind::Shard, 0, other.parts[1].bytes, error));
  CHECK(error == shard0 + ": not that part of this bundle (a file of another run, or misplaced)");
  CHECK_FALSE(set->add(PartKind::Shard, 1, files.parts[1].bytes, error));  // shard 0's bytes
  CHECK_FALSE(set->add(PartKind::Shard, 2, files.parts[1].bytes, error));
  CHECK(bltest::contains(error, ": no such part in this bundle"));
  CHECK_FALSE(set->add(PartKind::Global, 0, files.parts[0].bytes, error));
  auto damaged = files.parts[2].bytes;
  damaged.back() ^= 1;
  CHECK_FALSE(set->add(PartKind::Shard, 1, damaged, error));
  CHECK(bltest::contains(error, set->path(PartKind::Shard, 1) + ": "));
  CHECK(bltest::contains(error, "checksum"));
  CHECK_FALSE(set->has(PartKind::Shard, 1));
  CHECK(set->add(PartKind::Shard, 1, files.parts[2].bytes, error));
  CHECK(set->has(PartKind::Shard, 1));
  CHECK_FALSE(ShardSet::open(files.parts[1].bytes, error));
  CHECK(error == "not the global part of a sharded bundle");
}

TEST_CASE("Online Retail: a sharded bundle answers 300 random carts as the single file",
          "[shards][large][retail]") {
  const char* kOnlineRetail = "online-retail/online_retail.csv.gz";
  BLTEST_SKIP_WITHOUT_DATA(kOnlineRetail);
  const auto path = bltest::data_file(kOnlineRetail);
  const auto catalog = bltest::derived_catalog(path);
  MineOptions opt;
  bltest::online_retail_columns(opt.ingest);
  opt.min_support = parse_fraction("0.005", "--min-support");
  opt.rules.min_confidence = parse_fraction("0.3", "--min-confidence");
  opt.threads = opt.ingest.threads = 2;
  const auto mined = mine(path, opt);
  const auto content = make_bundle_content(mined, opt, "online_retail.csv.gz", "T", &catalog);
  REQUIRE_FALSE(content.learned.empty());  // cut into the shards and merged back too
  const auto counts = check_equal(content, labelled(mined.data.db), ShardOptions{}, 300, 22);
  CHECK(counts.carts == 300);
  CHECK(counts.answers >= 300 * 2 * 10);
  CHECK(counts.second_round > 0);  // some carts did need their category parts
  check_category_head(content, labelled(mined.data.db), 100, 25);
}

TEST_CASE("retail.dat: a sharded bundle answers 300 random carts as the single file",
          "[shards][large]") {
  const char* kRetail = "fimi/retail.dat";
  BLTEST_SKIP_WITHOUT_DATA(kRetail);
  MineOptions opt;
  opt.ingest.format = InputFormat::Basket;
  opt.min_support = parse_fraction("0.001", "--min-support");
  opt.threads = opt.ingest.threads = 2;
  const auto mined = mine(bltest::data_file(kRetail), opt);
  const auto content = make_bundle_content(mined, opt, "retail.dat", "T");
  REQUIRE_FALSE(content.learned.empty());
  const auto counts = check_equal(content, labelled(mined.data.db), ShardOptions{}, 300, 23);
  CHECK(counts.carts == 300);
  CHECK(counts.answers >= 300 * 2 * 10);
  // A popular head of 8: fills of 10 or 16 items run past it, into the pages.
  ShardOptions small_head;
  small_head.popular_head = 8;
  const auto paged = check_equal(content, labelled(mined.data.db), small_head, 50, 24);
  CHECK(paged.popular_pages > 0);
}

}  // namespace
