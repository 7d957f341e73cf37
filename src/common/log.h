#pragma once
// Logging goes through spdlog; this sets it up once for an executable.

#include <string_view>

#include "common/status.h"

namespace tessera {

// Sets the default logger to standard error at `level` (trace, debug, info, warn, error, off).
// kInvalidArgument for an unknown level name.
Status InitLogging(std::string_view level);

}  // namespace tessera
