// The CLI's output files as a user meets them (issue 17, "Outputs"): every output is checked
// before the work, so a bad one fails with exit 2 and replaces nothing; an output that is an
// input is refused; stdout, FIFOs and character devices are written through; symlinks are
// followed; modes follow the umask; a killed run's temp is cleared by the next run.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "bundle/bundle.hpp"
#include "io/atomic_file.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using bltest::contains;
using bltest::run_cli;

const char* kSmallDat = "1 2 3 \n1 2 \n2 3 \n1 2 3 4 \n";

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode;
}

bool loads_as_bundle(const std::string& bytes) {
  std::string error;
  return basketlift::Bundle::load({bytes.begin(), bytes.end()}, error) != nullptr;
}

bool has_temp(const bltest::TempDir& dir) {
  for (const auto& name : dir.entries())
    if (contains(name, basketlift::kTempMarker)) return true;
  return false;
}

// The run must fail as bad input does: exit 2, each text on stderr, nothing on stdout.
void expect_refused(const bltest::CliResult& r, const std::vector<std::string>& in_stderr) {
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  for (const auto& text : in_stderr) CHECK(contains(r.err, text));
}

// The CLI in the background, its stdout and stderr discarded.
pid_t spawn_cli(std::vector<std::string> args) {
  std::string cli = BASKETLIFT_CLI;
  std::vector<char*> argv = {cli.data()};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Everything a FIFO holds once its writer has gone (the fd is non-blocking).
std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

TEST_CASE("outputs: -o naming a directory fails before any output is replaced", "[cli][outputs]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat"), items = dir.file("itemsets.txt"),
             rules = dir.file("rules.csv"), bundle_dir = dir.file("bundles");
  bltest::write_file(input, kSmallDat);
  bltest::write_file(items, "previous itemsets\n");
  bltest::write_file(rules, "previous rules\n");
  fs::create_directory(bundle_dir);
  expect_refused(run_cli({"mine", input, "--min-count", "1", "--itemsets-out", items, "--rules-out",
                          rules, "-o", bundle_dir}),
                 {"-o " + bundle_dir, "directory"});
  CHECK(bltest::read_file(items) == "previous itemsets\n");
  CHECK(bltest::read_file(rules) == "previous rules\n");
  CHECK(fs::is_empty(bundle_dir));

  // The same for a directory that does not exist, and a name ending in '/'.
  expect_refused(run_cli({"mine", input, "--min-count", "1", "--itemsets-out", items, "-o",
                          dir.file("missing/rules.blb")}),
                 {"-o " + dir.file("missing/rules.blb")});
  expect_refused(run_cli({"mine", input, "--min-count", "1", "--itemsets-out", items, "--rules-out",
                          dir.file("new/")}),
                 {"--rules-out " + dir.file("new/")});
  CHECK(bltest::read_file(items) == "previous itemsets\n");
  CHECK(dir.entries() ==
        std::vector<std::string>{"bundles", "itemsets.txt", "rules.csv", "small.dat"});
}

TEST_CASE("outputs: an output that is an input is refused, naming both", "[cli][outputs]") {
  bltest::TempDir dir;
  const auto orders = dir.file("orders.csv"), catalog = dir.file("catalog.csv");
  const std::string orders_text = "order_id,item_id\no1,a\no1,b\no2,a\no2,b\no3,a\n";
  const std::string catalog_text =
      "item_id,name,category,price\na,Apple,fruit,1\nb,Bread,bakery,2\n";
  bltest::write_file(orders, orders_text);
  bltest::write_file(catalog, catalog_text);
  fs::create_symlink("orders.csv", dir.file("orders-link.csv"));
  fs::create_directory(dir.file("sub"));
  const auto mine = [&](const std::string& option, const std::string& out) {
    return run_cli({"mine", orders, "--catalog", catalog, "--min-count", "1", option, out});
  };
  for (const auto& same : {orders, dir.path().string() + "/./orders.csv",
                           dir.file("sub/../orders.csv"), dir.file("orders-link.csv")}) {
    CAPTURE(same);
    for (const char* option : {"-o", "--output", "--rules-out", "--itemsets-out"})
      expect_refused(mine(option, same), {std::string(option) + " " + same, "order log " + orders});
  }
  expect_refused(mine("-o", catalog), {"-o " + catalog, "--catalog " + catalog});

  // `catalog` derives from an order log; its output must not be that log, here named relative
  // to the working directory the CLI runs in.
  bltest::write_file(dir.file("retail.csv"),
                     "InvoiceNo,StockCode,Description,Quantity,UnitPrice\n1,A,LUNCH BAG,1,1.00\n");
  const auto retail_before = bltest::read_file(dir.file("retail.csv"));
  const auto relative = "./" + fs::relative(dir.file("retail.csv")).string();
  expect_refused(run_cli({"catalog", dir.file("retail.csv"), "-o", relative}),
                 {"-o " + relative, "ORDERS " + dir.file("retail.csv")});
  CHECK(bltest::read_file(dir.file("retail.csv")) == retail_before);

  // `customers` exports histories from an order log: never over it.
  bltest::write_file(dir.file("log.csv"),
                     "order_id,item_id,user,date\no1,a,u1,2011-01-01\no2,a,u1,2011-02-01\n");
  const auto log_before = bltest::read_file(dir.file("log.csv"));
  expect_refused(run_cli({"customers", dir.file("log.csv"), "--user-col", "user", "--date-col",
                          "date", "-o", dir.file("sub/../log.csv")}),
                 {"-o " + dir.file("sub/../log.csv"), "order log " + dir.file("log.csv")});
  CHECK(bltest::read_file(dir.file("log.csv")) == log_before);

  CHECK(bltest::read_file(orders) == orders_text);
  CHECK(bltest::read_file(catalog) == catalog_text);
  CHECK(dir.entries() == std::vector<std::string>{"catalog.csv", "log.csv", "orders-link.csv",
                                                  "orders.csv", "retail.csv", "sub"});
}

TEST_CASE("outputs: import-spark refuses an output that is one of its part files",
          "[cli][outputs][spark]") {
  bltest::TempDir dir;
  const fs::path fixtures = fs::path(__FILE__).parent_path().parent_path().parent_path() /
                            "fixtures" / "spark" / "groceries" / "json";
  fs::copy(fixtures, dir.path() / "model", fs::copy_options::recursive);
  std::string rules_part;
  for (const auto& e : fs::directory_iterator(dir.path() / "model/associationRules"))
    if (e.path().filename().string().starts_with("part-")) rules_part = e.path().string();
  REQUIRE(!rules_part.empty());
  const auto before = bltest::read_file(rules_part);
  expect_refused(run_cli({"import-spark", "--rules", dir.file("model/associationRules"),
                          "--itemsets", dir.file("model/freqItemsets"), "-o", rules_part}),
                 {"-o " + rules_part, "--rules " + rules_part});
  CHECK(bltest::read_file(rules_part) == before);
  // Into the same directory under a new name is fine.
  const auto ok =
      run_cli({"import-spark", "--rules", dir.file("model/associationRules"), "--itemsets",
               dir.file("model/freqItemsets"), "-o", dir.file("model/rules.blb")});
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(loads_as_bundle(bltest::read_file(dir.file("model/rules.blb"))));
}

TEST_CASE("outputs: two outputs naming one file are refused", "[cli][outputs]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  expect_refused(run_cli({"mine", input, "--itemsets-out", dir.file("out.txt"), "--rules-out",
                          dir.path().string() + "/./out.txt"}),
                 {"--itemsets-out " + dir.file("out.txt"), "--rules-out "});
  expect_refused(run_cli({"mine", input, "--rules-out", "-", "-o", "-"}),
                 {"--rules-out -", "-o -"});
  CHECK(dir.entries() == std::vector<std::string>{"small.dat"});
}

TEST_CASE("outputs: a FIFO output is written through and stays a FIFO", "[cli][outputs]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat"), fifo = dir.file("bundle.pipe");
  bltest::write_file(input, kSmallDat);
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // A reader is there first, so the CLI's open does not wait; the bundle fits the pipe's buffer.
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  const auto r = run_cli(
      {"mine", input, "--min-count", "1", "-o", fifo, "--rules-out", dir.file("rules.csv")});
  const auto bytes = drain(reader);
  close(reader);
  INFO("stderr: " << r.err);
  CHECK(r.status == 0);
  CHECK(contains(r.out, "frequent itemsets"));  // the summary stays on stdout
  CHECK(S_ISFIFO(mode_of(fifo)));
  CHECK(loads_as_bundle(bytes));
  CHECK(dir.entries() == std::vector<std::string>{"bundle.pipe", "rules.csv", "small.dat"});
}

TEST_CASE("outputs: -o - writes the bundle to stdout and the summary to stderr", "[cli][outputs]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  const auto r = run_cli({"mine", input, "--min-count", "1", "-o", "-", "--summary", "json"});
  INFO("stderr: " << r.err);
  CHECK(r.status == 0);
  CHECK(loads_as_bundle(r.out));
  CHECK(contains(r.err, "\"frequent_itemsets\": 14"));
  const auto text = run_cli({"mine", input, "--min-count", "1", "--rules-out", "-"});
  CHECK(text.status == 0);
  CHECK(text.out.starts_with("antecedents,consequents,"));
  CHECK(contains(text.err, "top 10 rules by lift"));

  bltest::write_file(dir.file("retail.csv"),
                     "InvoiceNo,StockCode,Description,Quantity,UnitPrice\n1,A,LUNCH BAG,1,1.00\n");
  const auto catalog = run_cli({"catalog", dir.file("retail.csv"), "-o", "-"});
  CHECK(catalog.status == 0);
  CHECK(catalog.out == "item_id,name,category,price,recommendable\nA,LUNCH BAG,BAG,1,1\n");

  const auto spark = fs::path(__FILE__).parent_path().parent_path().parent_path() / "fixtures" /
                     "spark" / "groceries" / "json";
  const auto imported =
      run_cli({"import-spark", "--rules", (spark / "associationRules").string(), "--itemsets",
               (spark / "freqItemsets").string(), "-o", "-", "--summary", "json"});
  INFO("stderr: " << imported.err);
  CHECK(imported.status == 0);
  CHECK(loads_as_bundle(imported.out));
  CHECK(contains(imported.err, "\"rules\": 163"));
  CHECK(dir.entries() == std::vector<std::string>{"retail.csv", "small.dat"});
}

// /dev paths: the old behaviour replaced the device node, so these run only against a build with
// the fix (never point an unfixed build at them).
TEST_CASE("outputs: /dev/null and /dev/stdout are written through, never replaced",
          "[cli][outputs][dev]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  auto r = run_cli({"mine", input, "--min-count", "1", "-o", "/dev/null", "--itemsets-out",
                    "/dev/null", "--rules-out", dir.file("rules.csv")});
  INFO("stderr: " << r.err);
  CHECK(r.status == 0);
  CHECK(S_ISCHR(mode_of("/dev/null")));
  CHECK(bltest::read_file("/dev/null").empty());
  CHECK(contains(bltest::read_file(dir.file("rules.csv")), "antecedents"));
  // run_cli's stdout is a regular file: /dev/stdout names it, so the bundle goes there.
  r = run_cli({"mine", input, "--min-count", "1", "-o", "/dev/stdout"});
  CHECK(r.status == 0);
  CHECK(loads_as_bundle(r.out));
  CHECK(fs::is_symlink("/dev/stdout"));
  CHECK(dir.entries() == std::vector<std::string>{"rules.csv", "small.dat"});
}

TEST_CASE("outputs: a symlinked output is followed, the link kept", "[cli][outputs]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  fs::create_directory(dir.file("www"));
  bltest::write_file(dir.file("www/rules.blb"), "previous");
  fs::create_symlink("www/rules.blb", dir.file("rules.blb"));
  const auto r = run_cli({"mine", input, "--min-count", "1", "-o", dir.file("rules.blb")});
  INFO("stderr: " << r.err);
  CHECK(r.status == 0);
  CHECK(fs::is_symlink(dir.file("rules.blb")));
  CHECK(loads_as_bundle(bltest::read_file(dir.file("www/rules.blb"))));
  CHECK(dir.entries() == std::vector<std::string>{"rules.blb", "small.dat", "www"});
}

TEST_CASE("outputs: every output's mode is 0666 less the umask", "[cli][outputs]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat");
  bltest::write_file(input, kSmallDat);
  const std::vector<std::string> outputs = {dir.file("itemsets.txt"), dir.file("rules.csv"),
                                            dir.file("rules.blb")};
  bltest::write_file(dir.file("retail.csv"),
                     "InvoiceNo,StockCode,Description,Quantity,UnitPrice\n1,A,LUNCH BAG,1,1.00\n");
  for (const auto& [mask, expected] : {std::pair<mode_t, mode_t>{022, 0644}, {077, 0600}}) {
    CAPTURE(mask);
    const mode_t previous = umask(mask);  // the CLI inherits it
    const auto r = run_cli({"mine", input, "--min-count", "1", "--itemsets-out", outputs[0],
                            "--rules-out", outputs[1], "-o", outputs[2]});
    const auto c = run_cli({"catalog", dir.file("retail.csv"), "-o", dir.file("catalog.csv")});
    umask(previous);
    CHECK(r.status == 0);
    CHECK(c.status == 0);
    for (const auto& out : outputs) CHECK((mode_of(out) & 07777) == expected);
    CHECK((mode_of(dir.file("catalog.csv")) & 07777) == expected);
  }
}

TEST_CASE("outputs: a killed run's temp is removed by the next run, a live one's kept",
          "[cli][outputs]") {
  bltest::TempDir dir;
  const auto input = dir.file("small.dat"), fifo = dir.file("bundle.pipe");
  bltest::write_file(input, kSmallDat);
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // The FIFO has no reader, so the run waits in its open with the rules' temp complete beside
  // rules.csv: SIGKILL then leaves that temp behind, as a kill at any moment could.
  const pid_t pid = spawn_cli(
      {"mine", input, "--min-count", "1", "--rules-out", dir.file("rules.csv"), "-o", fifo});
  REQUIRE(pid > 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!has_temp(dir) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const bool saw_temp = has_temp(dir);
  kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(saw_temp);
  REQUIRE(has_temp(dir));
  const auto live = basketlift::temp_name("rules.csv", 1, 0);  // pid 1 always exists
  bltest::write_file(dir.file(live), "someone else's");

  const auto r = run_cli({"mine", input, "--min-count", "1", "--rules-out", dir.file("rules.csv")});
  INFO("stderr: " << r.err);
  CHECK(r.status == 0);
  CHECK(dir.entries() == std::vector<std::string>{live, "bundle.pipe", "rules.csv", "small.dat"});
}
