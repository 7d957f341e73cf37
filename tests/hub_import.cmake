# End-to-end: `tessera import --collection/--org` places objects by the hub's access rules
# (policy), `tessera export --collection` reads one collection. Drives the real binary.
tessera_test(hub_import_test e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hub_import_test.cpp
  LIBS tessera_store Boost::json)
target_compile_definitions(hub_import_test PRIVATE TESSERA_CLI="$<TARGET_FILE:tessera>")
add_dependencies(hub_import_test tessera)
