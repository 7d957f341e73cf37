#include "taxii/page_cache.h"

namespace tessera::taxii {

size_t PageCache::Cost(const std::string& key, const http::Response& answer) {
  size_t n = sizeof(Entry) + sizeof(http::Response) + 2 * key.size() + answer.body.size() +
             answer.content_type.size();
  for (const auto& [name, value] : answer.headers) n += name.size() + value.size();
  return n;
}

std::shared_ptr<const http::Response> PageCache::Find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->answer;
}

void PageCache::Put(const std::string& key, const http::Response& answer) {
  if (max_bytes_ == 0) return;
  const size_t cost = Cost(key, answer);
  if (cost > max_bytes_ / 8) return;
  auto kept = std::make_shared<const http::Response>(answer);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    const auto old = it->second;
    bytes_ -= old->bytes;
    index_.erase(it);  // the view into the old entry's key goes before the entry
    lru_.erase(old);
  }
  lru_.push_front(Entry{key, std::move(kept), cost});
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += cost;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    bytes_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t PageCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace tessera::taxii
