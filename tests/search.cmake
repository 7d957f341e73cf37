# `tessera search` end to end: import, search (JSON, exit codes, --as), reindex of a store made
# before the index (search_cli_test).
tessera_test(search_cli_test e2e
  SOURCES search_cli_test.cpp
  LIBS Boost::json SQLite::SQLite3)
add_dependencies(search_cli_test tessera)
target_compile_definitions(search_cli_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
