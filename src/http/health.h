#pragma once
// The health endpoint a load balancer or an orchestrator polls: GET /healthz.

#include <functional>

#include "common/status.h"
#include "http/router.h"

namespace tessera::http {

// Registers GET /healthz: 200 {"status":"ok"} (application/json) when `check` returns ok (or is
// empty), else 503 {"status":"unavailable"}. /healthz answers anyone, so the reason (which may name
// files and errors of the host) goes to the server's log at error level, once each time it
// changes, never to the caller. `check` must be thread-safe and quick.
Status AddHealthRoute(Router& router, std::function<Status()> check);

}  // namespace tessera::http
