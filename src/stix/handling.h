#pragma once
// How an object is marked and addressed: its markings, its author and the audience it names.
// The STIX reader reads these once, from the parsed object, while it validates it
// (stix::ReadDocument fills Object::handling); every write path places objects by what it read
// (policy::Placer), so no path can read an object's markings differently from another
// (docs/stix.md, "Markings").

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "stix/tlp_level.h"

namespace tessera::stix {

// The Tessera STIX extension (a property-extension) by which a producer names an object's
// audience:
//   "extensions": {"extension-definition--c7d6d5b3-...": {"extension_type":
//   "property-extension", "recipients": ["identity--...", ...], "sharing_group": "name"}}
// recipients are identity ids (at most kMaxRecipients); sharing_group a group's name (1 to
// kMaxSharingGroupBytes bytes). The reader refuses any other shape.
inline constexpr std::string_view kTesseraExtensionId =
    "extension-definition--c7d6d5b3-7d6e-4f0e-9a59-2c1a1f6e7b41";
inline constexpr size_t kMaxRecipients = 1000;
inline constexpr size_t kMaxSharingGroupBytes = 256;

// What a marking-definition object is, as far as who may read what it marks is concerned.
enum class MarkingClass {
  kStandardTlp,  // one of the nine TLP definitions built in (stix/tlp.h)
  // Claims to be TLP without being one of those: definition_type "tlp", a definition with a
  // "tlp" value, the TLP 2.0 extension, or a name starting with "TLP" in any case. What it
  // means cannot be known, so whatever it marks is as restricted as TLP:RED.
  kTlpLike,
  // Anything else: statements (copyright, terms of use), PAP and other extension-based
  // markings. Kept with the object; they do not change who reads it.
  kStatement,
};

struct Handling {
  // The most restrictive of the standard TLP markings among object_marking_refs and the
  // marking_ref of granular_markings (an object is as restricted as its most restricted part:
  // the hub cannot serve part of an object). nullopt: none.
  std::optional<TlpLevel> tlp;
  // The other marking ids there, each once, in input order.
  std::vector<std::string> other_markings;
  std::string created_by_ref;  // "" when absent
  // The Tessera extension is present (then recipients and sharing_group are what it names,
  // either possibly empty).
  bool names_audience = false;
  std::vector<std::string> recipients;
  std::string sharing_group;
  // For a marking-definition: what it is. nullopt for every other type.
  std::optional<MarkingClass> defines;
};

// Reads and validates one object's JSON text as stix::ReadDocument does and returns its
// handling: for objects built in code rather than read (Object::handling is nullopt). An object
// that breaks a STIX rule (ReadDocument would refuse it) is kInvalidArgument naming the first
// error's path; a text that is not one JSON object too. Thread-safe.
Result<Handling> ReadHandling(std::string_view object_json);

}  // namespace tessera::stix
