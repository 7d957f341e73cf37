# `tessera pattern check` / `tessera pattern match` end to end (pattern_cli_test.py): the OASIS
# pattern validator's 87 STIX 2.1 cases, the STIX 2.1 standard's own example patterns
# (tests/data/pattern/spec-examples.json) and the match exit codes over tests/data/pattern.
add_test(NAME pattern_cli
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/pattern_cli_test.py $<TARGET_FILE:tessera>
                 ${CMAKE_CURRENT_LIST_DIR}/data/conformance
                 ${CMAKE_CURRENT_LIST_DIR}/data/pattern)
set_tests_properties(pattern_cli PROPERTIES LABELS e2e)
