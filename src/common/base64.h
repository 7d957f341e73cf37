#pragma once
// Base64 as RFC 4648 section 4 defines it (the standard alphabet, padded to a multiple of four):
// the project's one decoder of that form (STIX binary properties and pattern constants, HTTP
// Basic credentials). Table-driven and not constant-time: it decodes what a client sent, whose
// bytes the client knows already. (TAXII page tokens are the URL-safe form without padding,
// which policy/page_token.cpp encodes and decodes with libsodium.)

#include <string>
#include <string_view>

namespace tessera {

// The bytes `text` encodes, into *out (replacing what it held); false when `text` is not padded
// standard base64 (then *out is unspecified). With out == nullptr, only whether it is.
bool DecodeBase64(std::string_view text, std::string* out);

inline bool IsBase64(std::string_view text) { return DecodeBase64(text, nullptr); }

}  // namespace tessera
