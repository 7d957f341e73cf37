#pragma once
// Hexadecimal digits, the one decoder the project uses (UUIDs, percent-encoding, hashes, binary
// constants).

#include <array>
#include <cstdint>

namespace tessera {

namespace hex_internal {
inline constexpr std::array<int8_t, 256> kDigitValues = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 10; ++i) t[static_cast<size_t>('0' + i)] = static_cast<int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t[static_cast<size_t>('a' + i)] = static_cast<int8_t>(10 + i);
    t[static_cast<size_t>('A' + i)] = static_cast<int8_t>(10 + i);
  }
  return t;
}();
}  // namespace hex_internal

// The value 0..15 of hex digit `c` (either case), or -1 when `c` is not one. Branch-free.
constexpr int HexDigitValue(char c) {
  return hex_internal::kDigitValues[static_cast<unsigned char>(c)];
}

}  // namespace tessera
