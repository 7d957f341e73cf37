# Online backup and restore: `tessera backup` while `tessera serve` takes writes, `tessera restore`
# into a new directory served by a second hub; the refusals (DEST exists, SRC not a backup or
# changed, a store that exists or is open).
tessera_test(backup_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/backup_test.cpp
  LIBS Boost::json Boost::headers Threads::Threads)
target_compile_definitions(backup_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
add_dependencies(backup_test tessera)
