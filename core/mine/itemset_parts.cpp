#include "mine/itemset_parts.hpp"

#include <algorithm>

namespace basketlift {

namespace {

// Parts mined ahead of the one being written wait up to this many bytes; then their threads wait.
constexpr std::size_t kQueuedBytes = std::size_t{8} << 20;

void clear(ItemsetPart& part) {  // keeps the buffers, for the next part
  part.table.items.clear();
  part.table.offsets.resize(1);
  part.table.counts.clear();
  part.text.clear();
}

std::size_t bytes(const ItemsetPart& p) {
  return p.table.items.capacity() * sizeof(ItemId) + p.table.offsets.capacity() * 8 +
         p.table.counts.capacity() * 4 + p.text.capacity();
}

}  // namespace

void append(ItemsetTable& out, const ItemsetTable& part) {
  const auto base = out.items.size();
  out.items.insert(out.items.end(), part.items.begin(), part.items.end());
  for (std::size_t k = 1; k < part.offsets.size(); ++k)
    out.offsets.push_back(base + part.offsets[k]);
  out.counts.insert(out.counts.end(), part.counts.begin(), part.counts.end());
}

void PrefixRows::emit(std::uint32_t count) {
  // prefix is in descending id order; the table wants ascending.
  if (perfect_.empty()) return add(prefix.rbegin(), prefix.rend(), count);
  ascending_.assign(prefix.rbegin(), prefix.rend());
  before_.clear();
  for (const ItemId e : perfect_)
    before_.push_back(static_cast<std::uint32_t>(
        std::lower_bound(ascending_.begin(), ascending_.end(), e) - ascending_.begin()));
  before_.push_back(static_cast<std::uint32_t>(ascending_.size()));
  line_.resize(ascending_.size() + perfect_.size());
  const std::size_t room = params_.max_len ? params_.max_len - prefix.size() : SIZE_MAX;
  emit_subsets(0, 0, room, count);
}

// line_[0, n) holds the prefix items before perfect_[k - 1] and the chosen perfect extensions
// before it; `room`: how many more of them the line may take (--max-len).
void PrefixRows::emit_subsets(std::size_t k, std::size_t n, std::size_t room, std::uint32_t count) {
  for (auto j = k ? before_[k - 1] : 0; j < before_[k]; ++j) line_[n++] = ascending_[j];
  if (k == perfect_.size()) {
    if (n) add(line_.data(), line_.data() + n, count);
    return;
  }
  emit_subsets(k + 1, n, room, count);  // without perfect_[k]
  if (room == 0) return;
  line_[n] = perfect_[k];
  emit_subsets(k + 1, n + 1, room - 1, count);
}

template <class It>
void PrefixRows::add(It begin, It end, std::uint32_t count) {
  out_->items.insert(out_->items.end(), begin, end);
  out_->offsets.push_back(out_->items.size());
  out_->counts.push_back(count);
  if (out_->size() >= kPartRows || out_->items.size() >= kPartItems) (*full_)();
}

void PrefixRows::sort_perfect() {
  perfect_ = found_perfect;
  std::sort(perfect_.begin(), perfect_.end());
}

void Handover::put(std::uint32_t claim, ItemsetPart& part, bool last) {
  if (prepare_) prepare_(part);
  std::unique_lock lock(mutex_);
  if (stopped_) return clear(part);
  if (claim != head_) {
    queued_bytes_ += bytes(part);
    queued_[claim].push_back(std::move(part));
    part = spare();
    done_[claim] = last;
    changed_.wait(lock, [&] { return stopped_ || claim == head_ || queued_bytes_ < kQueuedBytes; });
    return;
  }
  on_part_(part);
  clear(part);
  if (!last) return;
  // The next claims' queued parts, up to one still being mined.
  while (++head_ < queued_.size()) {
    for (auto& p : queued_[head_]) {
      queued_bytes_ -= bytes(p);
      on_part_(p);
      clear(p);
      spares_.push_back(std::move(p));
    }
    queued_[head_].clear();
    if (!done_[head_]) break;
  }
  changed_.notify_all();
}

void Handover::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  changed_.notify_all();
}

ItemsetPart Handover::spare() {
  if (spares_.empty()) return {};
  auto p = std::move(spares_.back());
  spares_.pop_back();
  return p;
}

}  // namespace basketlift
