// Interrupting `basketlift mine` (issue 6, "Failure behaviour"): the CLI is started on a run
// that takes a second or two (retail.dat, min-count 6, itemsets up to 4 items) writing over an
// existing bundle and itemsets file, and gets SIGINT or SIGTERM after various delays, including
// the moment its temp files appear (the write). Every time: the process dies of that signal
// (or had already finished), the outputs are either all the previous bytes or all complete new
// ones, and no temp file is left.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "bundle/bundle.hpp"
#include "io/atomic_file.hpp"
#include "test_util.hpp"

namespace {

using namespace std::chrono_literals;

pid_t spawn_cli(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string cli = BASKETLIFT_CLI;
  argv.push_back(cli.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Signals stay blocked from the fork until the child has reset them (Catch2 handles SIGINT and
  // SIGTERM in this process); a signal sent in between then reaches the child's default action.
  sigset_t all, previous;
  sigfillset(&all);
  std::fflush(nullptr);
  sigprocmask(SIG_BLOCK, &all, &previous);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    signal(SIGINT, SIG_DFL);  // as a shell leaves them for a foreground command
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  sigprocmask(SIG_SETMASK, &previous, nullptr);
  return pid;
}

bool has_temp(const bltest::TempDir& dir) {
  for (const auto& name : dir.entries())
    if (bltest::contains(name, basketlift::kTempMarker)) return true;
  return false;
}

std::vector<std::string> mine_args(const bltest::TempDir& dir, const std::string& min_count,
                                   const std::string& max_len) {
  return {"mine",
          bltest::data_file("fimi/retail.dat"),
          "--min-count",
          min_count,
          "--max-len",
          max_len,
          "--threads",
          "2",
          "--itemsets-out",
          dir.file("itemsets.txt"),
          "-o",
          dir.file("rules.blb")};
}

int run_to_end(const std::vector<std::string>& args) {
  int status = 0;
  waitpid(spawn_cli(args), &status, 0);
  return status;
}

}  // namespace

TEST_CASE("mine: SIGINT/SIGTERM at any moment leaves the previous outputs and no temp files",
          "[cli][signals][large]") {
  BLTEST_SKIP_WITHOUT_DATA("fimi/retail.dat");
  // The previous outputs, and what an uninterrupted run writes instead.
  bltest::TempDir dir;
  REQUIRE(run_to_end(mine_args(dir, "441", "3")) == 0);
  const auto old_bundle = bltest::read_file(dir.file("rules.blb"));
  const auto old_items = bltest::read_file(dir.file("itemsets.txt"));
  const auto heavy = mine_args(dir, "6", "4");
  REQUIRE(run_to_end(heavy) == 0);
  const auto new_items = bltest::read_file(dir.file("itemsets.txt"));
  REQUIRE(new_items != old_items);

  struct Case {
    int sig;
    int delay_ms;  // -1: as soon as a temp file appears
  };
  const Case cases[] = {{SIGINT, 0},  {SIGTERM, 20}, {SIGINT, 150},  {SIGTERM, 500},
                        {SIGINT, -1}, {SIGTERM, -1}, {SIGINT, 1000}, {SIGTERM, 2500}};
  int interrupted_before_write = 0, interrupted_during_write = 0;
  for (const auto& c : cases) {
    CAPTURE(strsignal(c.sig), c.delay_ms);
    bltest::write_file(dir.file("rules.blb"), old_bundle);
    bltest::write_file(dir.file("itemsets.txt"), old_items);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = spawn_cli(heavy);
    REQUIRE(pid > 0);
    bool saw_temp = false;
    if (c.delay_ms >= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(c.delay_ms));
    } else {
      int status = 0;
      while (!(saw_temp = has_temp(dir))) {
        if (waitpid(pid, &status, WNOHANG) == pid) FAIL("finished before any temp file was seen");
        std::this_thread::sleep_for(200us);
      }
    }
    kill(pid, c.sig);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    CAPTURE(ms);
    CHECK_FALSE(has_temp(dir));
    CHECK(dir.entries() == std::vector<std::string>{"itemsets.txt", "rules.blb"});
    const auto bundle = bltest::read_file(dir.file("rules.blb"));
    const auto items = bltest::read_file(dir.file("itemsets.txt"));
    const bool all_old = bundle == old_bundle && items == old_items;
    bool all_new = false;
    if (items == new_items) {
      std::string error;
      all_new = basketlift::Bundle::load({bundle.begin(), bundle.end()}, error) != nullptr &&
                bundle != old_bundle;
    }
    CHECK((all_old || all_new));
    if (WIFSIGNALED(status)) {
      CHECK(WTERMSIG(status) == c.sig);
      if (all_old) ++(saw_temp ? interrupted_during_write : interrupted_before_write);
    } else {
      // The run ended before the signal came: it must have succeeded.
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
      CHECK(all_new);
    }
  }
  CHECK(interrupted_before_write >= 3);
  CHECK(interrupted_during_write >= 1);
}
