#include "incident/extension.h"

namespace tessera::incident {

std::string TesseraExtensionDefinitionJson() {
  return std::string(R"({"type":"extension-definition","spec_version":"2.1","id":")") +
         std::string(stix::kTesseraIncidentExtensionId) + R"(","created_by_ref":")" +
         std::string(stix::kTesseraIdentityId) + R"(","created":")" +
         std::string(kExtensionDefinitionCreated) + R"(","modified":")" +
         std::string(kExtensionDefinitionCreated) +
         R"(","name":"Tessera incident handling",)"
         R"("description":"What an incident handled on a Tessera hub carries besides the OASIS )"
         R"(Incident Extension Suite. On an incident: case_number, lead_organization_ref, stage )"
         R"((new, triage, containment, eradication, recovery, closed; mapped onto the Incident )"
         R"(Core's investigation_status), severity, exercise, participants (organization_ref, )"
         R"(role lead|responder|observer|reporter, invited, seen, acknowledged) and )"
         R"(closing_summary. On a task: incident_ref, mandatory, due, )"
         R"(assignee_organization_ref, assignee_user, group and order.",)"
         R"("schema":"Tessera docs/tessera-incident-extension.schema.json (JSON Schema draft )"
         R"(2020-12) and docs/incidents.md, as distributed with Tessera",)"
         R"("version":"1.0.0","extension_types":["property-extension"]})";
}

std::string TesseraIdentityJson() {
  return std::string(R"({"type":"identity","spec_version":"2.1","id":")") +
         std::string(stix::kTesseraIdentityId) + R"(","created":")" +
         std::string(kExtensionDefinitionCreated) + R"(","modified":")" +
         std::string(kExtensionDefinitionCreated) +
         R"(","name":"Tessera","description":"The Tessera project, author of the )"
         R"(extension-definitions Tessera hubs publish.","identity_class":"system"})";
}

}  // namespace tessera::incident
