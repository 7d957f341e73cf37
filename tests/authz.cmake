# The authorization matrix: the real `tessera` binary (init, org/user/token/group/collection,
# serve) driven over loopback HTTP, against the hand-written table in tests/data/authz/.
tessera_test(authz_test integration SLOW
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/authz_test.cpp
  LIBS Boost::json Boost::headers Threads::Threads)
target_compile_definitions(authz_test PRIVATE
  TESSERA_CLI_PATH="$<TARGET_FILE:tessera>"
  TESSERA_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
add_dependencies(authz_test tessera)
