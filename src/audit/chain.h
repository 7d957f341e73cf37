#pragma once
// A tamper-evident audit log: entries in hash chains, one chain per log ("hub" for the hub's
// changes; the incidents feature keeps its own chain with the same code). Each entry's hash is
// BLAKE2b-256 (libsodium's crypto_generichash) of the previous entry's hash and the entry's
// canonical content, so changing, deleting or reordering any entry breaks every hash after it;
// removing the newest entries is caught by comparing the chain's head with a copy kept out of
// band (Head()). This file knows no storage: the store keeps the rows (store/audit_log.h) and
// Verifier checks them as they are read.

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/time.h"

namespace tessera::audit {

// The chain of the hub's own changes (accounts, tokens, groups, collections, objects, sessions,
// settings).
inline constexpr std::string_view kHubChain = "hub";

// The result words of an entry.
inline constexpr std::string_view kDone = "done";
inline constexpr std::string_view kRefused = "refused";
// A closing entry's: the request ended in failure after some of its changes were committed (what
// they did stays; the entry it closes says what the first was). See store/audit_log.h.
inline constexpr std::string_view kFailed = "failed";

// The previous hash of a chain's first entry: 64 zeros.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Limits on what one entry keeps (longer text is cut, marked with "..."): entries come from
// requests, and a log must not grow by what a client chooses to send.
inline constexpr size_t kMaxFieldBytes = 1024;

struct Entry {
  std::string chain;      // kHubChain, or another log's name
  int64_t number = 0;     // 1, 2, ... within its chain (given by the store when appended)
  Timestamp time;         // when it was appended (microsecond precision is what is kept)
  std::string actor;      // the user's name, or "cli:<OS user>" for the command line
  int64_t org_id = 0;     // the actor's organization (0: none, the operator)
  std::string org;        // its name at the time ("" when none)
  std::string action;     // a stable name: "user.create", "token.revoke", "objects.add", ...
  std::string target;     // what it acted on: "user:alice", "collection:<id>", ...
  std::string result;     // kDone, kRefused or kFailed
  std::string reason;     // why it was refused or failed ("" when done)
  std::string client;     // the client's address ("" for the command line)
  std::string details;    // what else the action says: counts, a status id, the new role, ...
  std::string prev_hash;  // the previous entry's hash (kGenesisHash for the first), lowercase hex
  std::string hash;       // this entry's hash, lowercase hex (64 digits)
};

// Cuts every text field of `e` to kMaxFieldBytes (at a UTF-8 boundary, "..." appended).
void BoundFields(Entry& e);

// The canonical content of `e` that its hash covers: every field but prev_hash and hash, each as
// "<length>:<bytes>;" in a fixed order (chain, number, time in microseconds, actor, org_id, org,
// action, target, result, reason, client, details): unambiguous whatever the bytes are.
std::string CanonicalContent(const Entry& e);

// The hash of `e` after `prev_hash`: hex of BLAKE2b-256(prev_hash || CanonicalContent(e)).
// Needs libsodium initialised (sodium_init; policy::InitCrypto does it). Thread-safe.
std::string EntryHash(std::string_view prev_hash, const Entry& e);

// `e` as JSON, as GET /api/v1/audit and `tessera audit list --json` show it: number, time
// (RFC 3339, microseconds), actor, org_id, org, action, target, result, reason, client, details,
// prev_hash, hash.
boost::json::object EntryJson(const Entry& e);

// Checks a chain entry by entry, oldest first. Not thread-safe.
class Verifier {
 public:
  explicit Verifier(std::string chain) : chain_(std::move(chain)) {}
  // Checks `e` against the entries fed before. False (and Verifier keeps the first failure) when
  // its number is not the next one (a deleted or reordered entry), its prev_hash is not the
  // previous entry's hash, or its hash is not what its content gives (a changed entry).
  bool Feed(const Entry& e);
  bool intact() const { return bad_number_ == 0; }
  int64_t checked() const { return checked_; }       // entries fed
  int64_t first_bad() const { return bad_number_; }  // the position of the first bad entry
  const std::string& why() const { return why_; }    // what is wrong with it
  // The hash of the last entry fed (kGenesisHash for an empty chain): the head to keep.
  const std::string& head() const { return head_; }

 private:
  std::string chain_;
  int64_t checked_ = 0;
  int64_t bad_number_ = 0;
  std::string why_;
  std::string head_{kGenesisHash};
};

}  // namespace tessera::audit
