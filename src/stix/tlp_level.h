#pragma once
// The TLP levels and versions (stix/tlp.h holds the marking definitions themselves).

namespace tessera::stix {

enum class TlpVersion { k1, k2 };

// Levels, least restrictive first. TLP 1.0 WHITE is kClear; TLP 1.0 has no kAmberStrict.
enum class TlpLevel { kClear, kGreen, kAmber, kAmberStrict, kRed };

}  // namespace tessera::stix
