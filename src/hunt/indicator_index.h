#pragma once
// The indicator index: every atomic comparison `type:path = 'value'` of the loaded STIX indicators,
// normalized and stored compactly, so that each observable value of a log event is looked up in a
// few hash probes.
//
//   IndicatorIndexBuilder b;
//   TESSERA_ASSIGN_OR_RETURN(uint32_t ind, b.AddIndicator({"indicator--...", from, until, false}));
//   TESSERA_RETURN_IF_ERROR(b.AddAtomic(ind, "domain-name", "value", "evil.example"));
//   TESSERA_RETURN_IF_ERROR(b.AddAllowlistEntry("10.0.0.0/8"));
//   TESSERA_ASSIGN_OR_RETURN(IndicatorIndex index, std::move(b).Build());
//   LookupScratch scratch;  std::vector<Hit> hits;
//   index.Lookup(observable, event_time, scratch, hits);
//
// What matches what:
// - ipv4-addr:value, ipv6-addr:value (and network-traffic:src_ref.value / dst_ref.value, which
//   only match source / destination addresses): an address or CIDR range (`=` or ISSUBSET).
//   Every range that holds an address hits (its indicators active at the lookup time), longest
//   prefix first: `198.51.100.77/32`, then `198.51.100.0/24`, then `198.51.0.0/16`.
// - domain-name:value: label-aware; `evil.example` covers `a.evil.example`, never
//   `notevil.example` or `evil.example.net`. Unicode and punycode forms are the same name. Every
//   matching suffix hits.
// - url:value: by the canonical form of NormalizeUrl (RFC 3986 §6.2.2).
// - email-addr:value (and email-message:from_ref / sender_ref / to_refs[*] / cc_refs[*] /
//   bcc_refs[*] .value): by NormalizeEmail.
// - <any type>:hashes.MD5 / 'SHA-1' / 'SHA-256' / 'SHA-512': by the digest bytes (hex case and
//   ':' separators do not matter).
// - anything else, `type:path = 'value'`: the value exactly, for that type and path (except the
//   few NormalizeOtherValue knows: MAC addresses, case-insensitive registry keys).
// An indicator is active at time t when it is not revoked, valid_from <= t and, if it has one,
// t < valid_until. An observed value covered by the allowlist hits nothing.
//
// Memory: about 12-16 bytes plus the canonical value per atomic comparison, plus 32 bytes per
// indicator (see docs/hunt.md).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "hunt/normalize.h"
#include "hunt/observable.h"

namespace tessera::hunt {
namespace internal {
struct IndexTables;
}

// The STIX indicator an atomic comparison belongs to.
struct IndicatorRef {
  std::string id;  // "indicator--<uuid>"
  Timestamp valid_from;
  std::optional<Timestamp> valid_until;
  bool revoked = false;
};

// The comparison operators the index serves. ISSUBSET is only meaningful for addresses.
enum class AtomicOp : uint8_t { kEqual, kIsSubset };

// One atomic comparison `object_type:path op 'value'` of an indicator's pattern, as the pattern
// engine lists them. `path` is written as in the pattern ("value", "hashes.'SHA-256'",
// "dst_ref.value"); single quotes around keys do not matter.
struct AtomicIndicator {
  std::string object_type;
  std::string path;
  std::string value;
  AtomicOp op = AtomicOp::kEqual;
  IndicatorRef indicator;
};

// Which kind of table a hit came from.
enum class IndicatorClass : uint8_t { kIpAddress, kDomainName, kUrl, kEmailAddress, kHash, kOther };
std::string_view IndicatorClassName(IndicatorClass c);  // "ip", "domain", "url", ...

struct Hit {
  uint32_t indicator = 0;  // IndicatorIndex::Indicator(indicator)
  IndicatorClass kind = IndicatorClass::kOther;
  // kHash: the algorithm of the digest.
  HashAlgorithm hash_algorithm = HashAlgorithm::kMd5;
  // kIpAddress: the indicator's network that contained the address.
  IpPrefix prefix;
  // The indicator value that matched, canonical: kDomainName the matched domain (a suffix of
  // the observed name), kUrl / kEmailAddress / kOther the value, kHash the digest bytes, kIpAddress
  // empty (see prefix). Points into the index; valid as long as the index.
  std::string_view matched;
};

struct LookupResult {
  size_t hits = 0;           // hits appended
  bool allowlisted = false;  // the value is on the allowlist (no hits then)
  bool unparseable = false;  // the value is not valid for its kind (no hits then)
};

// Scratch buffers for Lookup; one per thread. Reusing it makes lookups allocation-free once its
// buffers have grown (except for internationalized domain names, which cost one libidn2 call).
struct LookupScratch {
  std::string value;
  std::string key;
};

struct IndicatorSnapshot {
  std::string id;
  Timestamp valid_from;
  std::optional<Timestamp> valid_until;
  bool revoked = false;
};

struct IndexCounts {
  size_t indicators = 0;
  size_t addresses = 0;  // atomic comparisons by class
  size_t domains = 0;
  size_t urls = 0;
  size_t emails = 0;
  size_t hashes = 0;
  size_t others = 0;
  size_t allowlist_entries = 0;
  size_t atomics() const { return addresses + domains + urls + emails + hashes + others; }
};

// One atomic comparison's value as the index files it (IndicatorIndexBuilder::AddAtomic), and as
// the hub's search files it (search_keys.h): its class and canonical form.
struct CanonicalAtom {
  IndicatorClass kind = IndicatorClass::kOther;
  // kIpAddress: the network (an address is a /32 or /128) and which address of a connection it
  // is (network-traffic:src_ref / dst_ref).
  IpPrefix prefix;
  AddressRole role = AddressRole::kAny;
  HashAlgorithm hash_algorithm = HashAlgorithm::kMd5;  // kHash
  // kDomainName, kUrl, kEmailAddress: the canonical text; kHash: the digest bytes; kOther: the
  // value, canonical when NormalizeOtherValue has a rule for its path. Empty for kIpAddress.
  std::string value;
  std::string object_path;  // kOther: "type:path", the path unquoted
};

// Classifies and normalizes `object_type`:`path` `op` '`value`' as the index does (see the top
// of this file for the classes). kInvalidArgument naming the comparison when the value is not
// valid for its class (an address that does not parse, a hash of the wrong length...) or when
// ISSUBSET is used on anything but an address. Reuses `out`'s storage. Thread-safe.
Status CanonicalizeAtom(std::string_view object_type, std::string_view path, std::string_view value,
                        AtomicOp op, CanonicalAtom& out);

class IndicatorIndexBuilder;

// Immutable once built. Lookup and the accessors are const and thread-safe.
class IndicatorIndex {
 public:
  IndicatorIndex(IndicatorIndex&&) noexcept;
  IndicatorIndex& operator=(IndicatorIndex&&) noexcept;
  ~IndicatorIndex();

  // Looks `observable` up and appends one Hit per (active indicator, matched value) to `hits`;
  // `at` decides validity (use the event's time, or now when the event has none). The returned
  // hits' `matched` views point into the index.
  LookupResult Lookup(const Observable& observable, Timestamp at, LookupScratch& scratch,
                      std::vector<Hit>& hits) const;

  // The indicator numbered `i` (< counts().indicators).
  IndicatorSnapshot Indicator(uint32_t i) const;

  const IndexCounts& counts() const;
  // Bytes held by the built tables (capacity, not just size).
  size_t MemoryBytes() const;

 private:
  friend class IndicatorIndexBuilder;
  explicit IndicatorIndex(std::unique_ptr<internal::IndexTables> t);
  std::unique_ptr<internal::IndexTables> t_;
};

// Collects indicators, their atomic comparisons and the allowlist, then builds the index. Not
// thread-safe.
class IndicatorIndexBuilder {
 public:
  IndicatorIndexBuilder();
  IndicatorIndexBuilder(IndicatorIndexBuilder&&) noexcept;
  ~IndicatorIndexBuilder();

  // Registers an indicator and returns its number (what Hit::indicator names). kInvalidArgument
  // when `id` is not "indicator--<uuid>". Registering the same id twice gives two numbers; use
  // Add() to deduplicate by id.
  Result<uint32_t> AddIndicator(const IndicatorRef& ref);

  // Whether `indicator` is a number AddIndicator returned.
  bool HasIndicator(uint32_t indicator) const;

  // Gives the registered indicators new numbers, before Build: indicator i becomes to[i], or is
  // dropped with its comparisons when to[i] is kDropped. For a caller that registers indicators
  // as they come and numbers them in another order once all have come (HuntIndicatorsBuilder: id
  // order, a newer version of an indicator replacing an older one). `to` has one entry per
  // registered indicator and its other entries are 0..k-1, each once. kInvalidArgument, and
  // nothing changed, when it is not such a numbering. The counts (IndexCounts) are those of
  // what is kept.
  static constexpr uint32_t kDropped = UINT32_MAX;
  Status Renumber(const std::vector<uint32_t>& to);

  // Adds one atomic comparison of indicator number `indicator`. kInvalidArgument (and nothing
  // added) when the value is not valid for its type (an address that does not parse, a hash of
  // the wrong length...), when ISSUBSET is used on anything but an address, or when `indicator`
  // was not registered.
  Status AddAtomic(uint32_t indicator, std::string_view object_type, std::string_view path,
                   std::string_view value, AtomicOp op = AtomicOp::kEqual);

  // AddIndicator (once per distinct id) then AddAtomic.
  Status Add(const AtomicIndicator& atomic);

  // One allowlist entry, its kind told by its form:
  //   "192.0.2.7", "10.0.0.0/8", "2001:db8::/32"  an address or a range (CIDR)
  //   "https://example.org/login"                 a URL (exact, canonical)
  //   "type:path = value"                         that exact value of any other type:path
  //   "postmaster@example.org"                    an e-mail address (exact)
  //   32/40/64/128 hex digits                     an MD5/SHA-1/SHA-256/SHA-512 digest
  //   "example.org"                               a domain and all its subdomains
  // kInvalidArgument when the entry is none of these.
  Status AddAllowlistEntry(std::string_view entry);

  // Reads allowlist entries, one a line; blank lines and lines starting with '#' are skipped.
  // kInvalidArgument naming the first bad line ("line 3: ...").
  Status AddAllowlist(std::string_view text);

  // Builds the index; the builder is spent. kLimitExceeded past 2^31 indicators or 4 GiB of
  // values in one table.
  Result<IndicatorIndex> Build() &&;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace tessera::hunt
