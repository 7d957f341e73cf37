# Names in every CLI command (tests/data/cli/names.json): a collection by its alias wherever its
# id is taken, and every unknown organization, user, group, collection, token, API root or STIX
# type refused with exit 1 and one line saying which (README: 0 ok, 1 refused, 2 usage or I/O).
tessera_test(names_cli_test e2e
  SOURCES names_cli_test.cpp
  LIBS Boost::json)
add_dependencies(names_cli_test tessera)
target_compile_definitions(names_cli_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
