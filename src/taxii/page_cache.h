#pragma once
// Answers to listing requests (objects, an object, versions, manifest), kept in memory so that a
// page many readers ask for is read from the store and written out once.
//
// The caller makes the key: everything the answer depends on. For TAXII that is the request
// target (API root, collection, object, filters, `next`), the reader's visibility scope, the
// upper seq bound of the listing, and the store's directory and objects generations
// (store::Generations): a bounded listing over unchanged rows and an unchanged directory gives
// the same bytes, so an entry never needs to be invalidated; it simply stops being asked for and
// ages out.
//
// Bounded by bytes (keys and answers); least recently used entries go first. An answer larger
// than an eighth of the bound is not kept. Thread-safe.

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/message.h"

namespace tessera::taxii {

class PageCache {
 public:
  // max_bytes 0: keeps nothing (Find always misses).
  explicit PageCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The answer kept under `key`, or nullptr.
  std::shared_ptr<const http::Response> Find(const std::string& key);
  // Keeps a copy of `answer` under `key` (replacing what was there), evicting as needed; copies
  // nothing when the answer would not be kept.
  void Put(const std::string& key, const http::Response& answer);

  size_t max_bytes() const { return max_bytes_; }
  size_t bytes() const;    // what the entries take now
  size_t entries() const;  // how many there are

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const http::Response> answer;
    size_t bytes;
  };
  static size_t Cost(const std::string& key, const http::Response& answer);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first; guarded by mu_
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // into lru_ keys
  size_t bytes_ = 0;                                                        // guarded by mu_
};

}  // namespace tessera::taxii
