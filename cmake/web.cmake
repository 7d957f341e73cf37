# The web interface (web/, TypeScript + Preact): esbuild bundles it into ${PROJECT_BINARY_DIR}/web
# (index.html and assets/ with content-hashed names), where `tessera serve` of this build tree
# finds it (webui::DefaultSiteDirs). Its packages come from web/package-lock.json through
# `npm ci` (scripts/deps). Without node or web/node_modules the C++ still builds and serves the
# APIs; the web target, its type check and the browser tests are then left out, said once here.
find_program(TESSERA_NODE node)
set(TESSERA_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
if(TESSERA_NODE AND EXISTS ${TESSERA_WEB_DIR}/node_modules/esbuild/package.json)
  set(TESSERA_WEB ON)
  file(GLOB_RECURSE TESSERA_WEB_SOURCES CONFIGURE_DEPENDS ${TESSERA_WEB_DIR}/src/*)
  add_custom_command(
    OUTPUT ${PROJECT_BINARY_DIR}/web/index.html
    COMMAND ${TESSERA_NODE} ${TESSERA_WEB_DIR}/build.mjs --out ${PROJECT_BINARY_DIR}/web
    DEPENDS ${TESSERA_WEB_SOURCES} ${TESSERA_WEB_DIR}/build.mjs ${TESSERA_WEB_DIR}/package-lock.json
    COMMENT "Building the web interface (esbuild) into ${PROJECT_BINARY_DIR}/web"
    VERBATIM)
  add_custom_target(web ALL DEPENDS ${PROJECT_BINARY_DIR}/web/index.html)
  install(DIRECTORY ${PROJECT_BINARY_DIR}/web/ DESTINATION share/tessera/web)
  # The TypeScript compiler's checks (esbuild strips types without checking them).
  add_test(NAME web_typecheck
           COMMAND ${TESSERA_NODE} ${TESSERA_WEB_DIR}/node_modules/typescript/bin/tsc -p ${TESSERA_WEB_DIR})
  set_tests_properties(web_typecheck PROPERTIES LABELS unit)
else()
  set(TESSERA_WEB OFF)
  message(WARNING "The web interface is not built: node or web/node_modules is missing "
                  "(scripts/deps installs them: `npm ci` in web/)")
endif()
