# One write path: the same bad objects posted over TAXII and imported with `tessera import` get
# the same per-object outcome (id, version, message). Drives the real binary.
if(TARGET tessera AND TARGET tessera_ingest)
  tessera_test(ingest_paths_test integration
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/ingest_paths_test.cpp
    LIBS tessera_store Boost::json Boost::headers Threads::Threads)
  target_compile_definitions(ingest_paths_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
  add_dependencies(ingest_paths_test tessera)
endif()
