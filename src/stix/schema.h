#pragma once
// The STIX 2.1 object types as data: for each type, its properties and the kind of value each one
// holds. The validator (validate.cpp) walks an object once and looks each property up here, so a
// rule of the standard is a table entry, not code. Internal to src/stix.

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "stix/types.h"

namespace tessera::stix::schema {

// What a property holds. Lists are never empty (STIX 2.1 §2.8: an empty list MUST NOT be used).
enum class Kind : uint8_t {
  kString,
  kBoolean,
  kInteger,          // JSON integer within [min, max]
  kNumber,           // JSON number within [min, max]
  kTimestamp,        // RFC 3339 UTC, any precision
  kTimestampMillis,  // created/modified: at least millisecond precision
  kRef,              // identifier of an allowed type (see RefClass / values)
  kRefList,
  kStringList,
  kOpenVocab,  // string; a value outside `values` is a warning
  kOpenVocabList,
  kEnum,  // string; a value outside `values` is an error
  kEnumList,
  kHashes,            // hashes dictionary: algorithm -> value
  kDictionary,        // dictionary with STIX key rules, any values
  kBinary,            // base64
  kHex,               // even number of hex digits
  kObject,            // nested object checked against `shape`
  kObjectList,        // non-empty list of objects each checked against `shape`
  kExtensions,        // the `extensions` dictionary
  kAny,               // any JSON value
  kObservedObjects,   // observed-data `objects` (deprecated container)
  kLanguageContents,  // language-content `contents`
  kCountDictionary,   // entity-count: keys of a-z and '-', values integers >= 0
};

// Which object types an identifier property may point at.
enum class RefClass : uint8_t {
  kListed,        // only the types in Prop::values
  kSdo,           // any SDO or custom object (sighting_of_ref)
  kSdoOrSco,      // any SDO, SCO or custom object (relationship source_ref/target_ref)
  kSco,           // any SCO or custom object
  kScoOrSro,      // observed-data object_refs
  kAnyButBundle,  // report/note/opinion/grouping object_refs, language-content object_ref
};

struct Shape;

struct Prop {
  std::string_view name;
  Kind kind = Kind::kString;
  bool required = false;
  std::span<const std::string_view> values = {};  // vocabulary, enum or allowed reference types
  RefClass ref = RefClass::kListed;
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  const Shape* shape = nullptr;  // kObject / kObjectList
};

struct Ctx;  // validate.cpp

// A named predefined extension of an SCO type ("archive-ext", ...).
struct ExtensionShape {
  std::string_view name;
  const Shape* shape;
};

// An ordering rule between two timestamp properties: `later` MUST NOT be before `earlier`
// (or MUST be after it when `strict`).
struct TimeOrder {
  std::string_view earlier;
  std::string_view later;
  bool strict;
};

enum class Check : uint8_t {
  kNone,
  kKillChainPhase,
  kExternalReference,
  kGranularMarking,
  kIndicator,
  kLocation,
  kMalware,
  kMalwareAnalysis,
  kObservedData,
  kMarkingDefinition,
  kExtensionDefinition,
  kArtifact,
  kEmailMessage,
  kMimePart,
  kFile,
  kNetworkTraffic,
  kAtLeastOneProperty,  // process, user-account, windows-registry-key, x509-certificate
  kWindowsRegistryKey,
  kIpv4Value,
  kIpv6Value,
  kMacValue,
  kUrlValue,
  kEmailAddrValue,
  kAtLeastOneExtensionProperty,
  // The incident extensions (stix/incident_extensions.h):
  kIncidentCore,    // next_steps refer to entries of the same list
  kIncidentImpact,  // impact_category names an extension present; superseded_by_ref, end_time
  kStateChange,     // initial_ref or result_ref; both of one type
  kConfidentialityImpact,
  kIntegrityImpact,
  kPhysicalImpact,
  kMonetaryImpact,
  kTesseraIncident,  // one lead, who is lead_organization_ref; no organization twice; stage
                     // agrees with investigation_status
  kParticipant,      // seen and acknowledged not before invited
};

struct Shape {
  std::string_view name;  // the type name, or a descriptive name for nested shapes
  std::span<const Prop> props;
  const Shape* base = nullptr;  // properties shared by a family (SDO/SRO core, SCO core)
  Check check = Check::kNone;
  std::span<const TimeOrder> orders = {};
  std::span<const ExtensionShape> extensions = {};  // predefined extensions (SCOs)
};

// An extension-definition whose content the validator checks (stix/incident_extensions.h).
struct TypedShape {
  std::string_view type;  // the object type
  const Shape* shape;     // new-sdo: the object's own properties; property-extension: the
                          // extension object's properties
};
struct DefinedExtension {
  std::string_view id;                 // "extension-definition--..."
  std::string_view name;               // for messages: "the OASIS Task extension"
  std::string_view extension_type;     // "new-sdo" or "property-extension"
  std::span<const TypedShape> shapes;  // new-sdo: exactly one; property-extension: per type
};

// The extension-definition `id` names, or nullptr when the validator does not know it.
const DefinedExtension* FindDefinedExtension(std::string_view id);
// The extension object of a new SDO (`{"extension_type": "new-sdo"}`, nothing else).
const Shape& NewSdoExtensionShape();

// The shape of a STIX 2.1 type, or nullptr for a type the standard does not define.
const Shape* FindShape(std::string_view type);

// Shapes used directly by the validator.
const Shape& CustomSdoShape();  // common properties of an SDO/SRO, none required but type/id
const Shape& CustomScoShape();

// Hash algorithm names of hash-algorithm-ov.
std::span<const std::string_view> HashAlgorithms();

}  // namespace tessera::stix::schema
