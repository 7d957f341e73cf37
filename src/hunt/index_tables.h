#pragma once
// Internal building blocks of the indicator index (indicator_index.h): compact hash tables keyed
// by normalized strings and by IP prefixes. Not a public interface.
//
// Every table is filled in two phases: Stage() collects entries, Build() turns them into the
// compact read-only form (and frees the staging memory). Lookups on a built table are const,
// allocation-free and thread-safe.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "hunt/normalize.h"

namespace tessera::hunt::internal {

inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// A fast non-cryptographic hash of `s` (8 bytes a step). Tables stay at most 3/4 full, so every
// probe sequence ends at an empty slot.
inline uint64_t HashBytes(std::string_view s, uint64_t seed = 0) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  while (n >= 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    k *= 0x87c37b91114253d5ULL;
    k = (k << 31) | (k >> 33);
    k *= 0x4cf5ad432745937fULL;
    h ^= k;
    h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  if (n > 0) std::memcpy(&tail, p, n);
  h ^= tail * 0x87c37b91114253d5ULL;
  return Mix64(h);
}

// A random seed per table, so that nobody can prepare indicator values that all collide (the
// keys come from feeds that others write).
// Asks for the cache line at `p` ahead of its use: for loops that read or write at random places
// of tables larger than the cache (index building), a few iterations ahead.
inline void Prefetch(const void* p) { __builtin_prefetch(p); }
inline constexpr size_t kPrefetchAhead = 8;

inline uint64_t RandomSeed() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t base = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  return Mix64(base + counter.fetch_add(0x9e3779b97f4a7c15ULL, std::memory_order_relaxed));
}

// Capacity (a power of two) for `n` entries at a load factor of at most 3/4.
inline size_t TableCapacity(size_t n) {
  size_t cap = 8;
  while (cap * 3 < n * 4) cap <<= 1;
  return cap;
}

// A one-bit-per-slot membership filter beside a hash table: 8 bits per key, so that it stays in
// the CPU cache (about 1 MB for a million keys) while the table does not. Most values in a log hit
// nothing; for them the filter answers "absent" for seven in eight lookups without touching the
// table, whose probe would be a cache miss. It uses hash bits 24 and up, which neither the slot
// index (low bits of tables below 2^24 slots) nor the order of keys in a table depends on.
class KeyFilter {
 public:
  void Build(size_t keys) {
    size_t bits = 512;
    while (bits < keys * 8) bits <<= 1;
    words_.assign(bits / 64, 0);
    mask_ = bits - 1;
  }
  void Add(uint64_t hash) {
    const uint64_t b = (hash >> 24) & mask_;
    words_[b >> 6] |= 1ull << (b & 63);
  }
  // False only when no key with this hash was added. True when the filter was not built.
  bool MayContain(uint64_t hash) const {
    if (words_.empty()) return true;
    const uint64_t b = (hash >> 24) & mask_;
    return (words_[b >> 6] >> (b & 63)) & 1;
  }
  size_t MemoryBytes() const { return words_.capacity() * sizeof(uint64_t); }

 private:
  std::vector<uint64_t> words_;
  uint64_t mask_ = 0;
};

// Lists of indicator numbers. A reference with the top bit set is a list of one (the indicator
// number itself, so that most keys need no list at all); otherwise it is an offset into data_
// where the count and then the numbers are stored.
class Postings {
 public:
  static constexpr uint32_t kSingle = 0x80000000u;

  // `ids` sorted, without duplicates, non-empty.
  Result<uint32_t> Add(const uint32_t* ids, size_t n) {
    if (n == 1) return ids[0] | kSingle;
    if (data_.size() + n + 1 >= kSingle) return LimitExceeded("too many indicator references");
    auto ref = static_cast<uint32_t>(data_.size());
    data_.push_back(static_cast<uint32_t>(n));
    data_.insert(data_.end(), ids, ids + n);
    return ref;
  }

  // Calls f(indicator) for each indicator of `ref`.
  template <typename F>
  void ForEach(uint32_t ref, F&& f) const {
    if (ref & kSingle) {
      f(ref & ~kSingle);
      return;
    }
    uint32_t n = data_[ref];
    for (uint32_t i = 0; i < n; ++i) f(data_[ref + 1 + i]);
  }

  // Appends the postings of `other` (built apart, e.g. on another thread) and returns what its
  // references must add to refer to them here (see KeySet::Rebase, PrefixTable::Rebase).
  Result<uint32_t> Append(const Postings& other) {
    if (data_.size() + other.data_.size() >= kSingle)
      return LimitExceeded("too many indicator references");
    auto base = static_cast<uint32_t>(data_.size());
    data_.insert(data_.end(), other.data_.begin(), other.data_.end());
    return base;
  }

  size_t MemoryBytes() const { return data_.capacity() * sizeof(uint32_t); }
  void ShrinkToFit() { data_.shrink_to_fit(); }

 private:
  std::vector<uint32_t> data_;
};

// An indicator number that Renumber drops.
inline constexpr uint32_t kDroppedIndicator = 0xffffffffu;

// Renumbers staged entries (each with an `indicator` member): indicator i becomes to[i]; entries
// whose to[i] is kDroppedIndicator are removed. `to` covers every staged number.
template <typename Item>
void RenumberStaged(std::vector<Item>& staged, const std::vector<uint32_t>& to) {
  size_t kept = 0;
  for (size_t i = 0; i < staged.size(); ++i) {
    if (i + kPrefetchAhead < staged.size()) Prefetch(&to[staged[i + kPrefetchAhead].indicator]);
    const uint32_t n = to[staged[i].indicator];
    if (n == kDroppedIndicator) continue;
    staged[kept] = staged[i];
    staged[kept++].indicator = n;
  }
  staged.resize(kept);
}

// Sorts (key, indicator) pairs grouped by key and hands each key with its sorted unique
// indicator numbers to `emit`.
template <typename Item, typename SameKey, typename Emit>
Status GroupStaged(const Item* staged, size_t count, SameKey same_key, Emit emit) {
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < count;) {
    size_t j = i;
    ids.clear();
    while (j < count && same_key(staged[i], staged[j])) {
      if (ids.empty() || ids.back() != staged[j].indicator) ids.push_back(staged[j].indicator);
      ++j;
    }
    TESSERA_RETURN_IF_ERROR(emit(staged[i], ids));
    i = j;
  }
  return Status::Ok();
}

// A set of byte-string keys, each with a posting reference. The keys live in one arena as
// [u32 posting][varint length][bytes]; the table holds 32-bit arena offsets (0 = empty slot)
// tagged with 32 bits of the key's hash.
// How many bytes the varint form of `n` (7 bits a byte, high bit: more) takes.
inline size_t VarintBytes(size_t n) {
  size_t bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes;
}

class KeySet {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  struct Found {
    uint32_t ref = kNone;
    std::string_view key;  // the stored key (a view into the arena)
  };

  void Stage(std::string_view key, uint32_t indicator) {
    staged_.push_back(
        {HashBytes(key, seed_), staging_.size(), static_cast<uint32_t>(key.size()), indicator});
    staging_.append(key);
  }

  bool empty() const { return size_ == 0 && staged_.empty(); }
  size_t size() const { return size_; }
  size_t staged() const { return staged_.size(); }

  // Before Build: each staged key of indicator i becomes one of indicator to[i], or is dropped
  // when to[i] is kDroppedIndicator (its bytes stay in the staging area until Build).
  void Renumber(const std::vector<uint32_t>& to) { RenumberStaged(staged_, to); }

  Status Build(Postings& postings) {
    auto key_of = [this](const Staged& s) {
      return std::string_view(staging_).substr(s.offset, s.length);
    };
    std::sort(staged_.begin(), staged_.end(), [&](const Staged& a, const Staged& b) {
      if (a.hash != b.hash) return a.hash < b.hash;
      int c = key_of(a).compare(key_of(b));
      if (c != 0) return c < 0;
      return a.indicator < b.indicator;
    });
    size_t distinct = 0;
    size_t arena_bytes = 1;
    for (size_t i = 0; i < staged_.size(); ++i) {
      if (i == 0 || staged_[i].hash != staged_[i - 1].hash ||
          key_of(staged_[i]) != key_of(staged_[i - 1])) {
        ++distinct;
        arena_bytes += 4 + VarintBytes(staged_[i].length) + staged_[i].length;
      }
    }
    slots_.assign(TableCapacity(distinct), 0);
    mask_ = slots_.size() - 1;
    filter_.Build(distinct);
    arena_.clear();
    arena_.reserve(arena_bytes);
    arena_.push_back('\0');  // offset 0 means "empty slot"
    Status st = GroupStaged(
        staged_.data(), staged_.size(),
        [&](const Staged& a, const Staged& b) {
          return a.hash == b.hash && key_of(a) == key_of(b);
        },
        [&](const Staged& s, const std::vector<uint32_t>& ids) -> Status {
          TESSERA_ASSIGN_OR_RETURN(uint32_t ref, postings.Add(ids.data(), ids.size()));
          std::string_view key = key_of(s);
          if (arena_.size() + key.size() + 9 >= 0xffffffffu) {
            return LimitExceeded("indicator values exceed 4 GiB");
          }
          auto offset = static_cast<uint32_t>(arena_.size());
          char buf[4];
          std::memcpy(buf, &ref, 4);
          arena_.append(buf, 4);
          size_t len = key.size();
          while (len >= 0x80) {
            arena_.push_back(static_cast<char>((len & 0x7f) | 0x80));
            len >>= 7;
          }
          arena_.push_back(static_cast<char>(len));
          arena_.append(key);
          if (&s + kPrefetchAhead < staged_.data() + staged_.size())
            Prefetch(&slots_[(&s + kPrefetchAhead)->hash & mask_]);
          size_t i = s.hash & mask_;
          while (slots_[i] != 0) i = (i + 1) & mask_;
          slots_[i] = (s.hash & kTagMask) | offset;
          filter_.Add(s.hash);
          ++size_;
          return Status::Ok();
        });
    std::vector<Staged>().swap(staged_);
    std::string().swap(staging_);
    return st;
  }

  // After Build: adds `base` to every reference into a Postings (Postings::Append).
  void Rebase(uint32_t base) {
    if (base == 0) return;
    for (size_t p = 1; p < arena_.size();) {
      uint32_t ref;
      std::memcpy(&ref, arena_.data() + p, 4);
      if (!(ref & Postings::kSingle)) {
        ref += base;
        std::memcpy(arena_.data() + p, &ref, 4);
      }
      p += 4;
      size_t len = 0;
      int shift = 0;
      while (true) {
        auto b = static_cast<unsigned char>(arena_[p++]);
        len |= static_cast<size_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
      }
      p += len;
    }
  }

  Found Find(std::string_view key) const { return Find(key, HashBytes(key, seed_)); }
  Found Find(std::string_view key, uint64_t hash) const {
    if (size_ == 0 || !filter_.MayContain(hash)) return {};
    size_t i = hash & mask_;
    const uint64_t tag = hash & kTagMask;
    while (true) {
      uint64_t slot = slots_[i];
      if (slot == 0) return {};
      if ((slot & kTagMask) != tag) {  // another key: no need to read the arena
        i = (i + 1) & mask_;
        continue;
      }
      const char* p = arena_.data() + static_cast<uint32_t>(slot);
      uint32_t ref;
      std::memcpy(&ref, p, 4);
      p += 4;
      size_t len = 0;
      int shift = 0;
      while (true) {
        auto b = static_cast<unsigned char>(*p++);
        len |= static_cast<size_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
      }
      if (len == key.size() && std::memcmp(p, key.data(), len) == 0)
        return {ref, std::string_view(p, len)};
      i = (i + 1) & mask_;
    }
  }

  size_t MemoryBytes() const {
    return arena_.capacity() + slots_.capacity() * sizeof(uint64_t) + filter_.MemoryBytes();
  }

 private:
  struct Staged {
    uint64_t hash;
    size_t offset;
    uint32_t length;
    uint32_t indicator;
  };
  uint64_t seed_ = RandomSeed();
  std::string staging_;
  std::vector<Staged> staged_;
  std::string arena_;
  // Each slot: the key's arena offset (low 32 bits; 0 = empty) and the top 32 bits of its hash,
  // compared before the arena is read, so that a probe past other keys costs no cache miss.
  static constexpr uint64_t kTagMask = 0xffffffff00000000ULL;
  std::vector<uint64_t> slots_;
  KeyFilter filter_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Key operations for IPv4 (uint32_t) and IPv6 (U128) prefix tables.
// Summary: a 2^16-bit map of which blocks (the top 16 bits of an IPv4 address, a hash of the
// top 32 bits of an IPv6 one) hold a range (not a single address) of at least kSummaryMinLength
// bits; lookups skip those lengths for blocks without any, so that an address that hits nothing
// costs one probe of the single-address table plus the few short ranges.
struct V4Key {
  using Key = uint32_t;
  static constexpr int kBits = 32;
  static constexpr int kSummaryMinLength = 16;
  static uint32_t SummaryBucket(Key a) { return a >> 16; }
  static Key Mask(Key a, int length) {
    return length <= 0 ? 0 : (length >= 32 ? a : a & (~0u << (32 - length)));
  }
  static uint64_t Hash(Key a, int length, uint64_t seed) {
    return Mix64(((static_cast<uint64_t>(a) << 8) | static_cast<uint64_t>(length)) ^ seed);
  }
};
struct V6Key {
  using Key = U128;
  static constexpr int kBits = 128;
  static constexpr int kSummaryMinLength = 32;
  static uint32_t SummaryBucket(Key a) {
    return static_cast<uint32_t>(Mix64(a.hi >> 32)) & 0xffffu;
  }
  static Key Mask(Key a, int length) {
    if (length <= 0) return U128{};
    if (length < 64) return U128{a.hi & (~0ull << (64 - length)), 0};
    if (length == 64) return U128{a.hi, 0};
    if (length < 128) return U128{a.hi, a.lo & (~0ull << (128 - length))};
    return a;
  }
  static uint64_t Hash(Key a, int length, uint64_t seed) {
    return Mix64(a.hi ^ seed ^ Mix64(a.lo + static_cast<uint64_t>(length)));
  }
};

// Networks of every prefix length, one open-addressing table per length present; a lookup masks
// the address at each present length, longest first (longest-prefix match).
template <typename Traits>
class PrefixTable {
 public:
  using Key = typename Traits::Key;

  void Stage(Key network, int length, uint32_t indicator) {
    staged_.push_back({Traits::Mask(network, length), static_cast<uint8_t>(length), indicator});
  }

  bool empty() const { return levels_.empty() && staged_.empty(); }
  size_t staged() const { return staged_.size(); }

  // Before Build: as KeySet::Renumber.
  void Renumber(const std::vector<uint32_t>& to) { RenumberStaged(staged_, to); }

  Status Build(Postings& postings) {
    std::sort(staged_.begin(), staged_.end(), [](const Staged& a, const Staged& b) {
      if (a.length != b.length) return a.length > b.length;
      if (!(a.network == b.network)) return a.network < b.network;
      return a.indicator < b.indicator;
    });
    levels_.clear();
    summary_.clear();
    for (const Staged& st : staged_) {
      if (st.length < Traits::kSummaryMinLength || st.length == Traits::kBits) continue;
      if (summary_.empty()) summary_.assign((1u << 16) / 64, 0);
      uint32_t bucket = Traits::SummaryBucket(st.network);
      summary_[bucket >> 6] |= 1ull << (bucket & 63);
    }
    size_t i = 0;
    while (i < staged_.size()) {
      size_t j = i;
      size_t distinct = 0;
      while (j < staged_.size() && staged_[j].length == staged_[i].length) {
        if (j == i || !(staged_[j].network == staged_[j - 1].network)) ++distinct;
        ++j;
      }
      Level level;
      level.length = staged_[i].length;
      level.slots.assign(TableCapacity(distinct), Slot{Key{}, kEmpty});
      level.mask = level.slots.size() - 1;
      // Only big levels get a filter: a small table stays in the cache by itself.
      if (distinct >= kFilterMinKeys) level.filter.Build(distinct);
      TESSERA_RETURN_IF_ERROR(GroupStaged(
          staged_.data() + i, j - i,
          [](const Staged& a, const Staged& b) { return a.network == b.network; },
          [&](const Staged& s, const std::vector<uint32_t>& ids) -> Status {
            if (&s + kPrefetchAhead < staged_.data() + j) {
              const Staged& ahead = *(&s + kPrefetchAhead);
              Prefetch(&level.slots[Traits::Hash(ahead.network, ahead.length, seed_) & level.mask]);
            }
            TESSERA_ASSIGN_OR_RETURN(uint32_t ref, postings.Add(ids.data(), ids.size()));
            const uint64_t hash = Traits::Hash(s.network, s.length, seed_);
            size_t k = hash & level.mask;
            while (level.slots[k].ref != kEmpty) k = (k + 1) & level.mask;
            level.slots[k] = Slot{s.network, ref};
            if (distinct >= kFilterMinKeys) level.filter.Add(hash);
            return Status::Ok();
          }));
      levels_.push_back(std::move(level));
      i = j;
    }
    std::vector<Staged>().swap(staged_);
    return Status::Ok();
  }

  // After Build: as KeySet::Rebase.
  void Rebase(uint32_t base) {
    if (base == 0) return;
    for (Level& level : levels_) {
      for (Slot& slot : level.slots) {
        if (slot.ref != kEmpty && !(slot.ref & Postings::kSingle)) slot.ref += base;
      }
    }
  }

  // Calls f(ref, length, network) for the containing networks, longest prefix first, until f
  // returns true. Returns whether f returned true.
  template <typename F>
  bool Lookup(Key address, F&& f) const {
    bool in_summary = true;
    if (!summary_.empty()) {
      uint32_t bucket = Traits::SummaryBucket(address);
      in_summary = (summary_[bucket >> 6] >> (bucket & 63)) & 1;
    }
    for (const Level& level : levels_) {
      if (!in_summary && level.length >= Traits::kSummaryMinLength && level.length < Traits::kBits)
        continue;
      Key network = Traits::Mask(address, level.length);
      const uint64_t hash = Traits::Hash(network, level.length, seed_);
      if (!level.filter.MayContain(hash)) continue;
      size_t k = hash & level.mask;
      while (true) {
        const Slot& slot = level.slots[k];
        if (slot.ref == kEmpty) break;
        if (slot.key == network) {
          if (f(slot.ref, level.length, network)) return true;
          break;
        }
        k = (k + 1) & level.mask;
      }
    }
    return false;
  }

  size_t MemoryBytes() const {
    size_t n = 0;
    for (const Level& level : levels_)
      n += level.slots.capacity() * sizeof(Slot) + level.filter.MemoryBytes();
    return n + summary_.capacity() * sizeof(uint64_t);
  }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  struct Staged {
    Key network;
    uint8_t length;
    uint32_t indicator;
  };
  struct Slot {
    Key key;
    uint32_t ref;
  };
  struct Level {
    int length = 0;
    size_t mask = 0;
    std::vector<Slot> slots;
    KeyFilter filter;  // built for levels of at least kFilterMinKeys networks
  };
  static constexpr size_t kFilterMinKeys = 4096;
  uint64_t seed_ = RandomSeed();
  std::vector<Staged> staged_;
  std::vector<Level> levels_;
  std::vector<uint64_t> summary_;  // empty when no level is that long
};

}  // namespace tessera::hunt::internal
