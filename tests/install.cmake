# The installed layout (`cmake --install`): the binary and the web interface where `tessera serve`
# finds them. Needs the web interface built (cmake/web.cmake).
if(TESSERA_WEB)
  add_test(NAME install_layout
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install_layout.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(install_layout PROPERTIES LABELS "e2e" TIMEOUT 120)
endif()
