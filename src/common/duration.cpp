#include "common/duration.h"

#include <array>
#include <cstdint>

namespace tessera {
namespace {

struct Unit {
  char letter;
  int64_t seconds;
};
constexpr std::array<Unit, 5> kUnits = {{
    {'w', 7 * 24 * 3600},
    {'d', 24 * 3600},
    {'h', 3600},
    {'m', 60},
    {'s', 1},
}};

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgument("duration '" + std::string(text) + "' " + std::string(why) +
                         " (write e.g. 90d, 12h, 30m, 2w or 1d12h)");
}

}  // namespace

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  if (text.empty()) return Bad(text, "is empty");
  if (text.size() > kMaxDurationText) {
    return InvalidArgument("duration text longer than " + std::to_string(kMaxDurationText) +
                           " characters");
  }
  const int64_t max = kMaxDuration.count();
  int64_t total = 0;
  size_t next_unit = 0;  // units must come in kUnits order, each at most once
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return Bad(text, "must start each part with a number");
    int64_t value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > max) return Bad(text, "is longer than 100 years");
      ++i;
    }
    if (i == text.size()) return Bad(text, "has a number without a unit");
    size_t u = next_unit;
    while (u < kUnits.size() && kUnits[u].letter != text[i]) ++u;
    if (u == kUnits.size()) {
      for (const Unit& unit : kUnits) {
        if (unit.letter == text[i]) return Bad(text, "repeats a unit or has them out of order");
      }
      return Bad(text, "has an unknown unit '" + std::string(1, text[i]) + "'");
    }
    ++i;
    next_unit = u + 1;
    if (value > (max - total) / kUnits[u].seconds) return Bad(text, "is longer than 100 years");
    total += value * kUnits[u].seconds;
  }
  if (total == 0) return Bad(text, "is zero");
  return std::chrono::seconds(total);
}

std::string FormatDuration(std::chrono::seconds d) {
  int64_t left = d.count();
  if (left <= 0) return "0s";
  std::string out;
  for (const Unit& unit : kUnits) {
    if (left >= unit.seconds) {
      out += std::to_string(left / unit.seconds);
      out.push_back(unit.letter);
      left %= unit.seconds;
    }
  }
  return out;
}

}  // namespace tessera
