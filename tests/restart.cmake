# Durability across a crash: POST, kill -9 right after the acknowledgement, restart, read back.
tessera_test(restart_test integration SLOW
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/restart_test.cpp
  LIBS Boost::json Boost::headers Threads::Threads)
target_compile_definitions(restart_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
add_dependencies(restart_test tessera)
