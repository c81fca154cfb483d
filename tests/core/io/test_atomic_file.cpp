// Output files (issue 17, "Outputs"): the mode follows the umask; temps are hidden, named for
// their destination and owner, and a dead owner's are cleared; symlinks are followed; streams
// (stdout, FIFOs, character devices) are written through, never replaced; bad output paths and
// outputs that are inputs are refused before anything is written.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "io/atomic_file.hpp"
#include "model/error.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using basketlift::AtomicFile;
using basketlift::InputError;
using basketlift::NamedPath;
using bltest::contains;
using bltest::error_of;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode;
}

void write_and_commit(const std::string& path, std::string_view bytes) {
  AtomicFile f(path);
  f.write(bytes);
  f.commit();
}

// Restores the umask on scope exit, so a failing CHECK does not leak it into other tests.
class Umask {
 public:
  explicit Umask(mode_t mask) : previous_(umask(mask)) {}
  ~Umask() { umask(previous_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t previous_;
};

// A pid no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  REQUIRE(pid > 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(kill(pid, 0) == -1);
  REQUIRE(errno == ESRCH);
  return pid;
}

// Redirects this process's stdout to `path` while alive.
class StdoutTo {
 public:
  explicit StdoutTo(const std::string& path) {
    std::fflush(stdout);
    saved_ = dup(STDOUT_FILENO);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
  }
  ~StdoutTo() {
    std::fflush(stdout);
    dup2(saved_, STDOUT_FILENO);
    close(saved_);
  }
  StdoutTo(const StdoutTo&) = delete;
  StdoutTo& operator=(const StdoutTo&) = delete;

 private:
  int saved_ = -1;
};

}  // namespace

TEST_CASE("atomic_file: outputs get 0666 less the umask, new or replacing a file", "[io]") {
  bltest::TempDir dir;
  const auto fresh = dir.file("fresh.blb"), replaced = dir.file("replaced.blb");
  for (const auto& [mask, expected] : {std::pair<mode_t, mode_t>{022, 0644}, {077, 0600}}) {
    CAPTURE(mask);
    fs::remove(fresh);
    bltest::write_file(replaced, "old");
    // An existing 0600 file (as earlier versions wrote every output) does not keep its mode.
    chmod(replaced.c_str(), 0600);
    {
      Umask scoped(mask);
      write_and_commit(fresh, "new");
      write_and_commit(replaced, "new");
    }
    CHECK((mode_of(fresh) & 07777) == expected);
    CHECK((mode_of(replaced) & 07777) == expected);
    CHECK(bltest::read_file(replaced) == "new");
  }
}

TEST_CASE("atomic_file: the temp is hidden, names its destination and owner", "[io]") {
  bltest::TempDir dir;
  AtomicFile f(dir.file("rules.blb"));
  const auto temp = fs::path(f.temp_path());
  CHECK(temp.parent_path() == dir.path());
  const std::string name = temp.filename();
  CHECK(name.starts_with(".rules.blb.basketlift-tmp." + std::to_string(getpid()) + "."));
  CHECK(basketlift::temp_owner(name, "rules.blb") == getpid());
  CHECK(fs::is_regular_file(temp));
  f.write("x");
  f.commit();
  CHECK(dir.entries() == std::vector<std::string>{"rules.blb"});
}

TEST_CASE("atomic_file: temp names parse only in their exact form", "[io]") {
  using basketlift::temp_name;
  using basketlift::temp_owner;
  CHECK(temp_name("rules.blb", 1234, 7) == ".rules.blb.basketlift-tmp.1234.7");
  CHECK(temp_owner(".rules.blb.basketlift-tmp.1234.7", "rules.blb") == 1234);
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp.1234.7", "other.blb"));
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp.1234.7x", "rules.blb"));
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp.1234.", "rules.blb"));
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp..7", "rules.blb"));
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp.12a4.7", "rules.blb"));
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp.0.7", "rules.blb"));
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp.99999999999999999999.7", "rules.blb"));
  CHECK_FALSE(temp_owner("rules.blb.tmp.1234.7", "rules.blb"));
  CHECK_FALSE(temp_owner(".rules.blb.basketlift-tmp.1234.7.8", "rules.blb"));
  // Long names are cut the same way when made and when recognised, within NAME_MAX.
  const std::string long_name(250, 'n');
  const auto long_temp = temp_name(long_name, 99999, 123456);
  CHECK(long_temp.size() <= 255);
  CHECK(temp_owner(long_temp, long_name) == 99999);
}

TEST_CASE("atomic_file: a dead process's temps beside the destination are removed", "[io]") {
  bltest::TempDir dir;
  using basketlift::temp_name;
  const pid_t dead = dead_pid();
  const auto stale = temp_name("out.csv", dead, 0);
  const auto live = temp_name("out.csv", 1, 0);  // pid 1 always exists
  const auto other_destination = temp_name("other.csv", dead, 0);
  const auto not_exact = temp_name("out.csv", dead, 0) + "x";
  const auto old_style = "out.csv.tmp." + std::to_string(dead) + ".0";
  const auto a_directory = temp_name("out.csv", dead, 1);
  for (const auto& name : {stale, live, other_destination, not_exact, old_style})
    bltest::write_file(dir.file(name), "left by a run");
  fs::create_directory(dir.file(a_directory));

  write_and_commit(dir.file("out.csv"), "new");

  std::vector<std::string> expected = {live,      other_destination, not_exact,
                                       old_style, a_directory,       "out.csv"};
  std::sort(expected.begin(), expected.end());
  CHECK(dir.entries() == expected);
  CHECK(basketlift::remove_stale_temps(dir.file("out.csv")) == 0);
}

TEST_CASE("atomic_file: one sweep removes a dead process's temps of every destination", "[io]") {
  bltest::TempDir dir;
  using basketlift::temp_name;
  const pid_t dead = dead_pid();
  const auto stale = temp_name("s1.blb", dead, 0);
  const auto stale_other = temp_name("global.blb", dead, 3);
  const auto live = temp_name("s2.blb", 1, 0);  // pid 1 always exists
  const auto not_exact = temp_name("s1.blb", dead, 0) + "x";
  const auto a_directory = temp_name("s3.blb", dead, 1);
  for (const auto& name : {stale, stale_other, live, not_exact, std::string("s1.blb")})
    bltest::write_file(dir.file(name), "left by a run");
  fs::create_directory(dir.file(a_directory));

  CHECK(basketlift::remove_stale_temps_in(dir.path().string()) == 2);
  std::vector<std::string> expected = {live, not_exact, a_directory, "s1.blb"};
  std::sort(expected.begin(), expected.end());
  CHECK(dir.entries() == expected);
}

TEST_CASE("atomic_file: a symlinked output is followed; its target is replaced", "[io]") {
  bltest::TempDir dir;
  fs::create_directory(dir.file("real"));
  bltest::write_file(dir.file("real/rules.blb"), "old");
  fs::create_symlink("real/rules.blb", dir.file("rules.blb"));
  {
    AtomicFile f(dir.file("rules.blb"));
    // The temp goes beside the target, so the rename stays within its file system.
    CHECK(fs::path(f.temp_path()).parent_path() == fs::canonical(dir.file("real")));
    f.write("new");
    f.commit();
  }
  CHECK(fs::is_symlink(dir.file("rules.blb")));
  CHECK(bltest::read_file(dir.file("real/rules.blb")) == "new");

  // A link to a file not there yet creates that file.
  fs::create_symlink("real/fresh.blb", dir.file("fresh.blb"));
  write_and_commit(dir.file("fresh.blb"), "fresh");
  CHECK(fs::is_symlink(dir.file("fresh.blb")));
  CHECK(bltest::read_file(dir.file("real/fresh.blb")) == "fresh");

  CHECK(dir.entries() == std::vector<std::string>{"fresh.blb", "real", "rules.blb"});
}

TEST_CASE("atomic_file: character devices and FIFOs are written through, not replaced", "[io]") {
  {
    AtomicFile f("/dev/null");
    CHECK(f.temp_path().empty());
    f.write("into the void");
    f.commit();
  }
  CHECK(S_ISCHR(mode_of("/dev/null")));

  bltest::TempDir dir;
  const auto fifo = dir.file("pipe");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  });
  {
    AtomicFile f(fifo);
    f.write("through ");
    f.write("the pipe");
    f.commit();
  }
  reader.join();
  CHECK(received == "through the pipe");
  CHECK(S_ISFIFO(mode_of(fifo)));
  CHECK(dir.entries() == std::vector<std::string>{"pipe"});
}

TEST_CASE("atomic_file: '-' and a path that is stdout write to stdout", "[io]") {
  bltest::TempDir dir;
  const auto captured = dir.file("stdout.txt");
  // Checked after stdout is back, so a failure's report is not what gets captured.
  bool dash_is_stdout = false, path_is_stdout = false, null_is_stdout = true;
  basketlift::OutputTarget::Kind null_kind{};
  {
    StdoutTo redirect(captured);
    dash_is_stdout = basketlift::resolve_output("-").is_stdout();
    path_is_stdout = basketlift::resolve_output(captured).is_stdout();
    write_and_commit("-", "one ");
    write_and_commit(captured, "two");
  }
  {
    // The null device is a device however stdout is sent there: not stdout, so a command's
    // summary is not moved to stderr by `-o /dev/null >/dev/null`.
    StdoutTo discard("/dev/null");
    const auto null = basketlift::resolve_output("/dev/null");
    null_is_stdout = null.is_stdout();
    null_kind = null.kind;
  }
  CHECK(dash_is_stdout);
  CHECK(path_is_stdout);
  CHECK(bltest::read_file(captured) == "one two");
  CHECK(dir.entries() == std::vector<std::string>{"stdout.txt"});
  CHECK_FALSE(null_is_stdout);
  CHECK(null_kind == basketlift::OutputTarget::Kind::Stream);
}

TEST_CASE("atomic_file: a stream that fails leaves every file of the set as it was", "[io]") {
  bltest::TempDir dir;
  const auto file = dir.file("rules.csv");
  bltest::write_file(file, "previous");
  {
    AtomicFile out(file), full("/dev/full");
    out.write("new");
    full.write("no space for this");
    AtomicFile* both[] = {&out, &full};
    const auto message = error_of([&] { basketlift::commit_together(both); });
    CHECK(contains(message, "/dev/full"));
  }
  CHECK(bltest::read_file(file) == "previous");
  CHECK(dir.entries() == std::vector<std::string>{"rules.csv"});
}

TEST_CASE("atomic_file: bad output paths are refused naming them", "[io]") {
  bltest::TempDir dir;
  fs::create_directory(dir.file("sub"));
  const auto dir_message = error_of([&] { basketlift::resolve_output(dir.file("sub")); });
  CHECK(contains(dir_message, dir.file("sub")));
  CHECK(contains(dir_message, "directory"));
  CHECK(contains(error_of([&] { AtomicFile f(dir.file("sub")); }), "directory"));
  CHECK(contains(error_of([&] { AtomicFile f(dir.file("gone") + "/"); }), "directory"));
  const auto missing = dir.file("no-such-dir/rules.blb");
  CHECK(contains(error_of([&] { AtomicFile f(missing); }), missing));
  CHECK(contains(error_of([&] { AtomicFile f(""); }), "empty"));
  bltest::write_file(dir.file("file"), "");
  CHECK(contains(error_of([&] { AtomicFile f(dir.file("file") + "/x"); }), dir.file("file")));
  fs::create_symlink("loop", dir.file("loop"));
  CHECK(contains(error_of([&] { AtomicFile f(dir.file("loop")); }), dir.file("loop")));
  CHECK(dir.entries() == std::vector<std::string>{"file", "loop", "sub"});
}

TEST_CASE("check_outputs: an output that is an input or another output is refused", "[io]") {
  bltest::TempDir dir;
  const auto orders = dir.file("orders.csv"), catalog = dir.file("catalog.csv");
  bltest::write_file(orders, "order_id,item_id\n");
  bltest::write_file(catalog, "item_id,name,category,price\n");
  fs::create_symlink("orders.csv", dir.file("link.csv"));
  fs::create_hard_link(catalog, dir.file("hard.csv"));
  const std::vector<NamedPath> inputs = {{"the order log", orders}, {"--catalog", catalog}};
  auto refused = [&](std::vector<NamedPath> outputs) {
    return error_of([&] { basketlift::check_outputs(outputs, inputs); });
  };

  fs::create_directory(dir.file("sub"));
  for (const auto& same_as_orders : {orders, dir.path().string() + "/./orders.csv",
                                     dir.file("link.csv"), dir.file("sub/../orders.csv")}) {
    CAPTURE(same_as_orders);
    const auto message = refused({{"-o", same_as_orders}});
    CHECK(contains(message, "-o " + same_as_orders));
    CHECK(contains(message, "the order log " + orders));
  }
  const auto hard = refused({{"--rules-out", dir.file("hard.csv")}});
  CHECK(contains(hard, "--rules-out " + dir.file("hard.csv")));
  CHECK(contains(hard, "--catalog " + catalog));

  // Two outputs naming one file, whether it exists yet or not.
  const auto twice = refused({{"--itemsets-out", dir.file("out.txt")},
                              {"--rules-out", dir.path().string() + "/sub/../out.txt"}});
  CHECK(contains(twice, "--itemsets-out"));
  CHECK(contains(twice, "--rules-out"));
  CHECK(contains(refused({{"--rules-out", "-"}, {"-o", "-"}}), "same output"));
  // The null device twice discards both: nothing to refuse.
  CHECK(refused({{"--rules-out", "/dev/null"}, {"-o", "/dev/null"}}).empty());
  // The option is named along with the path.
  CHECK(contains(refused({{"-o", dir.file("sub")}}), "-o " + dir.file("sub")));

  const std::vector<NamedPath> fine = {{"--itemsets-out", dir.file("itemsets.txt")},
                                       {"-o", dir.file("rules.blb")}};
  const auto targets = basketlift::check_outputs(fine, inputs);
  REQUIRE(targets.size() == 2);
  CHECK(targets[1].real == fs::canonical(dir.path()).string() + "/rules.blb");
  // Checking creates nothing and leaves no temp.
  CHECK(dir.entries() ==
        std::vector<std::string>{"catalog.csv", "hard.csv", "link.csv", "orders.csv", "sub"});
}
