#pragma once
// What a browser says about why it sends a request (Fetch Metadata Request Headers, W3C).

#include <string_view>

#include "http/message.h"

namespace tessera::http {

// Whether a web page's script sent `request` (a Sec-Fetch-Mode other than "navigate": fetch,
// XMLHttpRequest), not a navigation or a client that is no browser. A 401 to such a request must
// not carry an HTTP Basic challenge: the browser would answer it with its own password dialog and
// hold the page's request until someone does.
inline bool SentByPageScript(const Request& request) {
  const std::string_view mode = request.Header("Sec-Fetch-Mode");
  return !mode.empty() && mode != "navigate";
}

}  // namespace tessera::http
