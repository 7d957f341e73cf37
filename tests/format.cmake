# Every C++ file the repository tracks is formatted as .clang-format says (STYLE.md: CI checks it).
find_program(CLANG_FORMAT NAMES clang-format clang-format-14)
find_program(GIT git)
if(CLANG_FORMAT AND GIT)
  add_test(NAME clang_format
           COMMAND sh -c "${GIT} ls-files -z '*.cpp' '*.h' | xargs -0 ${CLANG_FORMAT} --dry-run -Werror"
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(clang_format PROPERTIES LABELS unit)
else()
  message(FATAL_ERROR "clang-format and git are needed for the format check (scripts/deps installs them)")
endif()
