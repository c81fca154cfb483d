// Streaming, block-wise, multi-threaded ingest (issue 6, "Large logs") against references
// written here:
// - CsvBoundaryScanner + CsvBlockParser (blocks cut anywhere a record may end, fed in random
//   pieces) read random byte soups of quotes, delimiters, CR and LF exactly as one CsvReader
//   does: the same records, fields and lines, and the same error at the same place;
// - read_transactions on random order logs (orders spread over the file, repeated items,
//   quantities, empty fields, users and dates, CRLF, quoted line breaks, malformed rows) gives
//   the baskets, stats, users, days and error messages of a plain one-row-at-a-time reader, for
//   1, 2 and 4 threads and block sizes from 1 byte to 1 MiB;
// - identical baskets are stored once (weighted rows) without changing what any basket holds,
//   also when orders come back block after block and dead rows get compacted;
// - on Online Retail, retail.dat and groceries, every thread count gives the same database.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>

#include "csv_records.hpp"
#include "ingest/input_file.hpp"
#include "ingest/order_log.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "test_util.hpp"

namespace {

using namespace basketlift;

// ---------------------------------------------------------------------------------------------
// CSV records: CsvReader vs scanner-cut blocks.

using bltest::read_with_blocks;
using bltest::read_with_csv_reader;
using bltest::Records;

std::string show(const std::string& s) {
  std::string out;
  for (char c : s)
    out += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Order logs: a plain reader (the pre-streaming algorithm, one CsvReader row at a time).

struct Expected {
  std::vector<std::vector<std::string>> baskets;  // per order, first appearance order; sorted
  std::vector<std::string> users;                 // per order ("" for none)
  std::vector<std::int32_t> days;
  IngestStats stats;
  std::string error;
};

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

Expected reference_read(const std::string& path, const IngestOptions& opt) {
  Expected out;
  try {
    InputFile in(path);
    CsvReader csv(in);
    if (!csv.next()) throw InputError(path + ": empty file (no header line)");
    auto col = [&](const std::string& name) {
      for (std::size_t i = 0; i < csv.size(); ++i)
        if (trim(csv.field(i)) == name) return i;
      throw std::logic_error("test log without column " + name);
    };
    const auto order_at = col(opt.order_col), item_at = col(opt.item_col);
    const bool has_qty = !opt.quantity_col.empty(), has_user = !opt.user_col.empty(),
               has_date = !opt.date_col.empty();
    const auto qty_at = has_qty ? col(opt.quantity_col) : 0;
    const auto user_at = has_user ? col(opt.user_col) : 0;
    const auto date_at = has_date ? col(opt.date_col) : 0;
    const auto needed = std::max({order_at, item_at, qty_at, user_at, date_at}) + 1;
    std::map<std::string, std::size_t, std::less<>> orders;
    std::vector<std::vector<std::string>> raw;
    while (csv.next()) {
      ++out.stats.lines;
      if (csv.size() < needed) {
        throw InputError(at_line(path, csv.line(),
                                 "row has " + std::to_string(csv.size()) +
                                     " fields, expected at least " + std::to_string(needed)));
      }
      if (has_qty) {
        auto t = trim(csv.field(qty_at));
        if (!t.empty() && t.front() == '+') t.remove_prefix(1);
        double v = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) {
          throw InputError(at_line(path, csv.line(),
                                   "invalid number '" + std::string(csv.field(qty_at)) +
                                       "' in column '" + opt.quantity_col +
                                       "' (expected a finite decimal number)"));
        }
        if (v <= 0) {
          ++out.stats.skipped_quantity;
          continue;
        }
      }
      const auto order = trim(csv.field(order_at)), item = trim(csv.field(item_at));
      if (order.empty() || item.empty()) {
        ++out.stats.skipped_empty;
        continue;
      }
      auto [it, fresh] = orders.try_emplace(std::string(order), raw.size());
      if (fresh) {
        raw.emplace_back();
        if (has_user || has_date) {
          out.users.emplace_back(has_user ? trim(csv.field(user_at)) : "");
          std::int32_t day = 0;
          if (has_date && !parse_day(trim(csv.field(date_at)), day)) {
            throw InputError(at_line(path, csv.line(),
                                     "invalid date '" + std::string(csv.field(date_at)) +
                                         "' in column '" + opt.date_col + "' (expected " +
                                         kDayForms + ")"));
          }
          out.days.push_back(day);
        }
      }
      raw[it->second].emplace_back(item);
    }
    for (auto& b : raw) {
      std::sort(b.begin(), b.end());
      const auto end = std::unique(b.begin(), b.end());
      out.stats.duplicates += static_cast<std::uint64_t>(b.end() - end);
      b.erase(end, b.end());
    }
    out.baskets = std::move(raw);
    if (out.baskets.empty()) {
      throw InputError(path + ": no baskets (" + std::to_string(out.stats.lines) + " rows, " +
                       std::to_string(out.stats.skipped_quantity + out.stats.skipped_empty) +
                       " skipped)");
    }
  } catch (const InputError& e) {
    out.error = e.what();
  }
  return out;
}

// What read_transactions gave, in the same terms.
Expected actual_read(const std::string& path, const IngestOptions& opt, Ingested* keep = nullptr) {
  Expected out;
  try {
    auto in = read_transactions(path, opt);
    for (std::size_t b = 0; b < in.db.size(); ++b) {
      std::vector<std::string> labels;
      for (auto id : in.db.basket(b)) labels.push_back(in.db.items.label(id));
      std::sort(labels.begin(), labels.end());
      out.baskets.push_back(std::move(labels));
    }
    for (auto u : in.basket_user) out.users.push_back(u == kNoUser ? "" : in.users.label(u));
    out.days = in.basket_day;
    out.stats = in.stats;
    // The weighted rows add up: each basket points at a row, weights count the baskets.
    if (!in.db.basket_row.empty()) {
      std::vector<std::uint32_t> seen(in.db.rows(), 0);
      for (auto r : in.db.basket_row) ++seen[r];
      CHECK(seen == in.db.row_weight);
    }
    if (keep) *keep = std::move(in);
  } catch (const InputError& e) {
    out.error = e.what();
  }
  return out;
}

void require_same(const Expected& want, const Expected& got) {
  REQUIRE(got.error == want.error);
  if (!want.error.empty()) return;
  REQUIRE(got.baskets == want.baskets);
  CHECK(got.users == want.users);
  CHECK(got.days == want.days);
  CHECK(got.stats.lines == want.stats.lines);
  CHECK(got.stats.skipped_quantity == want.stats.skipped_quantity);
  CHECK(got.stats.skipped_empty == want.stats.skipped_empty);
  CHECK(got.stats.duplicates == want.stats.duplicates);
}

// A random order log; `broken` adds one malformed row somewhere.
std::string random_log(std::mt19937& rng, std::size_t rows, bool broken) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const char* eol[] = {"\n", "\r\n"};
  const std::string nl = eol[pick(2)];
  std::string s = "order_id,item_id,qty,user,date" + nl;
  const std::size_t orders = 1 + pick(rows / 2 + 1);
  const std::size_t break_at = broken ? pick(rows + 1) : SIZE_MAX;
  std::size_t order = pick(orders);
  for (std::size_t r = 0; r < rows; ++r) {
    if (pick(4) == 0) order = pick(orders);           // runs of one order, sometimes interleaved
    if (pick(20) == 0) s += pick(2) ? "\n" : "\r\n";  // blank line
    std::string o = "o" + std::to_string(order);
    if (pick(30) == 0) o = "";
    if (pick(15) == 0) o = " " + o + "\t";
    std::string item;
    switch (pick(6)) {
      case 0:
        item = "\"i," + std::to_string(pick(12)) + "\"";
        break;
      case 1:
        item = "\"i \"\"" + std::to_string(pick(12)) + "\"\"\"";
        break;
      case 2:
        item = "\"i\n" + std::to_string(pick(4)) + "\"";
        break;
      case 3:
        item = pick(10) ? "i" + std::to_string(pick(30)) : "";
        break;
      default:
        item = "i" + std::to_string(pick(12));
    }
    const char* qty[] = {"1", "2", "0", "-1", "+3", " 4 ", "1.5", "-0"};
    const char* user[] = {"u1", "u2", "", "17850.0"};
    std::string date = "2011-0" + std::to_string(1 + pick(9)) + "-1" + std::to_string(pick(10)) +
                       (pick(2) ? " 10:00:00" : "");
    std::string row = o + "," + item + "," + qty[pick(8)] + "," + user[pick(4)] + "," + date;
    if (r == break_at) {
      switch (pick(5)) {
        case 0:
          row = o + "," + item;  // too few fields
          break;
        case 1:
          row = o + ",x,abc,u,2011-01-01";  // bad quantity
          break;
        case 2:
          row = o + ",\"x\"y,1,u,2011-01-01";  // character after a closing quote
          break;
        case 3:
          row = "onew" + std::to_string(r) + ",x,1,u,2011-13-45";  // bad date on a new order
          break;
        default:
          row = o + ",\"never closed,1,u,2011-01-01";
      }
    }
    s += row;
    if (r + 1 < rows || pick(2)) s += pick(5) ? nl : std::string(eol[pick(2)]);
  }
  return s;
}

}  // namespace

TEST_CASE("csv blocks: scanner cuts and block parser agree with CsvReader", "[ingest][large]") {
  bltest::TempDir dir;
  const auto path = dir.file("soup.csv");
  std::mt19937 rng(20240611);
  const char alphabet[] = {'a', 'b', ',', ',', '"', '"', '\n', '\r', ' '};
  for (int round = 0; round < 1000; ++round) {
    std::string text;
    const std::size_t n = rng() % 120;
    for (std::size_t k = 0; k < n; ++k) text += alphabet[rng() % sizeof alphabet];
    bltest::write_file(path, text);
    const auto want = read_with_csv_reader(path);
    for (int cut = 0; cut < 6; ++cut) {
      INFO("input: " << show(text));
      const auto got = read_with_blocks(path, text, rng);
      REQUIRE(got.error == want.error);
      REQUIRE(got.fields == want.fields);
      REQUIRE(got.lines == want.lines);
      // Skipping trailing fields changes nothing but the fields returned.
      const std::size_t wanted = 1 + rng() % 3;
      CAPTURE(wanted);
      auto truncated = want;
      for (auto& f : truncated.fields)
        if (f.size() > wanted) f.resize(wanted);
      const auto skipped = read_with_blocks(path, text, rng, wanted);
      REQUIRE(skipped.error == truncated.error);
      REQUIRE(skipped.fields == truncated.fields);
      REQUIRE(skipped.lines == truncated.lines);
    }
  }
}

TEST_CASE("ingest: any thread count and block size reads a random log like a plain reader",
          "[ingest][large]") {
  bltest::TempDir dir;
  std::mt19937 rng(7);
  for (int round = 0; round < 150; ++round) {
    const bool broken = round % 3 == 2;
    const auto text = random_log(rng, 1 + rng() % 400, broken);
    const auto path = dir.file("log" + std::to_string(round % 2) + ".csv");
    bltest::write_file(path, text);
    IngestOptions opt;
    opt.format = InputFormat::Csv;
    if (round % 2) opt.quantity_col = "qty";
    if (round % 4 < 2) {
      opt.user_col = "user";
      opt.date_col = "date";
    }
    const auto want = reference_read(path, opt);
    for (unsigned threads : {1u, 2u, 4u}) {
      for (std::size_t block :
           {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{1} << 20}) {
        INFO("round " << round << ", threads " << threads << ", block " << block << ", log:\n"
                      << text);
        opt.threads = threads;
        opt.block_bytes = block;
        require_same(want, actual_read(path, opt));
      }
    }
  }
}

TEST_CASE("ingest: identical baskets are stored once, each order keeps its own",
          "[ingest][large]") {
  bltest::TempDir dir;
  const auto path = dir.file("repeat.csv");
  // o1 and o3 hold {a, b}, o2 and o4 hold {c}; o3 arrives in two pieces around o4.
  bltest::write_file(path,
                     "order_id,item_id\n"
                     "o1,a\no1,b\no2,c\no3,b\no4,c\no3,a\no5,a\n");
  for (std::size_t block : {std::size_t{1}, std::size_t{5}, std::size_t{1} << 20}) {
    IngestOptions opt;
    opt.block_bytes = block;
    const auto in = read_transactions(path, opt);
    REQUIRE(in.db.size() == 5);
    CHECK(in.db.rows() == 3);  // {a, b}, {c}, {a}
    auto labels = [&](std::size_t b) {
      std::vector<std::string> out;
      for (auto id : in.db.basket(b)) out.push_back(in.db.items.label(id));
      std::sort(out.begin(), out.end());
      return out;
    };
    using L = std::vector<std::string>;
    CHECK(labels(0) == L{"a", "b"});
    CHECK(labels(1) == L{"c"});
    CHECK(labels(2) == L{"a", "b"});
    CHECK(labels(3) == L{"c"});
    CHECK(labels(4) == L{"a"});
    // Rows are numbered by the first basket holding them, whatever the block size.
    CHECK(in.db.basket_row == std::vector<std::uint32_t>{0, 1, 0, 1, 2});
    CHECK(in.db.row_weight == std::vector<std::uint32_t>{2, 2, 1});
    CHECK(in.db.support[in.db.items.find("a")] == 3);
    CHECK(in.db.support[in.db.items.find("c")] == 2);
  }
}

TEST_CASE("ingest: orders scattered over many blocks, with dead rows compacted",
          "[ingest][large]") {
  // 300,000 rows of 15,000 orders, shuffled, read in 4 KiB blocks: every order is reopened
  // many times, which leaves millions of items in dead rows along the way.
  bltest::TempDir dir;
  const auto path = dir.file("shuffled.csv");
  std::mt19937 rng(99);
  std::vector<std::pair<int, int>> rows;
  for (int o = 0; o < 15000; ++o)
    for (int k = 0; k < 20; ++k) rows.emplace_back(o, static_cast<int>(rng() % 500));
  std::shuffle(rows.begin(), rows.end(), rng);
  std::string text = "order_id,item_id\n";
  for (auto [o, i] : rows) {
    text += "o";
    text += std::to_string(o);
    text += ",i";
    text += std::to_string(i);
    text += '\n';
  }
  bltest::write_file(path, text);
  IngestOptions opt;
  const auto want = reference_read(path, opt);
  for (unsigned threads : {1u, 2u}) {
    CAPTURE(threads);
    opt.threads = threads;
    opt.block_bytes = 4096;
    require_same(want, actual_read(path, opt));
  }
}

TEST_CASE("ingest: Online Retail reads the same with 1, 2 and 4 threads",
          "[ingest][large][retail]") {
  const char* kOnlineRetail = "online-retail/online_retail.csv.gz";
  BLTEST_SKIP_WITHOUT_DATA(kOnlineRetail);
  IngestOptions opt;
  opt.order_col = "InvoiceNo";
  opt.item_col = "StockCode";
  opt.quantity_col = "Quantity";
  opt.user_col = "CustomerID";
  opt.date_col = "InvoiceDate";
  const auto path = bltest::data_file(kOnlineRetail);
  const auto want = reference_read(path, opt);
  REQUIRE(want.error.empty());
  CHECK(want.stats.lines == 541909);
  Ingested one;
  opt.threads = 1;
  require_same(want, actual_read(path, opt, &one));
  CHECK(one.stats.bytes == 48039726);  // the decompressed size (../shared/data/README.md)
  for (unsigned threads : {2u, 4u}) {
    CAPTURE(threads);
    opt.threads = threads;
    opt.block_bytes = threads == 2 ? std::size_t{1} << 16 : std::size_t{1} << 20;
    Ingested many;
    require_same(want, actual_read(path, opt, &many));
    // Not only the same baskets: the same database, array for array.
    CHECK(many.db.items.labels() == one.db.items.labels());
    CHECK(many.db.offsets == one.db.offsets);
    CHECK(many.db.item_ids == one.db.item_ids);
    CHECK(many.db.basket_row == one.db.basket_row);
    CHECK(many.db.row_weight == one.db.row_weight);
    CHECK(many.db.support == one.db.support);
    CHECK(many.users.labels() == one.users.labels());
  }
}

TEST_CASE("ingest: basket files read the same with 1, 2 and 4 threads", "[ingest][large]") {
  for (const char* relative : {"fimi/retail.dat", "groceries/groceries.csv"}) {
    BLTEST_SKIP_WITHOUT_DATA(relative);
    CAPTURE(relative);
    IngestOptions opt;
    const auto one = read_transactions(bltest::data_file(relative), opt);
    CHECK(one.stats.bytes == std::filesystem::file_size(bltest::data_file(relative)));
    for (unsigned threads : {2u, 4u}) {
      CAPTURE(threads);
      opt.threads = threads;
      opt.block_bytes = 1 << 15;
      const auto many = read_transactions(bltest::data_file(relative), opt);
      CHECK(many.stats.lines == one.stats.lines);
      CHECK(many.stats.skipped_empty == one.stats.skipped_empty);
      CHECK(many.db.items.labels() == one.db.items.labels());
      CHECK(many.db.offsets == one.db.offsets);
      CHECK(many.db.item_ids == one.db.item_ids);
      CHECK(many.db.support == one.db.support);
    }
  }
}
