#pragma once
// Canonical forms of the observable values the hunt index compares: IP addresses and CIDR
// prefixes, domain names (A-labels), URLs (RFC 3986 §6.2.2 plus default port and empty path),
// e-mail addresses and file hashes. Indicators and observed log values go through the same
// functions, so that a value matches whichever way it was written.
//
// The string functions write into a caller-owned `out` (cleared first) so that a caller reusing
// one buffer allocates nothing per call once the buffer has grown. All functions are thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::hunt {

// 128 bits of an IPv6 address, most significant half first.
struct U128 {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const U128&) const = default;
  auto operator<=>(const U128&) const = default;
};

// An IPv4 or IPv6 address. IPv4 lives in `v4` (host byte order), IPv6 in `v6`.
struct IpAddress {
  bool is_v6 = false;
  uint32_t v4 = 0;
  U128 v6;
  bool operator==(const IpAddress&) const = default;
};

// An address and a prefix length (0..32 for IPv4, 0..128 for IPv6); host bits are zero.
struct IpPrefix {
  IpAddress address;
  uint8_t length = 0;
  bool operator==(const IpPrefix&) const = default;
};

// Parses an IP address by the grammar of common/ip.h (the one STIX validation and the pattern
// engine use: IPv4 dotted quad without leading zeros, IPv6 in the RFC 4291 §2.2 text forms), after
// removing what surrounds an address where logs write one: white space, [brackets] (a URL host)
// and, after an IPv6 address, a %zone ("fe80::1%eth0" is fe80::1). An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) is returned as the IPv4 address, so that it matches IPv4 indicators.
// std::nullopt when `text` is not an address.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// Parses "address" (a host prefix: /32 or /128) or "address/length" (CIDR): the address as
// ParseIpAddress reads it, the length as common/ip.h's prefix-length (decimal, no leading zero).
// Host bits below the length are cleared ("10.1.2.3/8" is 10.0.0.0/8). An IPv4-mapped IPv6 prefix
// of length >= 96 becomes the IPv4 prefix. std::nullopt when malformed or the length is out of
// range.
std::optional<IpPrefix> ParseIpPrefix(std::string_view text);

// "192.0.2.0/24", "2001:db8::/32" (RFC 5952 canonical text); the length is always written.
std::string FormatIpPrefix(const IpPrefix& prefix);

// Domain names longer than this (in A-label form) are rejected.
inline constexpr size_t kMaxDomainLength = 253;

// Canonical domain name: ASCII lower case, one trailing dot removed, internationalized labels
// converted to their A-label (punycode, "xn--...") form by UTS #46 non-transitional processing
// (libidn2), so that "Bücher.example" and "xn--bcher-kva.example" have the same canonical form.
// Labels are 1..63 bytes of letters, digits, '-' and '_'; the whole at most kMaxDomainLength.
// False (and `out` unspecified) when `text` is not a domain name. Allocation-free for ASCII
// input; an internationalized name costs one libidn2 call.
bool NormalizeDomain(std::string_view text, std::string& out);

// URLs longer than this are rejected.
inline constexpr size_t kMaxUrlLength = 64 * 1024;

// Canonical URL by RFC 3986 §6.2.2 (and the default-port and empty-path rules of §6.2.3), nothing
// more: scheme and host in lower case (an internationalized host in A-label form); percent-
// encodings with upper-case hex, and those of unreserved characters decoded; dot-segments
// removed from the path; a port equal to the scheme's default (http 80, https 443, ws 80, wss
// 443, ftp 21) or empty removed; an empty path with an authority becomes "/". Query and fragment
// keep their order and content. A value without "scheme://" and without an opaque scheme
// ("mailto:...") is read as "http://" + value, because hosts with paths ("evil.example/x") are
// common in threat feeds. False when `text` is empty, too long, contains whitespace or control
// characters, or has no host.
bool NormalizeUrl(std::string_view text, std::string& out);

// The host part of a URL as written (no normalization): "Evil.Example" for
// "http://user@Evil.Example:8080/x"; "[2001:db8::1]" keeps its brackets. Empty when there is none.
std::string_view UrlHost(std::string_view url);

// Canonical e-mail address: surrounding white space and one pair of <angle brackets> removed
// ("Alice <alice@example.org>" keeps only the address), the whole address in lower case (local
// parts are case-insensitive at practically every provider, and a missed hit costs more than a
// rare false one), the domain canonical as by NormalizeDomain. False when there is no
// "local@domain" with a valid domain.
bool NormalizeEmail(std::string_view text, std::string& out);

// Canonical form of a value of another `type:path` (canonical path, without quotes), for the
// few whose comparison is not byte-exact: `mac-addr:value` (lower case, '-' separators as ':'),
// `windows-registry-key:key` (case-insensitive; hive abbreviations HKLM, HKCU, HKU, HKCR, HKCC
// spelled out as HKEY_LOCAL_MACHINE...). Writes the canonical value into `out` and returns true
// when the path has such a rule; returns false (and leaves `out` alone) when the value is
// compared as it is.
bool NormalizeOtherValue(std::string_view object_path, std::string_view value, std::string& out);

enum class HashAlgorithm : uint8_t { kMd5 = 0, kSha1, kSha256, kSha512 };
inline constexpr int kHashAlgorithmCount = 4;

// "MD5", "SHA-1", "SHA-256", "SHA-512" (the STIX hash-algorithm-ov names); also accepted, case-
// insensitively: "sha1", "sha256", "sha512", "SHA_256", with or without single quotes.
std::optional<HashAlgorithm> HashAlgorithmFromName(std::string_view name);
// The STIX name: "MD5", "SHA-1", "SHA-256", "SHA-512".
std::string_view HashAlgorithmName(HashAlgorithm algorithm);
// The algorithm whose hex digest has `hex_digits` digits (32, 40, 64, 128), if any.
std::optional<HashAlgorithm> HashAlgorithmFromHexLength(size_t hex_digits);
// The algorithm of the hex digest `hex` by its number of digits, not counting ':' and ' '
// separators ("da:39:a3:..." is SHA-1), if any; whether they are hex digits is DecodeHash's to say.
std::optional<HashAlgorithm> HashAlgorithmOfDigest(std::string_view hex);
size_t HashDigestBytes(HashAlgorithm algorithm);

// Decodes a hex digest (either case; ':' separators between bytes allowed, as in certificate
// fingerprints) into its bytes. False when it is not hex or not the algorithm's length.
bool DecodeHash(HashAlgorithm algorithm, std::string_view hex, std::string& out);
// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);

}  // namespace tessera::hunt
