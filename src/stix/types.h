#pragma once
// The families of STIX 2.1 object types (§2.1-2.3, §4-7) and the identifier syntax (§2.9).

#include <string_view>

namespace tessera::stix {

enum class TypeFamily {
  kSdo,     // STIX Domain Object: attack-pattern ... vulnerability
  kSro,     // relationship, sighting
  kSco,     // STIX Cyber-observable Object: artifact ... x509-certificate
  kMeta,    // language-content, marking-definition, extension-definition
  kBundle,  // bundle
  kCustom,  // any other (syntactically valid) type name: a custom object
};

// The family of `type`. Pure; thread-safe.
TypeFamily FamilyOf(std::string_view type);

// True when `type` is a syntactically valid STIX type name: 3-250 characters of a-z, 0-9 and
// '-', starting with a letter, without "--" (which separates the type from the UUID in an id).
bool IsValidTypeName(std::string_view type);

// The STIX 2.1 type name (SDO, SRO, SCO or meta object; not "bundle") closest to `text` by
// edit distance, case ignored, when it is at most 2 edits away (or `text` lower-cased is one);
// "" otherwise. For messages that suggest a name ("did you mean 'indicator'?"). Pure;
// thread-safe.
std::string_view ClosestStixType(std::string_view text);

// True when `id` is "<type>--<RFC 4122 UUID>" with a valid type name, in its canonical form: the
// UUID in lower case (RFC 4122 §3 writes it so; STIX compares identifiers as text, so
// "indicator--0C4B..." and "indicator--0c4b..." would be two objects to every other tool). An
// identifier in any other case is refused everywhere, never lower-cased: objects are kept
// exactly as posted. When it is valid, `*type_out` (if not null) receives the type part, a view
// into `id`.
bool IsValidIdentifier(std::string_view id, std::string_view* type_out = nullptr);

// True when `id` is not a valid identifier as it is but would be in lower case: the reason to
// give a producer whose identifier is refused. Allocates; for error paths.
bool IsIdentifierInOtherCase(std::string_view id);

// The `value` of the address SCOs: what STIX 2.1 requires it to be when `value` is not that, ""
// when it is or when `type` is not one of them. ipv4-addr: "an IPv4 address or CIDR block",
// ipv6-addr: "an IPv6 address or CIDR block" (common/ip.h's grammar; an IPv4 prefix is at most
// 32), mac-addr: "a lower-case, colon-delimited MAC-48 address" (§6.6.1). The one rule that the
// validation of objects and the check of pattern constants (pattern/indicator.h) apply. Pure;
// thread-safe.
std::string_view BadAddressValue(std::string_view type, std::string_view value);

}  // namespace tessera::stix
