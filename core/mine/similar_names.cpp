#include "mine/similar_names.hpp"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <string>

#include "model/transactions.hpp"

namespace basketlift {

std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if ((u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z')) {
      word += static_cast<char>(u >= 'a' ? u - ('a' - 'A') : u);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

std::vector<std::pair<std::uint32_t, RuleEntry>> similar_names(const BundleContent& c,
                                                               std::uint32_t per_item) {
  std::vector<std::pair<std::uint32_t, RuleEntry>> out;
  const auto n = static_cast<std::uint32_t>(c.labels.size());
  if (per_item == 0 || c.names.size() != n) return out;
  bool any_unsold = false;
  for (std::uint32_t i = 0; i < n; ++i) any_unsold |= c.popularity[i] == 0 && !c.names[i].empty();
  if (!any_unsold) return out;

  // Word ids in order of first appearance; each item's distinct words.
  boost::unordered_flat_map<std::string, std::uint32_t, StringHash, StringEq> ids;
  std::vector<std::vector<std::uint32_t>> words(n), postings;
  std::uint32_t named = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    for (auto& w : name_words(c.names[i])) {
      auto [it, fresh] = ids.try_emplace(std::move(w), static_cast<std::uint32_t>(postings.size()));
      if (fresh) postings.emplace_back();
      postings[it->second].push_back(i);
      words[i].push_back(it->second);
    }
    named += !words[i].empty();
  }
  std::vector<double> weight(postings.size());
  for (std::size_t w = 0; w < postings.size(); ++w)
    weight[w] = std::log(static_cast<double>(named) / static_cast<double>(postings[w].size()));
  std::vector<double> norm(n, 0.0);
  for (std::uint32_t i = 0; i < n; ++i) {
    for (auto w : words[i]) norm[i] += weight[w] * weight[w];
    norm[i] = std::sqrt(norm[i]);
  }

  std::vector<double> dot(n, 0.0);
  std::vector<std::uint32_t> touched;
  struct Scored {
    std::uint32_t item, similarity;
  };
  std::vector<Scored> scored;
  for (std::uint32_t a = 0; a < n; ++a) {
    if (c.popularity[a] != 0 || norm[a] == 0.0) continue;
    touched.clear();
    for (auto w : words[a]) {
      if (postings[w].size() > kMaxWordItems || weight[w] == 0.0) continue;
      for (auto b : postings[w]) {
        if (b == a) continue;
        if (dot[b] == 0.0) touched.push_back(b);
        dot[b] += weight[w] * weight[w];
      }
    }
    scored.clear();
    for (auto b : touched) {
      const double cosine = std::min(1.0, dot[b] / (norm[a] * norm[b]));
      const auto s = static_cast<std::uint32_t>(std::lround(cosine * kSimilarityScale));
      if (s > 0) scored.push_back({b, s});
      dot[b] = 0.0;
    }
    const auto take = std::min<std::size_t>(per_item, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(take),
                      scored.end(), [&](const Scored& x, const Scored& y) {
                        if (x.similarity != y.similarity) return x.similarity > y.similarity;
                        if (c.popularity[x.item] != c.popularity[y.item])
                          return c.popularity[x.item] > c.popularity[y.item];
                        return x.item < y.item;
                      });
    for (std::size_t k = 0; k < take; ++k)
      out.push_back({a, {scored[k].item, scored[k].similarity}});
  }
  return out;
}

}  // namespace basketlift
