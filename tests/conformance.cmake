# Conformance with the OASIS STIX 2.1 JSON schemas and examples in tests/data/conformance
# (see conformance_test.cpp and data/conformance/README.md). The schema check runs Debian's python3-jsonschema (scripts/deps).
tessera_test(conformance_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/conformance_test.cpp
  LIBS tessera_stix)

add_test(NAME conformance_cli_validate
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/conformance_cli.sh $<TARGET_FILE:tessera>
                 ${CMAKE_CURRENT_LIST_DIR}/data/conformance/stix2-json-schemas/examples
                 ${CMAKE_CURRENT_LIST_DIR}/data/stix)
set_tests_properties(conformance_cli_validate PROPERTIES LABELS e2e)
