add_executable(import_bench ${CMAKE_CURRENT_LIST_DIR}/import_bench.cpp)
target_link_libraries(import_bench PRIVATE tessera_stix tessera_store tessera_hunt CLI11::CLI11)
tessera_warnings(import_bench)

add_executable(store_read_bench ${CMAKE_CURRENT_LIST_DIR}/store_read_bench.cpp)
target_link_libraries(store_read_bench PRIVATE tessera_store CLI11::CLI11 fmt::fmt)
tessera_warnings(store_read_bench)
