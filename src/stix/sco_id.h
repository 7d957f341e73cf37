#pragma once
// Deterministic identifiers of STIX Cyber-observable Objects (STIX 2.1 §2.9, §6): the UUIDv5, in
// the STIX namespace 00abedb4-aa42-466c-9c01-fed23315a9b7, of the JSON canonicalization
// (RFC 8785) of the object's "ID Contributing Properties".

#include <boost/json.hpp>

#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera::stix {

// The JSON Canonicalization Scheme (RFC 8785) form of `value`: object members sorted by the
// UTF-16 code units of their names, no whitespace, minimal string escapes, numbers in the
// ECMAScript form. Pure; thread-safe.
std::string CanonicalJson(const boost::json::value& value);

// The ID Contributing Properties of SCO type `type` (e.g. {"value"} for ipv4-addr); empty for
// process (which has none) and for types that are not predefined SCOs. Static storage.
std::span<const std::string_view> IdContributingProperties(std::string_view type);

// "<type>--<uuidv5>" for the SCO `sco`, from the contributing properties it carries. Of a
// `hashes` dictionary only one hash takes part: the first present of MD5, SHA-1, SHA-256,
// SHA-512, SHA3-256, SHA3-512, SSDEEP, TLSH, else the smallest algorithm name.
// kInvalidArgument when `sco` has no string `type`, its type has no contributing properties, or
// it carries none of them (the standard then asks for a UUIDv4, which the caller chooses).
Result<std::string> DeterministicScoId(const boost::json::object& sco);

}  // namespace tessera::stix
