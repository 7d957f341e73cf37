#pragma once
// The Traffic Light Protocol marking definitions, built in with their fixed STIX identifiers:
// the four of TLP 1.0 that STIX 2.1 predefines (§7.2.1.4: WHITE, GREEN, AMBER, RED) and the five
// of TLP 2.0 that OASIS publishes as an extension (cti-stix-common-objects,
// extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d: CLEAR, GREEN, AMBER, AMBER+STRICT,
// RED).

#include <span>
#include <string_view>

#include "stix/object.h"
#include "stix/tlp_level.h"

namespace tessera::stix {

struct TlpMarking {
  TlpVersion version;
  TlpLevel level;
  std::string_view id;    // "marking-definition--..."
  std::string_view name;  // "TLP:GREEN"
  std::string_view tlp;   // the value in the definition: "white", "amber+strict", ...
  std::string_view json;  // the standard object, minified
};

inline constexpr std::string_view kTlp2ExtensionDefinitionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

// All nine, TLP 1.0 first, each version ordered by level. Static storage; thread-safe.
std::span<const TlpMarking> TlpMarkings();

// The TLP marking with identifier `id`, or nullptr. Thread-safe.
const TlpMarking* FindTlpMarking(std::string_view id);

// The marking of `level` in `version`, or nullptr for TLP 1.0 AMBER+STRICT. Thread-safe.
const TlpMarking* FindTlpMarking(TlpVersion version, TlpLevel level);

// The marking as a stix::Object (type, id, created, json filled in).
Object TlpObject(const TlpMarking& marking);

}  // namespace tessera::stix
