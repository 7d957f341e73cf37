# The hub's administration end to end: the account commands (admin_cli_test), the admin REST API
# and /metrics of a running `tessera serve` (admin_api_test), and docs/openapi.yaml against the
# routes the admin API registers (admin_openapi).
tessera_test(admin_cli_test e2e
  SOURCES admin_cli_test.cpp
  LIBS Boost::json SQLite::SQLite3)
add_dependencies(admin_cli_test tessera)
target_compile_definitions(admin_cli_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>"
  TESSERA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

tessera_test(admin_api_test e2e SLOW
  SOURCES admin_api_test.cpp
  LIBS tessera_common Boost::json Boost::headers Threads::Threads)
add_dependencies(admin_api_test tessera)
target_compile_definitions(admin_api_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")

add_test(NAME admin_openapi
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/admin_openapi_check.py ${PROJECT_SOURCE_DIR})
set_tests_properties(admin_openapi PROPERTIES LABELS unit)
