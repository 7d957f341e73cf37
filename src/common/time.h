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
  kShortest,      // 0, 3, 6 or 9 digits: the fewest that lose nothing
  kMillisOrMore,  // 3, 6 or 9 digits: at least milliseconds, more only when they are not zero
};
std::string FormatTimestamp(Timestamp ts, TimePrecision precision = TimePrecision::kMillis);

// An object version as the hub writes it wherever it names one: TAXII status entries (the POST
// answer and `tessera import`'s outcome), manifests, version lists and messages. The version is
// the object's `modified`, else `created` (stix::Object::Version); written as STIX writes those
// timestamps (kMillisOrMore): at least milliseconds ("2016-11-02T12:34:34.100Z"), six fraction
// digits when the microseconds need them ("...34.123456Z"), nine when the nanoseconds do.
// Lossless: it parses back to `version`, so a client can pass it back as match[version]. Pure.
std::string FormatVersion(Timestamp version);

}  // namespace tessera
