#include "mine/eclat.hpp"

#include <algorithm>

namespace basketlift {

namespace {

using TidList = std::vector<std::uint32_t>;

struct Candidate {
  ItemId item;
  TidList tids;
};

class Eclat {
 public:
  Eclat(const MiningParams& p, ItemsetTable& out) : params_(p), out_(out) {}

  void run(const TransactionDb& db) {
    std::vector<Candidate> level;
    std::vector<TidList> lists(db.items.size());
    for (std::uint32_t b = 0; b < db.size(); ++b)
      for (ItemId i : db.basket(b)) lists[i].push_back(b);
    for (ItemId i = 0; i < lists.size(); ++i)
      if (lists[i].size() >= params_.min_count) level.push_back({i, std::move(lists[i])});
    grow(level);
  }

 private:
  void grow(const std::vector<Candidate>& level) {
    for (std::size_t a = 0; a < level.size(); ++a) {
      prefix_.push_back(level[a].item);
      out_.add(prefix_, static_cast<std::uint32_t>(level[a].tids.size()));
      if (params_.max_len == 0 || prefix_.size() < params_.max_len) {
        std::vector<Candidate> next;
        for (std::size_t b = a + 1; b < level.size(); ++b) {
          TidList both;
          std::set_intersection(level[a].tids.begin(), level[a].tids.end(), level[b].tids.begin(),
                                level[b].tids.end(), std::back_inserter(both));
          if (both.size() >= params_.min_count) next.push_back({level[b].item, std::move(both)});
        }
        if (!next.empty()) grow(next);
      }
      prefix_.pop_back();
    }
  }

  const MiningParams& params_;
  ItemsetTable& out_;
  std::vector<ItemId> prefix_;
};

}  // namespace

ItemsetTable mine_eclat(const TransactionDb& db, const MiningParams& params) {
  ItemsetTable out;
  Eclat(params, out).run(db);
  return out;
}

}  // namespace basketlift
