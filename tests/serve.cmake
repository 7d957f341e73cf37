# `tessera serve` as a user runs it: the real binary on a store made by `tessera init`, spoken to
# over loopback HTTP with a Beast client.
tessera_test(serve_test integration
  SOURCES serve_test.cpp
  LIBS tessera_common Boost::headers Threads::Threads)
add_dependencies(serve_test tessera)
# The binary under test, exactly (not through the test environment).
target_compile_definitions(serve_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
