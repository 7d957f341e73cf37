#include "common/uuid.h"

#include "common/hex.h"

#include <fmt/core.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cassert>
#include <cstdlib>

namespace tessera {
namespace {}  // namespace

Uuid Uuid::V4() {
  std::array<uint8_t, 16> b;
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // Without randomness no identifier can be trusted to be unique: stop rather than go on.
    std::abort();
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  return Uuid(b);
}

Uuid Uuid::V5(const Uuid& ns, std::string_view name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, ns.bytes_.data(), ns.bytes_.size()) == 1 &&
                  EVP_DigestUpdate(ctx, name.data(), name.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, digest, &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || len < 16) std::abort();  // SHA-1 is always available in OpenSSL 3's default provider
  std::array<uint8_t, 16> b;
  for (size_t i = 0; i < 16; ++i) b[i] = digest[i];
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x50);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  return Uuid(b);
}

Result<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    // fmt::format, not "'" + std::string(...) + ...: GCC 12 at -O3 reports that chain as an
    // overlapping copy (a false -Wrestrict, GCC bug 105329).
    return InvalidArgument(
        fmt::format("'{}' is not a UUID (expected 8-4-4-4-12 hex digits)", text.substr(0, 64)));
  }
  std::array<uint8_t, 16> b{};
  size_t out = 0;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '-') {
      ++i;
      continue;
    }
    const int hi = HexDigitValue(text[i]);
    const int lo = HexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgument(fmt::format("'{}' is not a UUID (non-hex digit)", text));
    }
    b[out++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  assert(out == 16);
  return Uuid(b);
}

std::string Uuid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[bytes_[i] >> 4];
    s += kHex[bytes_[i] & 0x0F];
  }
  return s;
}

Uuid StixScoNamespace() {
  static const Uuid ns = Uuid::Parse("00abedb4-aa42-466c-9c01-fed23315a9b7").value();
  return ns;
}

}  // namespace tessera
