#include "common/base64.h"

#include <array>
#include <cstdint>

namespace tessera {
namespace {

constexpr std::array<int8_t, 256> kValues = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  const std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < alphabet.size(); ++i) {
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
  return t;
}();

int Value(char c) { return kValues[static_cast<unsigned char>(c)]; }

}  // namespace

bool DecodeBase64(std::string_view text, std::string* out) {
  if (text.size() % 4 != 0) return false;
  if (out) {
    out->clear();
    out->reserve(text.size() / 4 * 3);
  }
  for (size_t i = 0; i < text.size(); i += 4) {
    // Padding: '=' in the last two places of the last quad only, and '=' after '='.
    size_t pad = 0;
    if (i + 4 == text.size()) {
      if (text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    }
    const int a = Value(text[i]), b = Value(text[i + 1]);
    const int c = pad >= 2 ? 0 : Value(text[i + 2]);
    const int d = pad >= 1 ? 0 : Value(text[i + 3]);
    if ((a | b | c | d) < 0) return false;
    if (out) {
      const uint32_t n = static_cast<uint32_t>(a << 18 | b << 12 | c << 6 | d);
      out->push_back(static_cast<char>(n >> 16));
      if (pad < 2) out->push_back(static_cast<char>((n >> 8) & 0xFF));
      if (pad < 1) out->push_back(static_cast<char>(n & 0xFF));
    }
  }
  return true;
}

}  // namespace tessera
