# End-to-end: `tessera init`, `tessera import` and `tessera export` run as a user runs them, on the
# OASIS examples and on tests/data/store/. The test drives the real binary, whose path is built in.
tessera_test(import_export_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/import_export_test.cpp
  LIBS Boost::json)
target_compile_definitions(import_export_test PRIVATE
  TESSERA_CLI="$<TARGET_FILE:tessera>"
  TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
# Building the test builds the binary it runs.
add_dependencies(import_export_test tessera)
