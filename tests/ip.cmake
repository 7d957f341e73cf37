# One IP address grammar (common/ip.h): STIX validation, the pattern engine and hunting agree on
# every case of tests/data/ip/addresses.json.
tessera_test(ip_agreement_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/ip_agreement_test.cpp
  LIBS tessera_hunt tessera_pattern tessera_stix tessera_common)
target_compile_definitions(ip_agreement_test PRIVATE
  TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
