#include "taxii/page_token.h"

#include <array>

namespace tessera::taxii {
namespace {

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kRawBytes = 1 + 8 + 8 + 4;
constexpr size_t kTokenChars = kRawBytes / 3 * 4;  // 21 bytes: exactly 28 characters, no padding
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using Raw = std::array<uint8_t, kRawBytes>;

// FNV-1a: catches typos and truncation; the token needs no protection against forgery (it is a
// cursor and carries no rights).
uint32_t Check(const uint8_t* data, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) {
    h ^= data[i];
    h *= 16777619u;
  }
  return h;
}

void PutU64(uint8_t* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}

uint64_t GetU64(const uint8_t* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string EncodePageToken(const PageCursor& cursor) {
  Raw raw{};
  raw[0] = kTokenVersion;
  PutU64(&raw[1], static_cast<uint64_t>(cursor.after_seq));
  PutU64(&raw[9], static_cast<uint64_t>(cursor.up_to_seq));
  const uint32_t check = Check(raw.data(), 17);
  for (int i = 0; i < 4; ++i) raw[17 + i] = static_cast<uint8_t>(check >> (24 - 8 * i));
  std::string out;
  out.reserve(kTokenChars);
  for (size_t i = 0; i < kRawBytes; i += 3) {
    const uint32_t triple = (uint32_t{raw[i]} << 16) | (uint32_t{raw[i + 1]} << 8) | raw[i + 2];
    out.push_back(kAlphabet[(triple >> 18) & 63]);
    out.push_back(kAlphabet[(triple >> 12) & 63]);
    out.push_back(kAlphabet[(triple >> 6) & 63]);
    out.push_back(kAlphabet[triple & 63]);
  }
  return out;
}

Result<PageCursor> DecodePageToken(std::string_view token) {
  const auto invalid = [] {
    return InvalidArgument(
        "'next' is not a paging token this server issued (pass the 'next' value of the previous "
        "page unchanged)");
  };
  if (token.size() != kTokenChars) return invalid();
  Raw raw{};
  for (size_t i = 0, o = 0; i < kTokenChars; i += 4, o += 3) {
    uint32_t triple = 0;
    for (size_t j = 0; j < 4; ++j) {
      const int v = DecodeChar(token[i + j]);
      if (v < 0) return invalid();
      triple = (triple << 6) | static_cast<uint32_t>(v);
    }
    raw[o] = static_cast<uint8_t>(triple >> 16);
    raw[o + 1] = static_cast<uint8_t>(triple >> 8);
    raw[o + 2] = static_cast<uint8_t>(triple);
  }
  if (raw[0] != kTokenVersion) return invalid();
  const uint32_t check = Check(raw.data(), 17);
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored = (stored << 8) | raw[17 + i];
  if (check != stored) return invalid();
  PageCursor cursor;
  cursor.after_seq = static_cast<int64_t>(GetU64(&raw[1]));
  cursor.up_to_seq = static_cast<int64_t>(GetU64(&raw[9]));
  if (cursor.after_seq < 0 || cursor.up_to_seq <= 0 || cursor.after_seq >= cursor.up_to_seq) {
    return invalid();
  }
  return cursor;
}

}  // namespace tessera::taxii
