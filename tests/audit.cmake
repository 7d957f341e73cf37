# The audit log end to end (issue 17): every mutating admin route and CLI command records an
# entry (the route table and the command list are enumerated, so a new one without an action
# fails), the chain verifies and catches rows changed, deleted or reordered with SQL, and
# org-admins read their own organization's entries only.
tessera_test(audit_e2e_test e2e
  SOURCES audit_test.cpp
  LIBS tessera_admin Boost::json Boost::headers SQLite::SQLite3 Threads::Threads)
add_dependencies(audit_e2e_test tessera)
target_compile_definitions(audit_e2e_test PRIVATE TESSERA_CLI_PATH="$<TARGET_FILE:tessera>")
