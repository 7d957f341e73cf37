#pragma once
// RFC 4122 UUIDs: random (v4) for new STIX objects, name-based (v5) for deterministic SCO ids.

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tessera {

class Uuid {
 public:
  Uuid() = default;  // the nil UUID
  explicit Uuid(const std::array<uint8_t, 16>& bytes) : bytes_(bytes) {}

  // A random version 4 UUID from the operating system's CSPRNG.
  static Uuid V4();
  // The version 5 (SHA-1, name-based) UUID of `name` in `ns`, as RFC 4122 §4.3 defines it.
  static Uuid V5(const Uuid& ns, std::string_view name);
  // Parses the 8-4-4-4-12 hex form (either case). Any other text is kInvalidArgument.
  static Result<Uuid> Parse(std::string_view text);

  // Lower-case 8-4-4-4-12 form.
  std::string ToString() const;
  // 1..5 for RFC 4122 UUIDs; other values for other layouts.
  int version() const { return bytes_[6] >> 4; }
  // True when the variant bits are the RFC 4122 ones (10xx).
  bool IsRfc4122Variant() const { return (bytes_[8] & 0xC0) == 0x80; }
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  auto operator<=>(const Uuid&) const = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

// The namespace STIX 2.1 uses for deterministic SCO identifiers (§2.9).
Uuid StixScoNamespace();

}  // namespace tessera
