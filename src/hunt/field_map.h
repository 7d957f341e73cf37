#pragma once
// Field maps: which fields of a log record carry which observables. The Zeek, Suricata EVE, ECS
// (with Sysmon / Winlogbeat) and CEF readers use built-in maps; any other JSON source is read
// with a map loaded from a TOML file (format in docs/hunt.md).
//
// Field names are JSON member names joined by '.' through nested objects ("dns.question.name");
// arrays are transparent (every element of "answers" is field "answers"). A name that is itself
// dotted in the JSON ("id.orig_h" in Zeek) reads the same as the nested form.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "hunt/normalize.h"
#include "hunt/observable.h"

namespace tessera::hunt {

enum class FieldKind : uint8_t {
  kIp,         // an address
  kDomain,     // a DNS name
  kHost,       // an address or a DNS name (":port" allowed)
  kUrl,        // a full URL; its host is looked up too (as kHost, same field)
  kEmail,      // an e-mail address, "Name <addr>" allowed
  kHash,       // a hex digest (algorithm given, or told by the length)
  kHashList,   // "SHA1=...,MD5=...,SHA256=...,IMPHASH=..." (Sysmon Hashes)
  kHostList,   // "type:  5 a.example;::ffff:192.0.2.1;" (Sysmon QueryResults): hosts split on ';'
  kOther,      // a value of `object_path`, compared exactly
  kUrlHost,    // a host (looked up as kHost) that, with kUrlPath, composes a URL
  kUrlPath,    // the path (or absolute URL) of a request; composed with kUrlHost into a URL
  kTime,       // the event time: epoch seconds (number or text) or an ISO 8601 / RFC 3339 text
  kEventType,  // the record's type ("_path", "event_type")
};

// "ip", "domain", "host", "url", "email", "hash", "hash-list", "host-list", "other", "url-host",
// "url-path", "time", "type".
std::string_view FieldKindName(FieldKind kind);
std::optional<FieldKind> FieldKindFromName(std::string_view name);

struct FieldRule {
  std::string field;  // "id.resp_h"
  FieldKind kind = FieldKind::kOther;
  AddressRole role = AddressRole::kAny;
  std::optional<HashAlgorithm> hash_algorithm;  // kHash: std::nullopt = by length
  std::string object_path;                      // kOther: "network-traffic:dst_port"
};

// An immutable set of rules with a lookup by field name. Thread-safe once built.
class FieldMap {
 public:
  // kInvalidArgument for an empty name, a duplicate field, or kOther without object_path.
  static Result<FieldMap> Create(std::string name, std::vector<FieldRule> rules,
                                 std::string url_scheme = "http");

  const std::string& name() const { return name_; }
  const std::string& url_scheme() const { return url_scheme_; }
  const std::vector<FieldRule>& rules() const { return rules_; }

  // The rule of `field`, or nullptr.
  const FieldRule* Find(std::string_view field) const;
  // The rule of `field` (or nullptr), and in *is_prefix whether some rule's field starts with
  // `field` + "." — one hash probe for both.
  const FieldRule* Find(std::string_view field, bool* is_prefix) const;
  // Whether some rule's field starts with `prefix` + "." (so that a JSON walk must descend).
  bool IsPrefix(std::string_view prefix) const;

 private:
  struct Entry {
    int rule = -1;  // index into rules_, or -1 when only a prefix
    bool prefix = false;
  };
  // Field names and their prefixes in a flat open-addressing table (at most half full): one probe
  // per JSON member on the reading path.
  struct Slot {
    uint64_t hash = 0;
    std::string name;
    Entry entry;
    bool used = false;
  };
  const Entry* Lookup(std::string_view name) const;
  Entry& Insert(const std::string& name);

  std::string name_;
  std::string url_scheme_;
  std::vector<FieldRule> rules_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// Parses a field-map file (TOML; see docs/hunt.md). kInvalidArgument with the line and reason.
Result<FieldMap> ParseFieldMap(std::string_view toml_text);

// The built-in maps. The references stay valid for the life of the program. Thread-safe.
const FieldMap& ZeekFieldMap();
const FieldMap& SuricataEveFieldMap();
const FieldMap& EcsFieldMap();
const FieldMap& CefFieldMap();

}  // namespace tessera::hunt
