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

# End-to-end: sightings stored by `tessera hunt --data` are as restricted as the indicators they
# sight, read back over TAXII as each member (issue #15 item 1).
tessera_test(hunt_sightings_access_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_sightings_access_test.cpp
  LIBS Boost::json Boost::headers Threads::Threads)
target_compile_definitions(hunt_sightings_access_test PRIVATE
  TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
add_dependencies(hunt_sightings_access_test tessera)
