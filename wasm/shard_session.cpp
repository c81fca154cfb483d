#include "wasm/shard_session.hpp"

#include "wasm/layout.hpp"

namespace basketlift::wasm {

namespace {
std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
}  // namespace

std::int32_t ShardSession::open(const std::string& global) {
  set_ = ShardSet::open(bytes_of(global), message_);
  merged_ = nullptr;
  if (!set_) {
    message_ = "invalid sharded bundle: " + message_;
    return kInvalidBundle;
  }
  return 0;
}

std::int32_t ShardSession::add(std::uint32_t kind, std::uint32_t index, const std::string& bytes) {
  if (!set_->add(static_cast<PartKind>(kind), index, bytes_of(bytes), message_))
    return kInvalidBundle;
  merged_ = nullptr;
  return 0;
}

std::uint32_t ShardSession::category_needs(const std::string& label, bool upsell) {
  needs_.clear();
  const Bundle* b = set_->bundle(message_);
  if (b) needs_ = set_->missing_for_category_of(b->find(label), upsell);
  return static_cast<std::uint32_t>(needs_.size());
}

std::int32_t ShardSession::merge() {
  merged_ = set_->bundle(message_);
  return merged_ ? static_cast<std::int32_t>(merged_->bytes().size()) : kInvalidBundle;
}

}  // namespace basketlift::wasm
