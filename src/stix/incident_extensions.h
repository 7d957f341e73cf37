#pragma once
// The extension-definitions of incident handling whose content the validator checks
// (stix/validate.cpp, tables in stix/schema.cpp): the OASIS Incident Extension Suite (pinned in
// tests/data/incident/oasis/, see its README) and Tessera's own incident extension
// (docs/incidents.md). An object naming one of them is checked against its rules on every path
// that reads STIX (ingest, `tessera validate`); the rules are listed in docs/stix.md.

#include <string_view>

namespace tessera::stix {

// OASIS Incident Core (a property-extension of `incident`): determination, investigation_status,
// criticality, detection_methods, events, tasks, impact_refs, impacted_entity_counts,
// incident_types, recoverability, scores.
inline constexpr std::string_view kIncidentCoreExtensionId =
    "extension-definition--ef765651-680c-498d-9894-99799f2fa126";
// OASIS Task, Event and Impact: each a new SDO type ("task", "event", "impact").
inline constexpr std::string_view kTaskExtensionId =
    "extension-definition--2074a052-8be4-4932-849e-f5e7798e0030";
inline constexpr std::string_view kEventExtensionId =
    "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e";
inline constexpr std::string_view kImpactExtensionId =
    "extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9";

// Tessera's incident extension (a property-extension of `incident` and `task`): what the OASIS
// suite does not carry (case number, lead organization, participants, stage, severity, exercise
// flag, closing summary; a task's incident, assignee, due time, mandatory flag, group and order).
// Its id and its author are name-based (UUIDv5 in the STIX SCO namespace of
// "tessera-incident-extension-1" and "tessera"), so every hub publishes the same definition;
// incident/extension.h builds the extension-definition and identity objects.
inline constexpr std::string_view kTesseraIncidentExtensionId =
    "extension-definition--efe84228-24d9-55f4-90a4-905b48e9423b";
inline constexpr std::string_view kTesseraIdentityId =
    "identity--0c821f7a-89d8-5004-9451-9def87a5b137";

}  // namespace tessera::stix
