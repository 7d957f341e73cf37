#include "hunt/indicator_index.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <span>
#include <thread>
#include <unordered_map>

#include "common/text.h"
#include "common/uuid.h"
#include "hunt/index_tables.h"
#include "hunt/path_class.h"

namespace tessera::hunt {
namespace internal {

struct ValueTables {
  PrefixTable<V4Key> v4[3];  // by AddressRole
  PrefixTable<V6Key> v6[3];
  KeySet domains;
  KeySet urls;
  KeySet emails;
  KeySet hashes[kHashAlgorithmCount];
  std::vector<KeySet> others;  // by path id

  // Builds the tables in two halves: domains and URLs here, the rest on a second thread into
  // postings of its own (appended after, its references rebased) when there are enough entries
  // for a thread to pay off; the answers are the same either way.
  Status Build(Postings& postings) {
    auto first = [this](Postings& p) -> Status {
      TESSERA_RETURN_IF_ERROR(domains.Build(p));
      return urls.Build(p);
    };
    auto second = [this](Postings& p) -> Status {
      for (auto& t : v4) TESSERA_RETURN_IF_ERROR(t.Build(p));
      for (auto& t : v6) TESSERA_RETURN_IF_ERROR(t.Build(p));
      TESSERA_RETURN_IF_ERROR(emails.Build(p));
      for (auto& t : hashes) TESSERA_RETURN_IF_ERROR(t.Build(p));
      for (auto& t : others) TESSERA_RETURN_IF_ERROR(t.Build(p));
      return Status::Ok();
    };
    constexpr size_t kThreadMinEntries = 100'000;
    if (Staged() < kThreadMinEntries) {
      TESSERA_RETURN_IF_ERROR(first(postings));
      return second(postings);
    }
    Postings apart;
    Status second_status;
    std::thread other([&] { second_status = second(apart); });
    const Status first_status = first(postings);
    other.join();
    TESSERA_RETURN_IF_ERROR(first_status);
    TESSERA_RETURN_IF_ERROR(second_status);
    TESSERA_ASSIGN_OR_RETURN(const uint32_t base, postings.Append(apart));
    for (auto& t : v4) t.Rebase(base);
    for (auto& t : v6) t.Rebase(base);
    emails.Rebase(base);
    for (auto& t : hashes) t.Rebase(base);
    for (auto& t : others) t.Rebase(base);
    return Status::Ok();
  }

  // Entries staged in every table, not yet built.
  size_t Staged() const {
    size_t n = domains.staged() + urls.staged() + emails.staged();
    for (const auto& t : v4) n += t.staged();
    for (const auto& t : v6) n += t.staged();
    for (const auto& t : hashes) n += t.staged();
    for (const auto& t : others) n += t.staged();
    return n;
  }

  void Renumber(const std::vector<uint32_t>& to, IndexCounts& counts) {
    // Renumbers every table of `tables` and returns how many entries they keep.
    auto renumber = [&to](auto&& tables) {
      size_t kept = 0;
      for (auto& t : tables) {
        t.Renumber(to);
        kept += t.staged();
      }
      return kept;
    };
    counts.addresses = renumber(v4) + renumber(v6);
    counts.domains = renumber(std::span(&domains, 1));
    counts.urls = renumber(std::span(&urls, 1));
    counts.emails = renumber(std::span(&emails, 1));
    counts.hashes = renumber(hashes);
    counts.others = renumber(others);
  }

  size_t MemoryBytes() const {
    size_t n = domains.MemoryBytes() + urls.MemoryBytes() + emails.MemoryBytes();
    for (const auto& t : v4) n += t.MemoryBytes();
    for (const auto& t : v6) n += t.MemoryBytes();
    for (const auto& t : hashes) n += t.MemoryBytes();
    for (const auto& t : others) n += t.MemoryBytes() + sizeof(KeySet);
    return n;
  }
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return HashBytes(s); }
};

// Per indicator: its UUID and validity window in microseconds (32 bytes).
struct IndicatorMeta {
  uint64_t uuid_hi = 0;
  uint64_t uuid_lo = 0;
  int64_t from_us = 0;
  int64_t until_us = std::numeric_limits<int64_t>::max();
};

struct IndexTables {
  std::vector<IndicatorMeta> meta;
  std::vector<bool> revoked;
  Postings postings;
  ValueTables indicators;
  ValueTables allow;
  // "type:path" (canonical, without quotes) of the other-value tables.
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> path_ids;
  IndexCounts counts;

  bool Active(uint32_t i, int64_t at_us) const {
    const IndicatorMeta& m = meta[i];
    return !revoked[i] && m.from_us <= at_us && at_us < m.until_us;
  }
};

}  // namespace internal

namespace {

using internal::ClassifyPath;
using internal::IndexTables;
using internal::KeySet;
using internal::PathClass;
using internal::UnquotePath;
using internal::ValueTables;

bool ParseUuid(std::string_view s, uint64_t* hi, uint64_t* lo) {
  auto uuid = Uuid::Parse(s);
  if (!uuid.ok()) return false;
  uint64_t parts[2] = {0, 0};
  for (size_t i = 0; i < 16; ++i) parts[i / 8] = parts[i / 8] << 8 | uuid->bytes()[i];
  *hi = parts[0];
  *lo = parts[1];
  return true;
}

constexpr std::string_view kIndicatorPrefix = "indicator--";

bool IsHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// Stages `prefix` into the table of its family and role.
void StagePrefix(ValueTables& t, const IpPrefix& prefix, AddressRole role, uint32_t indicator) {
  auto r = static_cast<size_t>(role);
  if (prefix.address.is_v6) {
    t.v6[r].Stage(prefix.address.v6, prefix.length, indicator);
  } else {
    t.v4[r].Stage(prefix.address.v4, prefix.length, indicator);
  }
}

// Where `prefix_text` ("type:path") has its id, creating it when `create`.
std::optional<uint32_t> PathId(IndexTables& t, std::string_view object_path, bool create) {
  auto it = t.path_ids.find(object_path);
  if (it != t.path_ids.end()) return it->second;
  if (!create) return std::nullopt;
  auto id = static_cast<uint32_t>(t.path_ids.size());
  t.path_ids.emplace(std::string(object_path), id);
  t.indicators.others.emplace_back();
  t.allow.others.emplace_back();
  return id;
}

}  // namespace

std::string_view IndicatorClassName(IndicatorClass c) {
  switch (c) {
    case IndicatorClass::kIpAddress:
      return "ip";
    case IndicatorClass::kDomainName:
      return "domain";
    case IndicatorClass::kUrl:
      return "url";
    case IndicatorClass::kEmailAddress:
      return "email";
    case IndicatorClass::kHash:
      return "hash";
    case IndicatorClass::kOther:
      return "other";
  }
  return "?";
}

std::string_view ObservableKindName(ObservableKind kind) {
  switch (kind) {
    case ObservableKind::kIpAddress:
      return "ip";
    case ObservableKind::kDomainName:
      return "domain";
    case ObservableKind::kHost:
      return "host";
    case ObservableKind::kUrl:
      return "url";
    case ObservableKind::kEmailAddress:
      return "email";
    case ObservableKind::kHash:
      return "hash";
    case ObservableKind::kOther:
      return "other";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// IndicatorIndex

IndicatorIndex::IndicatorIndex(std::unique_ptr<internal::IndexTables> t) : t_(std::move(t)) {}
IndicatorIndex::IndicatorIndex(IndicatorIndex&&) noexcept = default;
IndicatorIndex& IndicatorIndex::operator=(IndicatorIndex&&) noexcept = default;
IndicatorIndex::~IndicatorIndex() = default;

const IndexCounts& IndicatorIndex::counts() const { return t_->counts; }

size_t IndicatorIndex::MemoryBytes() const {
  size_t n = t_->meta.capacity() * sizeof(internal::IndicatorMeta) + t_->revoked.capacity() / 8 +
             t_->postings.MemoryBytes() + t_->indicators.MemoryBytes() + t_->allow.MemoryBytes();
  for (const auto& [path, id] : t_->path_ids) n += path.capacity() + 48;
  return n;
}

IndicatorSnapshot IndicatorIndex::Indicator(uint32_t i) const {
  IndicatorSnapshot s;
  if (i >= t_->meta.size()) return s;
  const internal::IndicatorMeta& m = t_->meta[i];
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(m.uuid_hi >> 32),
                static_cast<unsigned>((m.uuid_hi >> 16) & 0xffff),
                static_cast<unsigned>(m.uuid_hi & 0xffff), static_cast<unsigned>(m.uuid_lo >> 48),
                static_cast<unsigned long long>(m.uuid_lo & 0xffffffffffffULL));
  s.id = std::string(kIndicatorPrefix) + buf;
  s.valid_from = Timestamp::FromMicros(m.from_us);
  if (m.until_us != std::numeric_limits<int64_t>::max())
    s.valid_until = Timestamp::FromMicros(m.until_us);
  s.revoked = t_->revoked[i];
  return s;
}

LookupResult IndicatorIndex::Lookup(const Observable& observable, Timestamp at,
                                    LookupScratch& scratch, std::vector<Hit>& hits) const {
  const IndexTables& t = *t_;
  const int64_t at_us = at.ToMicros();
  LookupResult result;
  const size_t before = hits.size();

  // Appends a hit per active indicator of `ref`; true if any.
  auto emit = [&](uint32_t ref, const Hit& proto) {
    bool any = false;
    t.postings.ForEach(ref, [&](uint32_t indicator) {
      if (!t.Active(indicator, at_us)) return;
      Hit h = proto;
      h.indicator = indicator;
      hits.push_back(h);
      any = true;
    });
    return any;
  };

  auto lookup_ip = [&](const IpAddress& ip, AddressRole role) {
    auto allowed = [](uint32_t, int, const auto&) { return true; };
    if (ip.is_v6 ? t.allow.v6[0].Lookup(ip.v6, allowed) : t.allow.v4[0].Lookup(ip.v4, allowed)) {
      result.allowlisted = true;
      return;
    }
    Hit proto;
    proto.kind = IndicatorClass::kIpAddress;
    for (AddressRole r : {AddressRole::kAny, role}) {
      auto ri = static_cast<size_t>(r);
      if (ip.is_v6) {
        t.indicators.v6[ri].Lookup(ip.v6, [&](uint32_t ref, int length, const U128& network) {
          proto.prefix.address = IpAddress{true, 0, network};
          proto.prefix.length = static_cast<uint8_t>(length);
          emit(ref, proto);
          return false;  // every range that holds the address hits, not only the longest
        });
      } else {
        t.indicators.v4[ri].Lookup(ip.v4, [&](uint32_t ref, int length, uint32_t network) {
          proto.prefix.address = IpAddress{false, network, {}};
          proto.prefix.length = static_cast<uint8_t>(length);
          emit(ref, proto);
          return false;
        });
      }
      if (role == AddressRole::kAny) break;
    }
  };

  auto lookup_domain = [&](std::string_view value) {
    if (!NormalizeDomain(value, scratch.value)) {
      result.unparseable = true;
      return;
    }
    std::string_view name = scratch.value;
    // Label-aware: probe the whole name, then each suffix that starts after a dot.
    for (size_t pos = 0; !t.allow.domains.empty() && pos < name.size();) {
      if (t.allow.domains.Find(name.substr(pos)).ref != KeySet::kNone) {
        result.allowlisted = true;
        return;
      }
      size_t dot = name.find('.', pos);
      if (dot == std::string_view::npos) break;
      pos = dot + 1;
    }
    Hit proto;
    proto.kind = IndicatorClass::kDomainName;
    for (size_t pos = 0; pos < name.size();) {
      KeySet::Found f = t.indicators.domains.Find(name.substr(pos));
      if (f.ref != KeySet::kNone) {
        proto.matched = f.key;
        emit(f.ref, proto);
      }
      size_t dot = name.find('.', pos);
      if (dot == std::string_view::npos) break;
      pos = dot + 1;
    }
  };

  auto lookup_exact = [&](const KeySet& allow, const KeySet& set, std::string_view key,
                          IndicatorClass kind, HashAlgorithm algorithm) {
    if (allow.Find(key).ref != KeySet::kNone) {
      result.allowlisted = true;
      return;
    }
    KeySet::Found f = set.Find(key);
    if (f.ref == KeySet::kNone) return;
    Hit proto;
    proto.kind = kind;
    proto.hash_algorithm = algorithm;
    proto.matched = f.key;
    emit(f.ref, proto);
  };

  std::string_view value = observable.value;
  switch (observable.kind) {
    case ObservableKind::kIpAddress: {
      auto ip = ParseIpAddress(value);
      if (!ip) {
        result.unparseable = true;
        break;
      }
      lookup_ip(*ip, observable.role);
      break;
    }
    case ObservableKind::kHost: {
      auto ip = ParseIpAddress(value);
      if (!ip) {
        // "host:port" or "[v6]:port"
        size_t colon = value.rfind(':');
        bool port = colon != std::string_view::npos && colon + 1 < value.size() &&
                    value.find_first_not_of("0123456789", colon + 1) == std::string_view::npos;
        if (port &&
            (value.find(':') == colon || (value.front() == '[' && value[colon - 1] == ']'))) {
          value = value.substr(0, colon);
          ip = ParseIpAddress(value);
        }
      }
      if (ip) {
        lookup_ip(*ip, observable.role);
      } else {
        lookup_domain(value);
      }
      break;
    }
    case ObservableKind::kDomainName:
      lookup_domain(value);
      break;
    case ObservableKind::kUrl:
      if (!NormalizeUrl(value, scratch.value)) {
        result.unparseable = true;
        break;
      }
      lookup_exact(t.allow.urls, t.indicators.urls, scratch.value, IndicatorClass::kUrl,
                   HashAlgorithm::kMd5);
      break;
    case ObservableKind::kEmailAddress:
      if (!NormalizeEmail(value, scratch.value)) {
        result.unparseable = true;
        break;
      }
      lookup_exact(t.allow.emails, t.indicators.emails, scratch.value,
                   IndicatorClass::kEmailAddress, HashAlgorithm::kMd5);
      break;
    case ObservableKind::kHash: {
      const std::optional<HashAlgorithm> algorithm =
          observable.hash_algorithm ? observable.hash_algorithm : HashAlgorithmOfDigest(value);
      if (!algorithm || !DecodeHash(*algorithm, value, scratch.value)) {
        result.unparseable = true;
        break;
      }
      auto a = static_cast<size_t>(*algorithm);
      lookup_exact(t.allow.hashes[a], t.indicators.hashes[a], scratch.value, IndicatorClass::kHash,
                   *algorithm);
      break;
    }
    case ObservableKind::kOther: {
      if (t.path_ids.empty()) break;  // no indicator or allowlist entry of any other type:path
      std::string_view path = observable.object_path;
      if (path.find('\'') != std::string_view::npos) {
        UnquotePath(path, scratch.key);
        path = scratch.key;
      }
      auto it = t.path_ids.find(path);
      if (it == t.path_ids.end()) break;
      if (NormalizeOtherValue(path, value, scratch.value)) value = scratch.value;
      lookup_exact(t.allow.others[it->second], t.indicators.others[it->second], value,
                   IndicatorClass::kOther, HashAlgorithm::kMd5);
      break;
    }
  }
  result.hits = hits.size() - before;
  return result;
}

// ---------------------------------------------------------------------------------------------
// IndicatorIndexBuilder

struct IndicatorIndexBuilder::State {
  std::unique_ptr<IndexTables> t = std::make_unique<IndexTables>();
  struct UuidHash {
    size_t operator()(const U128& u) const { return internal::Mix64(u.hi ^ internal::Mix64(u.lo)); }
  };
  std::unordered_map<U128, uint32_t, UuidHash> by_id;  // for Add()
  CanonicalAtom atom;                                  // AddAtomic's scratch
  std::string value;                                   // the allowlist's scratch
  std::string key;
};

IndicatorIndexBuilder::IndicatorIndexBuilder() : s_(std::make_unique<State>()) {}
IndicatorIndexBuilder::IndicatorIndexBuilder(IndicatorIndexBuilder&&) noexcept = default;
IndicatorIndexBuilder::~IndicatorIndexBuilder() = default;

Result<uint32_t> IndicatorIndexBuilder::AddIndicator(const IndicatorRef& ref) {
  IndexTables& t = *s_->t;
  std::string_view id = ref.id;
  internal::IndicatorMeta m;
  if (id.substr(0, kIndicatorPrefix.size()) != kIndicatorPrefix ||
      !ParseUuid(id.substr(kIndicatorPrefix.size()), &m.uuid_hi, &m.uuid_lo)) {
    return InvalidArgument("indicator id '" + ref.id + "' is not indicator--<uuid>");
  }
  if (t.meta.size() >= internal::Postings::kSingle - 1)
    return LimitExceeded("more than 2^31 indicators");
  m.from_us = ref.valid_from.ToMicros();
  if (ref.valid_until) m.until_us = ref.valid_until->ToMicros();
  auto n = static_cast<uint32_t>(t.meta.size());
  t.meta.push_back(m);
  t.revoked.push_back(ref.revoked);
  ++t.counts.indicators;
  return n;
}

Status CanonicalizeAtom(std::string_view object_type, std::string_view path, std::string_view value,
                        AtomicOp op, CanonicalAtom& out) {
  UnquotePath(path, out.object_path);
  out.role = AddressRole::kAny;
  PathClass c = ClassifyPath(object_type, out.object_path, &out.hash_algorithm);
  bool ip_class =
      c == PathClass::kIp || c == PathClass::kIpSource || c == PathClass::kIpDestination;
  if (op == AtomicOp::kIsSubset && !ip_class) {
    return InvalidArgument("ISSUBSET is only indexed for IP addresses");
  }
  auto where = [&] {
    return std::string(object_type) + ":" + std::string(path) + " '" + std::string(value) + "'";
  };
  switch (c) {
    case PathClass::kIp:
    case PathClass::kIpSource:
    case PathClass::kIpDestination: {
      auto prefix = ParseIpPrefix(value);
      if (!prefix) {
        // network-traffic:dst_ref may name a domain-name too.
        if (c != PathClass::kIp && op == AtomicOp::kEqual && NormalizeDomain(value, out.value)) {
          out.kind = IndicatorClass::kDomainName;
          return Status::Ok();
        }
        return InvalidArgument(where() + ": not an IP address or CIDR range");
      }
      out.kind = IndicatorClass::kIpAddress;
      out.prefix = *prefix;
      out.role = c == PathClass::kIpSource        ? AddressRole::kSource
                 : c == PathClass::kIpDestination ? AddressRole::kDestination
                                                  : AddressRole::kAny;
      out.value.clear();
      return Status::Ok();
    }
    case PathClass::kDomain:
      if (!NormalizeDomain(value, out.value)) {
        return InvalidArgument(where() + ": not a domain name");
      }
      out.kind = IndicatorClass::kDomainName;
      return Status::Ok();
    case PathClass::kUrl:
      if (!NormalizeUrl(value, out.value)) return InvalidArgument(where() + ": not a URL");
      out.kind = IndicatorClass::kUrl;
      return Status::Ok();
    case PathClass::kEmail:
      if (!NormalizeEmail(value, out.value)) {
        return InvalidArgument(where() + ": not an e-mail address");
      }
      out.kind = IndicatorClass::kEmailAddress;
      return Status::Ok();
    case PathClass::kHash:
      if (!DecodeHash(out.hash_algorithm, value, out.value)) {
        return InvalidArgument(where() + ": not a " +
                               std::string(HashAlgorithmName(out.hash_algorithm)) + " digest");
      }
      out.kind = IndicatorClass::kHash;
      return Status::Ok();
    case PathClass::kOther: {
      out.object_path.insert(0, 1, ':');
      out.object_path.insert(0, object_type);
      if (!NormalizeOtherValue(out.object_path, value, out.value)) out.value.assign(value);
      out.kind = IndicatorClass::kOther;
      return Status::Ok();
    }
  }
  return Internal("unhandled path class");
}

Status IndicatorIndexBuilder::AddAtomic(uint32_t indicator, std::string_view object_type,
                                        std::string_view path, std::string_view value,
                                        AtomicOp op) {
  IndexTables& t = *s_->t;
  if (indicator >= t.meta.size()) return InvalidArgument("indicator number not registered");
  CanonicalAtom& a = s_->atom;
  TESSERA_RETURN_IF_ERROR(CanonicalizeAtom(object_type, path, value, op, a));
  switch (a.kind) {
    case IndicatorClass::kIpAddress:
      StagePrefix(t.indicators, a.prefix, a.role, indicator);
      ++t.counts.addresses;
      return Status::Ok();
    case IndicatorClass::kDomainName:
      t.indicators.domains.Stage(a.value, indicator);
      ++t.counts.domains;
      return Status::Ok();
    case IndicatorClass::kUrl:
      t.indicators.urls.Stage(a.value, indicator);
      ++t.counts.urls;
      return Status::Ok();
    case IndicatorClass::kEmailAddress:
      t.indicators.emails.Stage(a.value, indicator);
      ++t.counts.emails;
      return Status::Ok();
    case IndicatorClass::kHash:
      t.indicators.hashes[static_cast<size_t>(a.hash_algorithm)].Stage(a.value, indicator);
      ++t.counts.hashes;
      return Status::Ok();
    case IndicatorClass::kOther: {
      uint32_t id = *PathId(t, a.object_path, true);
      t.indicators.others[id].Stage(a.value, indicator);
      ++t.counts.others;
      return Status::Ok();
    }
  }
  return Internal("unhandled indicator class");
}

Status IndicatorIndexBuilder::Renumber(const std::vector<uint32_t>& to) {
  static_assert(kDropped == internal::kDroppedIndicator);
  IndexTables& t = *s_->t;
  if (to.size() != t.meta.size()) {
    return InvalidArgument("renumbering " + std::to_string(to.size()) + " indicators of " +
                           std::to_string(t.meta.size()));
  }
  const size_t kept = to.size() - static_cast<size_t>(std::count(to.begin(), to.end(), kDropped));
  std::vector<bool> seen(kept, false);
  for (uint32_t n : to) {
    if (n == kDropped) continue;
    if (n >= kept || seen[n]) return InvalidArgument("not a numbering of the kept indicators");
    seen[n] = true;
  }
  std::vector<internal::IndicatorMeta> meta(kept);
  std::vector<bool> revoked(kept, false);
  for (size_t i = 0; i < to.size(); ++i) {
    if (i + internal::kPrefetchAhead < to.size() && to[i + internal::kPrefetchAhead] != kDropped)
      internal::Prefetch(&meta[to[i + internal::kPrefetchAhead]]);
    if (to[i] == kDropped) continue;
    meta[to[i]] = t.meta[i];
    revoked[to[i]] = t.revoked[i];
  }
  t.meta = std::move(meta);
  t.revoked = std::move(revoked);
  t.counts.indicators = kept;
  t.indicators.Renumber(to, t.counts);
  for (auto it = s_->by_id.begin(); it != s_->by_id.end();) {
    it->second = to[it->second];
    it = it->second == kDropped ? s_->by_id.erase(it) : std::next(it);
  }
  return Status::Ok();
}

bool IndicatorIndexBuilder::HasIndicator(uint32_t indicator) const {
  return indicator < s_->t->meta.size();
}

Status IndicatorIndexBuilder::Add(const AtomicIndicator& atomic) {
  std::string_view id = atomic.indicator.id;
  U128 uuid;
  if (id.substr(0, kIndicatorPrefix.size()) != kIndicatorPrefix ||
      !ParseUuid(id.substr(kIndicatorPrefix.size()), &uuid.hi, &uuid.lo)) {
    return InvalidArgument("indicator id '" + atomic.indicator.id + "' is not indicator--<uuid>");
  }
  uint32_t number;
  auto it = s_->by_id.find(uuid);
  if (it != s_->by_id.end()) {
    number = it->second;
  } else {
    TESSERA_ASSIGN_OR_RETURN(number, AddIndicator(atomic.indicator));
    s_->by_id.emplace(uuid, number);
  }
  return AddAtomic(number, atomic.object_type, atomic.path, atomic.value, atomic.op);
}

Status IndicatorIndexBuilder::AddAllowlistEntry(std::string_view entry) {
  IndexTables& t = *s_->t;
  entry = Trim(entry);
  if (entry.empty()) return InvalidArgument("empty allowlist entry");
  if (auto prefix = ParseIpPrefix(entry)) {
    StagePrefix(t.allow, *prefix, AddressRole::kAny, 0);
  } else if (entry.find("://") != std::string_view::npos) {
    if (!NormalizeUrl(entry, s_->value))
      return InvalidArgument("'" + std::string(entry) + "' is not a URL");
    t.allow.urls.Stage(s_->value, 0);
  } else if (size_t eq = entry.find('='); eq != std::string_view::npos && entry.find(':') < eq) {
    std::string_view object_path = Trim(entry.substr(0, eq));
    std::string_view value = Trim(entry.substr(eq + 1));
    size_t colon = object_path.find(':');
    std::string_view type = object_path.substr(0, colon);
    if (type.empty() ||
        type.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string_view::npos ||
        colon + 1 >= object_path.size()) {
      return InvalidArgument("'" + std::string(entry) + "' is not 'type:path = value'");
    }
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
      value = value.substr(1, value.size() - 2);
    UnquotePath(object_path, s_->key);
    uint32_t id = *PathId(t, s_->key, true);
    t.allow.others[id].Stage(NormalizeOtherValue(s_->key, value, s_->value) ? s_->value : value, 0);
  } else if (entry.find('@') != std::string_view::npos) {
    if (!NormalizeEmail(entry, s_->value)) {
      return InvalidArgument("'" + std::string(entry) + "' is not an e-mail address");
    }
    t.allow.emails.Stage(s_->value, 0);
  } else if (auto algorithm = HashAlgorithmFromHexLength(entry.size()); algorithm && IsHex(entry)) {
    if (!DecodeHash(*algorithm, entry, s_->value)) return InvalidArgument("bad digest");
    t.allow.hashes[static_cast<size_t>(*algorithm)].Stage(s_->value, 0);
  } else if (NormalizeDomain(entry, s_->value)) {
    t.allow.domains.Stage(s_->value, 0);
  } else {
    return InvalidArgument(
        "'" + std::string(entry) +
        "' is not an address, range, URL, type:path = value, e-mail address, digest or domain");
  }
  ++t.counts.allowlist_entries;
  return Status::Ok();
}

Status IndicatorIndexBuilder::AddAllowlist(std::string_view text) {
  size_t line_number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_number;
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    Status st = AddAllowlistEntry(line);
    if (!st.ok())
      return InvalidArgument("line " + std::to_string(line_number) + ": " + st.message());
  }
  return Status::Ok();
}

Result<IndicatorIndex> IndicatorIndexBuilder::Build() && {
  IndexTables& t = *s_->t;
  // Allowlist references are all indicator 0 (unused): a posting of one.
  TESSERA_RETURN_IF_ERROR(t.indicators.Build(t.postings));
  TESSERA_RETURN_IF_ERROR(t.allow.Build(t.postings));
  t.postings.ShrinkToFit();
  t.meta.shrink_to_fit();
  t.revoked.shrink_to_fit();
  s_->by_id.clear();
  return IndicatorIndex(std::move(s_->t));
}

}  // namespace tessera::hunt
