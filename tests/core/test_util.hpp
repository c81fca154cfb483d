// Helpers shared by the core tests: temporary directories and files, the shared data folder,
// and order-independent views of a TransactionDb.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/catalog.hpp"
#include "ingest/order_log.hpp"
#include "model/error.hpp"
#include "model/transactions.hpp"

namespace bltest {

// The message of the InputError `f` throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const basketlift::InputError& e) {
    return e.what();
  }
  return "";
}

namespace fs = std::filesystem;

// The catalog `basketlift catalog` derives from an order log, as mine --catalog reads it.
inline basketlift::Catalog derived_catalog(const std::string& path) {
  const auto derived = basketlift::derive_catalog(path, basketlift::DeriveCatalogOptions{});
  basketlift::Catalog catalog;
  for (const auto& [item, e] : derived.rows) catalog.by_item.emplace(item, e);
  return catalog;
}

// How the tests read Online Retail's order log: its column names, customers and dates.
inline void online_retail_columns(basketlift::IngestOptions& in) {
  in.order_col = "InvoiceNo";
  in.item_col = "StockCode";
  in.quantity_col = "Quantity";
  in.user_col = "CustomerID";
  in.date_col = "InvoiceDate";
}

// ../shared/data, as configured by CMake.
inline std::string data_file(const std::string& relative) {
  return (fs::path(BASKETLIFT_DATA_DIR) / relative).string();
}
inline bool have_data(const std::string& relative) {
  std::error_code ec;
  return fs::is_regular_file(data_file(relative), ec);
}

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "basketlift-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Names of the entries in the directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

inline void write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  const auto text = read_file(path);
  return {text.begin(), text.end()};
}

// `text` as one gzip member (what `gzip` writes), made here so no binary fixture is committed.
inline std::string gzip(std::string_view text) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto k = s.find(sep, start);
    out.emplace_back(s.substr(start, k == std::string_view::npos ? s.npos : k - start));
    if (k == std::string_view::npos) return out;
    start = k + 1;
  }
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

using Basket = std::vector<std::string>;

// Eight baskets the hand-computed scoring tests share. Counts: bread 5, butter 4, milk 4, jam 2,
// beer 2, chips 2, cereal 1, salsa 1.
inline std::vector<Basket> shop_baskets() {
  return {{"bread", "butter", "milk"}, {"bread", "butter"},
          {"bread", "milk"},           {"beer", "chips"},
          {"beer", "chips", "salsa"},  {"bread", "butter", "jam"},
          {"milk", "cereal"},          {"bread", "butter", "milk", "jam"}};
}

// Each basket as its sorted labels, and the baskets sorted: the same for any basket order
// and any item numbering.
inline std::vector<Basket> baskets_as_labels(const basketlift::TransactionDb& db) {
  std::vector<Basket> out;
  for (std::size_t b = 0; b < db.size(); ++b) {
    Basket labels;
    for (auto id : db.basket(b)) labels.push_back(db.items.label(id));
    std::sort(labels.begin(), labels.end());
    out.push_back(std::move(labels));
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<Basket> sorted_baskets(std::vector<Basket> baskets) {
  for (auto& b : baskets) std::sort(b.begin(), b.end());
  std::sort(baskets.begin(), baskets.end());
  return baskets;
}

// A canonical TransactionDb from labelled baskets.
inline basketlift::TransactionDb make_db(const std::vector<Basket>& baskets) {
  basketlift::TransactionDb db;
  std::vector<basketlift::ItemId> ids;
  for (const auto& basket : baskets) {
    ids.clear();
    for (const auto& label : basket) ids.push_back(db.items.intern(label));
    db.add_basket(ids);
  }
  db.canonicalize();
  return db;
}

// ---- the CLI as a process ----

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct CliResult {
  int status = -1;  // exit status, or -1 when the process did not exit normally
  std::string out, err;
};

// Runs `basketlift ARGS...` (the CLI this build made) with stdout and stderr captured to files.
inline CliResult run_cli(const std::vector<std::string>& args) {
  TempDir logs;
  std::string cmd = shell_quote(BASKETLIFT_CLI);
  // (Appending piecewise: `"literal" + std::string` trips GCC 12's -Wrestrict false positive.)
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " >";
  cmd += shell_quote(logs.file("out"));
  cmd += " 2>";
  cmd += shell_quote(logs.file("err"));
  cmd += " </dev/null";
  const int raw = std::system(cmd.c_str());
  CliResult r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  r.out = read_file(logs.file("out"));
  r.err = read_file(logs.file("err"));
  return r;
}

// `basketlift eval` on a hand-made dated log (columns order,item,qty,customer,date), trained on
// the orders before 2011-03-01.
inline std::vector<std::string> eval_hand_log(const std::string& path,
                                              const std::string& min_count) {
  return {"eval",        path,     "--format",       "csv",      "--order-col",    "order",
          "--item-col",  "item",   "--quantity-col", "qty",      "--user-col",     "customer",
          "--date-col",  "date",   "--split",        "temporal", "--train-before", "2011-03-01",
          "--min-count", min_count};
}

}  // namespace bltest

// Skips the rest of the test case, with a visible warning, when a shared data file is absent.
#define BLTEST_SKIP_WITHOUT_DATA(relative)                                                  \
  do {                                                                                      \
    if (!::bltest::have_data(relative)) {                                                   \
      WARN("SKIPPED: " << ::bltest::data_file(relative)                                     \
                       << " not found; the shared data folder (../shared/data) is absent"); \
      return;                                                                               \
    }                                                                                       \
  } while (0)
