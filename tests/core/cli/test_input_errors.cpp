// Issue 17, "Nothing silently wrong", as the CLI shows it: input that used to be mined (or
// accepted) as if it were fine now exits 2 with a message naming the file and line (or byte,
// or option and value), and writes nothing.
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "test_util.hpp"

namespace {

using bltest::contains;

std::string order_log(int rows) {
  std::string csv = "order_id,item_id\n";
  for (int i = 0; i < rows; ++i) {
    csv += 'o';
    csv += std::to_string(i / 3);
    csv += ",i";
    csv += std::to_string(i * 13 % 101);
    csv += '\n';
  }
  return csv;
}

// Exit 2, every expected text on stderr, nothing on stdout, and no file left in `dir` but
// `inputs` (no output, no temporary).
void expect_refused(const bltest::CliResult& r, const std::vector<std::string>& expected,
                    const bltest::TempDir& dir, const std::vector<std::string>& inputs) {
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  for (const auto& text : expected) CHECK(contains(r.err, text));
  CHECK(dir.entries() == inputs);
}

// The CLI in a child process, optionally under an address-space limit, with its exit status,
// stderr and peak resident memory (from wait4, so only this process counts).
struct Measured {
  int status = -1;
  long peak_kib = 0;
  std::string err;
};
Measured run_measured(const std::vector<std::string>& args, rlim_t address_space = RLIM_INFINITY) {
  bltest::TempDir logs;
  const auto err_path = logs.file("err");
  std::vector<std::string> owned = {BASKETLIFT_CLI};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  // ru_maxrss counts the forked child's pages before exec too, which are this process's: hand
  // back the heap earlier tests freed (an EASE fit leaves hundreds of MB), so only the CLI counts.
  malloc_trim(0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_RDWR);
    if (err < 0 || null < 0) _exit(126);
    dup2(null, 0);
    dup2(null, 1);
    dup2(err, 2);
    const rlimit limit{address_space, address_space};
    if (address_space != RLIM_INFINITY && setrlimit(RLIMIT_AS, &limit) != 0) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  Measured m;
  if (WIFEXITED(status)) m.status = WEXITSTATUS(status);
  m.peak_kib = usage.ru_maxrss;
  m.err = bltest::read_file(err_path);
  return m;
}

// `copies` gzip members of `chunk`: `copies` times its text, for a few KB of file.
std::string repeated_gzip(const std::string& head, const std::string& chunk, int copies) {
  std::string out = bltest::gzip(head);
  const auto member = bltest::gzip(chunk);
  for (int i = 0; i < copies; ++i) out += member;
  return out;
}

}  // namespace

TEST_CASE("cli: a truncated gzip input, catalog or order log exits 2 and writes nothing",
          "[cli][gzip]") {
  bltest::TempDir dir;
  const auto packed = bltest::gzip(order_log(30000));
  const auto cut = std::to_string(packed.size() / 2);
  const auto log = dir.file("orders.csv.gz");
  bltest::write_file(log, packed.substr(0, packed.size() / 2));
  const auto out = dir.file("rules.blb");
  expect_refused(bltest::run_cli({"mine", log, "--min-count", "2", "-o", out}),
                 {log + ": byte " + cut + ": truncated gzip data"}, dir, {"orders.csv.gz"});

  // --catalog: the order log is fine, the catalog is cut.
  const auto good = dir.file("good.csv");
  bltest::write_file(good, order_log(300));
  std::string catalog = "item_id,name,category,price\n";
  for (int i = 0; i < 101; ++i) {
    catalog += 'i';
    catalog += std::to_string(i);
    catalog += ",Item,C,1\n";
  }
  catalog += std::string(20000, '\n');  // long enough that half the gzip is mid-stream
  const auto cat_packed = bltest::gzip(catalog);
  const auto cat = dir.file("catalog.csv.gz");
  bltest::write_file(cat, cat_packed.substr(0, cat_packed.size() - 4));
  expect_refused(
      bltest::run_cli({"mine", good, "--min-count", "2", "--catalog", cat, "-o", out}),
      {cat + ": byte " + std::to_string(cat_packed.size() - 4) + ": truncated gzip data"}, dir,
      {"catalog.csv.gz", "good.csv", "orders.csv.gz"});

  // `catalog` on a truncated order log with descriptions and prices.
  std::string retail = "StockCode,Description,UnitPrice,Quantity\n";
  for (int i = 0; i < 30000; ++i) {
    retail += 'S';
    retail += std::to_string(i % 500);
    retail += ",LUNCH BAG ";
    retail += std::to_string(i % 9);
    retail += ",1.25,2\n";
  }
  const auto retail_packed = bltest::gzip(retail);
  const auto retail_path = dir.file("retail.csv.gz");
  bltest::write_file(retail_path, retail_packed.substr(0, retail_packed.size() / 2));
  expect_refused(bltest::run_cli({"catalog", retail_path, "-o", dir.file("derived.csv")}),
                 {retail_path + ": byte " + std::to_string(retail_packed.size() / 2) +
                  ": truncated gzip data"},
                 dir, {"catalog.csv.gz", "good.csv", "orders.csv.gz", "retail.csv.gz"});
}

TEST_CASE("cli: integer options that do not fit their field are refused, not wrapped",
          "[cli][options]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, "1 2 3\n1 2\n2 3\n1 2 3 4\n");
  const auto out = dir.file("itemsets.txt");
  // 2^32 + 1 used to become 1 (--max-len 1: single items only), with exit 0.
  for (const auto& [option, value] : std::vector<std::pair<std::string, std::string>>{
           {"--max-len", "4294967297"},
           {"--max-len", "18446744073709551616"},  // 2^64: past uint64 too
           {"--max-consequent-len", "4294967296"},
           {"--max-rules-per-antecedent", "4294967296"}}) {
    CAPTURE(option, value);
    expect_refused(
        bltest::run_cli({"mine", input, "--min-count", "1", option, value, "--itemsets-out", out}),
        {option + ": " + value + " is out of range (at most 4294967295)"}, dir, {"small.dat"});
  }
  // The largest value that fits is accepted.
  CHECK(bltest::run_cli({"mine", input, "--min-count", "1", "--max-len", "4294967295"}).status ==
        0);

  // next --window: days as a 32-bit signed integer.
  const auto bundle = dir.file("b.blb");
  REQUIRE(bltest::run_cli({"mine", input, "--min-count", "1", "-o", bundle}).status == 0);
  const auto history = dir.file("history.csv");
  bltest::write_file(history, "item,date\n1,2011-01-01\n");
  const auto r = bltest::run_cli(
      {"next", bundle, "--history", history, "--as-of", "2011-02-01", "--window", "4294967297"});
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--window: 4294967297 is out of range (at most 2147483647)"));
}

TEST_CASE("cli: a misspelled column or lone-CR line ends exit 2, never baskets", "[cli][format]") {
  bltest::TempDir dir;
  const auto log = dir.file("retail.csv");
  bltest::write_file(log, "InvoiceNo,StockCode\n1,a\n1,b\n2,a\n2,b\n");
  const auto out = dir.file("rules.blb");
  expect_refused(bltest::run_cli({"mine", log, "--order-col", "Invoice", "--item-col", "StockCode",
                                  "--min-count", "1", "-o", out}),
                 {log + ":1: column 'Invoice' (--order-col) not found in header; columns: "
                        "InvoiceNo, StockCode"},
                 dir, {"retail.csv"});
  // Without the column options: a table, not baskets.
  expect_refused(bltest::run_cli({"mine", log, "--min-count", "1", "-o", out}),
                 {log + ": looks like a table, not baskets"}, dir, {"retail.csv"});
  const auto mac = dir.file("mac.csv");
  bltest::write_file(mac, "InvoiceNo,StockCode\r1,a\r1,b\r2,a\r2,b\r");
  expect_refused(bltest::run_cli({"mine", mac, "--order-col", "InvoiceNo", "--item-col",
                                  "StockCode", "--min-count", "1", "-o", out}),
                 {mac + ":1: a carriage return without a line feed"}, dir,
                 {"mac.csv", "retail.csv"});
  // The same file, named right and with LF line ends, mines.
  CHECK(bltest::run_cli({"mine", log, "--order-col", "InvoiceNo", "--item-col", "StockCode",
                         "--min-count", "1", "-o", out})
            .status == 0);
}

TEST_CASE("cli: a 1 GiB line in a 1 MB gzip is refused at the limit, in bounded memory",
          "[cli][limits][rss]") {
  bltest::TempDir dir;
  // 1024 members of 1 MiB of 'x' each: one line of 1 GiB, no line feed anywhere.
  const auto line = repeated_gzip("", std::string(std::size_t{1} << 20, 'x'), 1024);
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"huge.dat.gz", {}},                   // baskets: the block reader
      {"huge.csv.gz", {}},                   // auto: format detection reads the "header"
      {"log.csv.gz", {"--format", "csv"}}};  // an order log whose second record is the line
  for (const auto& [name, extra] : cases) {
    const auto path = dir.file(name);
    bltest::write_file(path,
                       name == "log.csv.gz" ? bltest::gzip("order_id,item_id\n") + line : line);
    std::vector<std::string> args = {"mine", path, "--min-count", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_measured(args);
    CAPTURE(name, r.err, r.peak_kib);
    CHECK(r.status == 2);
    CHECK(contains(r.err, path + (name == "log.csv.gz" ? ":2:" : ":1:") +
                              " record longer than 1048576 bytes"));
    CHECK(r.peak_kib < 64 * 1024);  // the whole line would be 1 GiB
  }
  // Raised past what memory allows: out of memory is exit 3 with its own message.
  const auto r = run_measured(
      {"mine", dir.file("huge.dat.gz"), "--threads", "1", "--max-record-bytes", "1099511627776"},
      rlim_t{512} << 20);
  CAPTURE(r.err);
  CHECK(r.status == 3);
  CHECK(contains(r.err, "basketlift mine: error: out of memory"));
  CHECK_FALSE(contains(r.err, "internal error"));
  // The option is checked.
  const auto zero = run_measured({"mine", dir.file("huge.dat.gz"), "--max-record-bytes", "0"});
  CHECK(zero.status == 2);
  CHECK(contains(zero.err, "--max-record-bytes: must be at least 1"));
  const auto over =
      run_measured({"mine", dir.file("huge.dat.gz"), "--max-record-bytes", "1099511627777"});
  CHECK(over.status == 2);
  CHECK(contains(over.err, "--max-record-bytes: 1099511627777 is out of range"));
}

TEST_CASE("cli: one order on 12 million rows, or one item's price on as many, stays small",
          "[cli][limits][rss]") {
  bltest::TempDir dir;
  std::string rows;
  for (int i = 0; i < 100000; ++i) rows += "o1,a\no1,b\n";
  const auto log = dir.file("one_order.csv.gz");
  bltest::write_file(log, repeated_gzip("order_id,item_id\n", rows, 60));
  const auto mined = run_measured({"mine", log, "--min-count", "1", "--summary", "json"});
  CAPTURE(mined.err, mined.peak_kib);
  CHECK(mined.status == 0);
  // 12 million item ids kept per row would be 48 MB and more.
  CHECK(mined.peak_kib < 32 * 1024);

  std::string lines;
  for (int i = 0; i < 100000; ++i) lines += "A,MUG,2.5,1\n";
  const auto retail = dir.file("one_item.csv.gz");
  bltest::write_file(retail,
                     repeated_gzip("StockCode,Description,UnitPrice,Quantity\n", lines, 120));
  const auto derived = run_measured({"catalog", retail, "-o", dir.file("catalog.csv")});
  CAPTURE(derived.err, derived.peak_kib);
  CHECK(derived.status == 0);
  CHECK(derived.peak_kib < 32 * 1024);  // a price per row: 96 MB
  CHECK(bltest::read_file(dir.file("catalog.csv")) ==
        "item_id,name,category,price,recommendable\nA,MUG,MUG,2.5,1\n");
}
