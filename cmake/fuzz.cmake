# tessera_fuzz(NAME SOURCE file.cpp [SOURCES more.cpp...] [LIBS ...] [CORPUS dir]): a fuzz target
# for a parser of outside input, an LLVMFuzzerTestOneInput in SOURCE.
#  - With TESSERA_FUZZ (the `fuzz` preset, clang): the libFuzzer executable NAME in
#    build/fuzz/fuzzers/, which scripts/test runs briefly over CORPUS (default
#    tests/data/fuzz/NAME/). Only these targets are built there (`--target`).
#  - Otherwise: NAME_replay, the same entry point run once over every file of CORPUS (the seeds,
#    and the input of every crash found, kept as a regression case), as the ctest
#    `fuzz_replay_NAME` (label unit) in the ordinary ASan + UBSan build.
# SOURCES compiles files directly instead of linking a library that would pull in much more
# (e.g. the HTTP server) for a small parser.
function(tessera_fuzz name)
  cmake_parse_arguments(F "" "SOURCE;CORPUS" "SOURCES;LIBS" ${ARGN})
  if(NOT F_CORPUS)
    set(F_CORPUS ${PROJECT_SOURCE_DIR}/tests/data/fuzz/${name})
  endif()
  if(TESSERA_FUZZ)
    add_executable(${name} ${F_SOURCE} ${F_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzzers)
  else()
    add_executable(${name}_replay ${F_SOURCE} ${F_SOURCES}
                                  ${PROJECT_SOURCE_DIR}/tests/fuzz_replay_main.cpp)
    target_link_libraries(${name}_replay PRIVATE ${F_LIBS})
    tessera_warnings(${name}_replay)
    add_test(NAME fuzz_replay_${name} COMMAND ${name}_replay ${F_CORPUS})
    set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS unit TIMEOUT 120)
  endif()
endfunction()
