# Incidents (docs/incidents.md). The pinned OASIS incident extension schemas
# (tests/data/incident/oasis, see its README) checked with Debian's python3-jsonschema: the pinned
# examples and Tessera's own incident bundle pass them, and a file breaking them does not (so that
# the check is known to check). The library's own tests are in src/incident/CMakeLists.txt and
# src/stix (incident_schema_test.cpp).
set(TESSERA_INCIDENT_SCHEMA_ARGS
    ${CMAKE_CURRENT_LIST_DIR}/incident_schema.py
    ${CMAKE_CURRENT_LIST_DIR}/data/conformance/stix2-json-schemas/schemas
    ${CMAKE_CURRENT_LIST_DIR}/data/incident/oasis)
file(GLOB TESSERA_INCIDENT_OASIS_EXAMPLES ${CMAKE_CURRENT_LIST_DIR}/data/incident/oasis/examples/*.json)
add_test(NAME incident_oasis_schema
         COMMAND /usr/bin/python3 -W ignore ${TESSERA_INCIDENT_SCHEMA_ARGS}
                 ${TESSERA_INCIDENT_OASIS_EXAMPLES}
                 ${CMAKE_CURRENT_LIST_DIR}/data/incident/tessera_bundle.json)
set_tests_properties(incident_oasis_schema PROPERTIES LABELS unit)
add_test(NAME incident_oasis_schema_refuses
         COMMAND /usr/bin/python3 -W ignore ${TESSERA_INCIDENT_SCHEMA_ARGS}
                 ${CMAKE_CURRENT_LIST_DIR}/data/incident/schema_bad.json)
set_tests_properties(incident_oasis_schema_refuses PROPERTIES LABELS unit
                     PASS_REGULAR_EXPRESSION "'done' is not one of.*'determination' is a required property")
# Tessera's own incident extension against its published schema (docs/), both ways.
add_test(NAME incident_tessera_schema
         COMMAND /usr/bin/python3 -W ignore ${CMAKE_CURRENT_LIST_DIR}/incident_schema.py --tessera
                 ${PROJECT_SOURCE_DIR}/docs/tessera-incident-extension.schema.json
                 ${CMAKE_CURRENT_LIST_DIR}/data/incident/tessera_bundle.json)
set_tests_properties(incident_tessera_schema PROPERTIES LABELS unit)
add_test(NAME incident_tessera_schema_refuses
         COMMAND /usr/bin/python3 -W ignore ${CMAKE_CURRENT_LIST_DIR}/incident_schema.py --tessera
                 ${PROJECT_SOURCE_DIR}/docs/tessera-incident-extension.schema.json
                 ${CMAKE_CURRENT_LIST_DIR}/data/incident/tessera_schema_bad.json)
set_tests_properties(incident_tessera_schema_refuses PROPERTIES LABELS unit
                     PASS_REGULAR_EXPRESSION "'doing' is not one of.*-1 is less than the minimum")
# Through the command line: validate, import (the single write path), export.
add_test(NAME incident_cli
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/incident_cli.sh $<TARGET_FILE:tessera>
                 ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/incident_cli)
set_tests_properties(incident_cli PROPERTIES LABELS e2e)
