// basketlift: mine order logs into association rules (and, later, rule bundles).
#include <signal.h>

#include <cstdio>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

#include "commands.hpp"
#include "io/atomic_file.hpp"
#include "model/error.hpp"

namespace {

// The exit codes, as docs/input-formats.md lists them. A signal ends the process with the
// signal itself (see on_terminating_signal).
enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,  // a bug: an exception the core did not expect
  kExitBadInput = 2,  // bad input or options: the message names the file and line, or the option
  kExitResources = 3  // out of memory, or no thread could be started: retry with more, or less
};

// kCleanupSignals: remove the temp files of outputs not yet in place, then die
// of the same signal (default action), so the caller sees how the process ended.
extern "C" void on_terminating_signal(int sig) {
  basketlift::remove_temp_files();
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
}

void install_signal_handlers() {
  for (int sig : basketlift::kCleanupSignals) {
    struct sigaction old {};
    sigaction(sig, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;  // e.g. nohup, or a background job's SIGINT
    struct sigaction sa {};
    sa.sa_handler = on_terminating_signal;
    sigemptyset(&sa.sa_mask);
    for (int other : basketlift::kCleanupSignals) sigaddset(&sa.sa_mask, other);
    sigaction(sig, &sa, nullptr);
  }
}

const char* kUsage = R"(usage: basketlift <command> [options]

commands:
  mine INPUT        mine an order log into frequent itemsets, rules and a rule bundle (-o)
  inspect BUNDLE    show a bundle's header, sections, counts and mining parameters
  shard BUNDLE      cut a bundle into a sharded bundle (--out DIR) that pages fetch in parts
  recommend BUNDLE  score a cart against a bundle
  upsell BUNDLE     pricier substitutes of an item, from its category
  categories BUNDLE categories bought together with a category
  next BUNDLE       items a shopper is due to buy again, from their purchase history
  eval INPUT        offline evaluation: hide an item of each held-out basket, recommend
  catalog ORDERS    derive a catalog (name, category, price) from an order log
  customers ORDERS  the customers who bought the most items again and again, with histories
  import-spark      build a bundle from Spark MLlib FPGrowth's freqItemsets and associationRules

run 'basketlift <command> --help' for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitBadInput : kExitOk;
  }
  const std::string command = argv[1];
  install_signal_handlers();
  try {
    if (command == "mine") return basketlift::cli::run_mine(argc, argv);
    if (command == "inspect") return basketlift::cli::run_inspect(argc, argv);
    if (command == "shard") return basketlift::cli::run_shard(argc, argv);
    if (command == "recommend") return basketlift::cli::run_recommend(argc, argv);
    if (command == "catalog") return basketlift::cli::run_catalog(argc, argv);
    if (command == "customers") return basketlift::cli::run_customers(argc, argv);
    if (command == "upsell") return basketlift::cli::run_upsell(argc, argv);
    if (command == "categories") return basketlift::cli::run_categories(argc, argv);
    if (command == "next") return basketlift::cli::run_next(argc, argv);
    if (command == "eval") return basketlift::cli::run_eval(argc, argv);
    if (command == "import-spark") return basketlift::cli::run_import_spark(argc, argv);
    std::fprintf(stderr, "basketlift: unknown command '%s'\n%s", command.c_str(), kUsage);
    return kExitBadInput;
  } catch (const basketlift::InputError& e) {
    std::fprintf(stderr, "basketlift %s: error: %s\n", command.c_str(), e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    // Outputs are written to temporaries and renamed only at the end: nothing is half-written.
    std::fprintf(stderr,
                 "basketlift %s: error: out of memory (a smaller input, a lower "
                 "--max-record-bytes or fewer --threads need less)\n",
                 command.c_str());
    return kExitResources;
  } catch (const std::length_error& e) {
    std::fprintf(stderr, "basketlift %s: error: out of memory (%s)\n", command.c_str(), e.what());
    return kExitResources;
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::resource_unavailable_try_again ||
        e.code() == std::errc::not_enough_memory) {
      std::fprintf(stderr, "basketlift %s: error: out of resources (%s)\n", command.c_str(),
                   e.what());
      return kExitResources;
    }
    std::fprintf(stderr, "basketlift %s: internal error: %s\n", command.c_str(), e.what());
    return kExitInternal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "basketlift %s: internal error: %s\n", command.c_str(), e.what());
    return kExitInternal;
  }
}
