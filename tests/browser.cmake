# The web interface in a real browser: Debian's Chromium, headless, driven by playwright-core
# (web/node_modules; no browser download) against a real `tessera serve` on a free loopback port
# with a fresh store (tests/browser_test.mjs; administration and browsing in
# tests/browser_admin_test.mjs). Label `browser`; screenshots of the main pages go
# to ${PROJECT_BINARY_DIR}/screenshots. Needs the web build (cmake/web.cmake) and
# /usr/bin/chromium (scripts/deps); without them the test is not registered, as configuring says.
set(TESSERA_CHROMIUM /usr/bin/chromium)
if(TESSERA_WEB AND EXISTS ${TESSERA_CHROMIUM})
  add_test(NAME browser_web_ui
           COMMAND ${TESSERA_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/browser_test.mjs)
  set_tests_properties(browser_web_ui PROPERTIES
    LABELS "browser;slow"
    TIMEOUT 240
    ENVIRONMENT "TESSERA_CLI=$<TARGET_FILE:tessera>;TESSERA_WEB_BUILD=${PROJECT_BINARY_DIR}/web;TESSERA_WEB_SOURCE=${TESSERA_WEB_DIR};TESSERA_CHROMIUM=${TESSERA_CHROMIUM};TESSERA_SCREENSHOTS=${PROJECT_BINARY_DIR}/screenshots")
  # Administration (organizations, users, tokens) and browsing a collection: tests/browser_admin_test.mjs.
  add_test(NAME browser_web_admin
           COMMAND ${TESSERA_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/browser_admin_test.mjs)
  set_tests_properties(browser_web_admin PROPERTIES
    LABELS "browser;slow"
    TIMEOUT 240
    ENVIRONMENT "TESSERA_CLI=$<TARGET_FILE:tessera>;TESSERA_WEB_BUILD=${PROJECT_BINARY_DIR}/web;TESSERA_WEB_SOURCE=${TESSERA_WEB_DIR};TESSERA_CHROMIUM=${TESSERA_CHROMIUM};TESSERA_SCREENSHOTS=${PROJECT_BINARY_DIR}/screenshots")
elseif(TESSERA_WEB)
  message(WARNING "The browser tests are not registered: ${TESSERA_CHROMIUM} is missing "
                  "(scripts/deps installs Debian's chromium)")
endif()

# The key scenarios again in Firefox: Debian's firefox-esr, headless, driven over WebDriver BiDi by
# puppeteer-core (web/node_modules; no browser download): tests/browser_firefox_test.mjs. Only
# when /usr/bin/firefox-esr exists (scripts/deps installs it).
set(TESSERA_FIREFOX /usr/bin/firefox-esr)
if(TESSERA_WEB AND EXISTS ${TESSERA_FIREFOX})
  add_test(NAME browser_web_firefox
           COMMAND ${TESSERA_NODE} --test --test-reporter=spec ${CMAKE_CURRENT_LIST_DIR}/browser_firefox_test.mjs)
  set_tests_properties(browser_web_firefox PROPERTIES
    LABELS "browser;slow"
    TIMEOUT 240
    ENVIRONMENT "TESSERA_CLI=$<TARGET_FILE:tessera>;TESSERA_WEB_BUILD=${PROJECT_BINARY_DIR}/web;TESSERA_WEB_SOURCE=${TESSERA_WEB_DIR};TESSERA_FIREFOX=${TESSERA_FIREFOX};TESSERA_SCREENSHOTS=${PROJECT_BINARY_DIR}/screenshots")
elseif(TESSERA_WEB)
  message(WARNING "The Firefox browser test is not registered: ${TESSERA_FIREFOX} is missing "
                  "(scripts/deps installs Debian's firefox-esr)")
endif()
