#pragma once
// The health endpoint a load balancer or an orchestrator polls: GET /healthz.

#include <functional>

#include "common/status.h"
#include "http/router.h"

namespace tessera::http {

// Registers GET /healthz: 200 {"status":"ok"} (application/json) when `check` returns ok (or is
// empty), else 503 {"status":"unavailable","reason":...}. `check` must be thread-safe and quick.
Status AddHealthRoute(Router& router, std::function<Status()> check);

}  // namespace tessera::http
