# Hunt: the indicator index and the log readers against the cases in tests/data/hunt/cases.json.
tessera_test(hunt_data_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_data_test.cpp
  LIBS tessera_hunt tessera_common)
target_compile_definitions(hunt_data_test PRIVATE TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
