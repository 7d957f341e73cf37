#pragma once
// RFC 3339 timestamps as STIX 2.1 and TAXII 2.1 use them: UTC, "Z" suffix, optional fraction.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

// A point in time, UTC, with nanosecond resolution. Ordered; default is the Unix epoch.
struct Timestamp {
  int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  int32_t nanos = 0;    // 0..999'999'999

  auto operator<=>(const Timestamp&) const = default;

  static Timestamp Now();
  static Timestamp FromMicros(int64_t micros);
  // Microseconds since the epoch (sub-microsecond digits are dropped).
  int64_t ToMicros() const;
};

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (the STIX timestamp form: upper-case T and Z, UTC only,
// up to 9 fraction digits; second 60 is accepted as a leap second). Any other form is
// kInvalidArgument with the reason.
Result<Timestamp> ParseTimestamp(std::string_view text);

// How many fraction digits FormatTimestamp writes.
enum class TimePrecision {
  kSeconds,  // 2016-01-20T12:31:12Z
  kMillis,   // 2016-01-20T12:31:12.123Z (what STIX requires for created/modified)
  kMicros,
  kNanos,
  kShortest,  // 0, 3, 6 or 9 digits: the fewest that lose nothing
};
std::string FormatTimestamp(Timestamp ts, TimePrecision precision = TimePrecision::kMillis);

}  // namespace tessera
