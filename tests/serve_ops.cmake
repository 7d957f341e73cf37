# `tessera serve` as an operator runs it (issue #17): --config, SIGHUP, TLS, listen addresses.
# The real binary on a store made by `tessera init`, spoken to over loopback (HTTP and HTTPS).
tessera_test(serve_ops_test integration
  SOURCES serve_ops_test.cpp
  LIBS tessera_common Boost::headers Boost::json OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
add_dependencies(serve_ops_test tessera)
# The binary under test, exactly, and the source tree (docs/ is checked against the binary).
target_compile_definitions(serve_ops_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>"
                                                  TESSERA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# The HTTP clients at -O0 in Debug builds, as the other tests that speak HTTP (tests/CMakeLists.txt).
tessera_debug_unoptimized(serve_ops_test.cpp)
