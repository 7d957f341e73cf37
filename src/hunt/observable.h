#pragma once
// What a log reader hands to the indicator index: the observable values one event carries, each
// tied to the log field it came from.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "hunt/normalize.h"

namespace tessera::hunt {

enum class ObservableKind : uint8_t {
  kIpAddress,     // an IPv4 or IPv6 address (ipv4-addr / ipv6-addr)
  kDomainName,    // a DNS name (domain-name)
  kHost,          // a host as written in a log: an IP address, or else a domain name (":port" ok)
  kUrl,           // a URL (url)
  kEmailAddress,  // an e-mail address, possibly "Name <addr>" (email-addr)
  kHash,          // a file or certificate digest in hex (file:hashes.*)
  kOther,         // any other STIX `type:path` value, compared exactly (object_path says which)
};

// "ip", "domain", "host", "url", "email", "hash", "other".
std::string_view ObservableKindName(ObservableKind kind);

// The side of a connection an address was seen on. STIX `network-traffic:src_ref.value` only
// matches kSource addresses, `dst_ref.value` only kDestination ones; `ipv4-addr:value` any.
enum class AddressRole : uint8_t { kAny, kSource, kDestination };

struct Observable {
  ObservableKind kind = ObservableKind::kOther;
  AddressRole role = AddressRole::kAny;
  // kHash: the algorithm; std::nullopt means "by the number of hex digits".
  std::optional<HashAlgorithm> hash_algorithm;
  // The log field it came from: "id.resp_h", "dns.rrname", "destination.ip", "dst".
  std::string_view field;
  // The value as written in the log (after JSON unescaping).
  std::string_view value;
  // kOther: the STIX object path it is a value of, "network-traffic:dst_port"; else empty.
  std::string_view object_path;
};

// One log record. The views point into the reader's buffers and the reader's field map; they stay
// valid until the reader reads the next event.
struct Event {
  uint64_t line = 0;              // 1-based line number in the input
  std::optional<Timestamp> time;  // when the logged activity happened, if the record says
  std::string_view event_type;    // "conn", "dns", "alert", "network"... when the record says
  std::vector<Observable> observables;
};

}  // namespace tessera::hunt
