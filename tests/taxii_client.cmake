# A TAXII 2.1 client nobody here wrote (curl as a generic HTTP client, following the standard's
# examples) against the real `tessera init` + `tessera serve`.
add_test(NAME taxii_client_curl
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/taxii_client_curl.sh $<TARGET_FILE:tessera>)
set_tests_properties(taxii_client_curl PROPERTIES LABELS "e2e;slow" TIMEOUT 120)
