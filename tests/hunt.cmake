# Hunt: the indicator index and the log readers against the cases in tests/data/hunt/cases.json.
tessera_test(hunt_data_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_data_test.cpp
  LIBS tessera_hunt tessera_common)
target_compile_definitions(hunt_data_test PRIVATE TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")

# Pattern evaluation on pre-selected events (tests/data/hunt/patterns/cases.json) and sightings.
tessera_test(hunt_pattern_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_pattern_test.cpp
  LIBS tessera_hunt tessera_common)
target_compile_definitions(hunt_pattern_test PRIVATE
  TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
tessera_test(hunt_sightings_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_sightings_test.cpp
  LIBS tessera_hunt tessera_stix tessera_common)

# End-to-end: the real `tessera` binary imports indicators and hunts the Zeek samples.
tessera_test(hunt_cli_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_cli_test.cpp)
target_compile_definitions(hunt_cli_test PRIVATE
  TESSERA_CLI="$<TARGET_FILE:tessera>"
  TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
add_dependencies(hunt_cli_test tessera)
