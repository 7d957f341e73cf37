#pragma once
// Tessera's incident extension as STIX objects: its extension-definition and the identity that
// authors it (ids in stix/incident_extensions.h). Both are fixed: every hub publishes the same
// objects, byte for byte, so that a consumer of two hubs sees one definition. The properties the
// extension adds are listed in docs/incidents.md and in its JSON schema,
// docs/tessera-incident-extension.schema.json; the validator (stix/validate.cpp) checks them.

#include <string>
#include <string_view>

#include "stix/incident_extensions.h"

namespace tessera::incident {

// When the definition (version 1.0.0) was made: its `created` and `modified`.
inline constexpr std::string_view kExtensionDefinitionCreated = "2026-12-04T00:00:00.000Z";

// The extension-definition object (STIX 2.1 §7.3), minified, properties in a fixed order; valid
// STIX with --strict. Pure; thread-safe.
std::string TesseraExtensionDefinitionJson();

// The identity (identity_class "system", name "Tessera") that `created_by_ref` of the definition
// names, minified; valid STIX with --strict. Pure; thread-safe.
std::string TesseraIdentityJson();

}  // namespace tessera::incident
