# End-to-end: `tessera hunt` on several threads writes what it writes on one (files, directories,
# gzip, chunks of one file hunted at once, a pattern window across files).
tessera_test(hunt_parallel_cli_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hunt_parallel_cli_test.cpp
  LIBS PkgConfig::ZLIB)
target_compile_definitions(hunt_parallel_cli_test PRIVATE TESSERA_CLI="$<TARGET_FILE:tessera>")
add_dependencies(hunt_parallel_cli_test tessera)
