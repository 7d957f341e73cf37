add_executable(gen_stix ${CMAKE_CURRENT_LIST_DIR}/gen_stix.cpp)
target_link_libraries(gen_stix PRIVATE tessera_stix CLI11::CLI11)
tessera_warnings(gen_stix)

add_executable(stix_parse_bench ${CMAKE_CURRENT_LIST_DIR}/stix_parse_bench.cpp)
target_link_libraries(stix_parse_bench PRIVATE tessera_stix CLI11::CLI11)
tessera_warnings(stix_parse_bench)
