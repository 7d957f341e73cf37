#pragma once
// Durations as an operator types them: "90d", "12h", "30m", "45s", "2w", or several units in
// decreasing order ("1d12h"). Used for token lifetimes (`tessera token create --expires 90d`,
// the admin API's "expires_in"). Lives in common: any command or API may take a duration.

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// The longest duration accepted: 100 years (a token that should never expire has no expiry).
constexpr std::chrono::seconds kMaxDuration{100LL * 366 * 24 * 3600};
// The longest duration text accepted.
constexpr size_t kMaxDurationText = 64;

// Parses one or more <digits><unit> parts, unit one of w (weeks), d (days), h (hours),
// m (minutes), s (seconds), each unit at most once and in that order ("1d12h", not "12h1d").
// Returns the total, which is > 0 and <= kMaxDuration; kInvalidArgument (saying why) for an
// empty text, a missing or unknown unit, a sign, spaces, a zero total, or a total above the limit.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

// The shortest text ParseDuration reads back as `d` (e.g. 129600 s -> "1d12h"); "0s" for zero.
std::string FormatDuration(std::chrono::seconds d);

}  // namespace tessera
