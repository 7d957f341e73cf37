# STIX pattern engine: compile cost, indexed and direct evaluation throughput (pattern_bench.cpp).
add_executable(pattern_bench ${CMAKE_CURRENT_LIST_DIR}/pattern_bench.cpp)
target_link_libraries(pattern_bench PRIVATE tessera_pattern)
tessera_warnings(pattern_bench)
