#include "common/time.h"

#include <chrono>
#include <cstdio>

#include <fmt/core.h>

namespace tessera {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos..pos+n) into out.
bool Digits(std::string_view text, size_t pos, size_t n, unsigned& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

// Writes the last `width` decimal digits of `value` at p, zero-padded; returns the end.
char* PutDigits(char* p, uint32_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return p + width;
}

}  // namespace

Timestamp Timestamp::Now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  return Timestamp{ns / 1'000'000'000, static_cast<int32_t>(ns % 1'000'000'000)};
}

Timestamp Timestamp::FromMicros(int64_t micros) {
  int64_t s = micros / 1'000'000;
  int64_t rem = micros % 1'000'000;
  if (rem < 0) {
    rem += 1'000'000;
    --s;
  }
  return Timestamp{s, static_cast<int32_t>(rem * 1000)};
}

int64_t Timestamp::ToMicros() const { return seconds * 1'000'000 + nanos / 1000; }

Result<Timestamp> ParseTimestamp(std::string_view text) {
  // fmt::format, not "'" + std::string(...) + ...: GCC 12 at -O3 reports that chain as an
  // overlapping copy (a false -Wrestrict, GCC bug 105329).
  auto bad = [&](std::string_view why) {
    return InvalidArgument(
        fmt::format("'{}' is not an RFC 3339 UTC timestamp ({}); expected YYYY-MM-DDTHH:MM:SS[.s]Z",
                    text.substr(0, 64), why));
  };
  unsigned year, month, day, hour, minute, second;
  if (!Digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day) || text[10] != 'T' ||
      !Digits(text, 11, 2, hour) || text[13] != ':' || !Digits(text, 14, 2, minute) ||
      text[16] != ':' || !Digits(text, 17, 2, second)) {
    return bad("malformed date or time");
  }
  if (month < 1 || month > 12) return bad("month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return bad("day out of range");
  if (hour > 23) return bad("hour out of range");
  if (minute > 59) return bad("minute out of range");
  if (second > 60) return bad("second out of range");
  size_t pos = 19;
  int32_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 9) return bad("more than 9 fraction digits");
      nanos = nanos * 10 + (text[pos] - '0');
      ++pos;
    }
    if (digits == 0) return bad("empty fraction");
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
  }
  if (pos >= text.size() || text[pos] != 'Z') return bad("missing 'Z' time zone");
  if (pos + 1 != text.size()) return bad("trailing characters");
  const int64_t days = DaysFromCivil(year, month, day);
  return Timestamp{days * 86400 + hour * 3600 + minute * 60 + second, nanos};
}

std::string FormatTimestamp(Timestamp ts, TimePrecision precision) {
  int64_t days = ts.seconds / 86400;
  int64_t secs = ts.seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  int digits = 0;
  switch (precision) {
    case TimePrecision::kSeconds:
      digits = 0;
      break;
    case TimePrecision::kMillis:
      digits = 3;
      break;
    case TimePrecision::kMicros:
      digits = 6;
      break;
    case TimePrecision::kNanos:
      digits = 9;
      break;
    case TimePrecision::kShortest:
      digits = ts.nanos == 0 ? 0 : ts.nanos % 1'000'000 == 0 ? 3 : ts.nanos % 1000 == 0 ? 6 : 9;
      break;
    case TimePrecision::kMillisOrMore:
      digits = ts.nanos % 1'000'000 == 0 ? 3 : ts.nanos % 1000 == 0 ? 6 : 9;
      break;
  }
  // Written digit by digit: every stored row and listed object formats a timestamp or two, and
  // snprintf cost more than the rest of the function together.
  char buf[64];
  char* p = buf;
  if (y >= 0 && y <= 9999) {
    p = PutDigits(p, static_cast<uint32_t>(y), 4);
  } else {  // outside RFC 3339's range: what %04lld writes
    p += std::snprintf(p, 24, "%04lld", static_cast<long long>(y));
  }
  *p++ = '-';
  p = PutDigits(p, m, 2);
  *p++ = '-';
  p = PutDigits(p, d, 2);
  *p++ = 'T';
  p = PutDigits(p, static_cast<uint32_t>(secs / 3600), 2);
  *p++ = ':';
  p = PutDigits(p, static_cast<uint32_t>(secs / 60 % 60), 2);
  *p++ = ':';
  p = PutDigits(p, static_cast<uint32_t>(secs % 60), 2);
  if (digits > 0) {
    *p++ = '.';
    uint32_t fraction = static_cast<uint32_t>(ts.nanos);
    for (int i = digits; i < 9; ++i) fraction /= 10;
    p = PutDigits(p, fraction, digits);
  }
  *p++ = 'Z';
  return std::string(buf, static_cast<size_t>(p - buf));
}

std::string FormatVersion(Timestamp version) {
  return FormatTimestamp(version, TimePrecision::kMillisOrMore);
}

}  // namespace tessera
