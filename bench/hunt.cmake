add_executable(hunt_bench ${CMAKE_CURRENT_LIST_DIR}/hunt_bench.cpp)
target_link_libraries(hunt_bench PRIVATE tessera_hunt tessera_hunt_store CLI11::CLI11 fmt::fmt)
tessera_warnings(hunt_bench)

add_executable(hunt_gen ${CMAKE_CURRENT_LIST_DIR}/hunt_gen.cpp)
target_link_libraries(hunt_gen PRIVATE CLI11::CLI11 fmt::fmt)
tessera_warnings(hunt_gen)
