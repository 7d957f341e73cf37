#pragma once
// Message digests, from OpenSSL's libcrypto (the one implementation the project uses).

#include <array>
#include <cstdint>
#include <string_view>

namespace tessera {

// SHA-256 (FIPS 180-4) of `data`. Thread-safe; no allocation after a thread's first call.
// Aborts only if OpenSSL's default provider has no SHA-256, which it always has.
std::array<uint8_t, 32> Sha256(std::string_view data);

}  // namespace tessera
