# Online backup and restore: `tessera backup` while `tessera serve` takes writes, `tessera restore`
# into a new directory served by a second hub; the refusals (DEST exists, SRC not a backup or
# changed, a store that exists or is open).
tessera_test(backup_test integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/backup_test.cpp
  LIBS Boost::json Boost::headers Threads::Threads)
target_compile_definitions(backup_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
add_dependencies(backup_test tessera)
# It speaks HTTP through tests/http_client.h (Boost.Beast): -O0 in Debug builds, as the other tests
# that do (tests/CMakeLists.txt). Compiling it took 55.7 s of CPU at -O1 and 21.1 s at -O0; the
# writer-while-backup case ran in 6.0 s and 3.0 s (2026-12-04, the 2-core VM shared with other
# builds, debug preset): the test's time is the server's and the CLI's, not its own code's.
tessera_debug_unoptimized(backup_test.cpp)
