# Upgrades of real stores written by every earlier schema (tests/data/store/vK.db, made by
# tests/data/store/make_fixtures.sh with the tessera of schema K): opened by the current code, and
# `tessera init` on them. The test runs the real binary, whose path is built in.
tessera_test(upgrade_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/upgrade_test.cpp
  LIBS tessera_policy tessera_store Boost::json SQLite::SQLite3)
target_compile_definitions(upgrade_test PRIVATE
  TESSERA_CLI_PATH="$<TARGET_FILE:tessera>"
  TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
add_dependencies(upgrade_test tessera)
