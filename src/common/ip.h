#pragma once
// IP addresses and CIDR networks written as text: the one parser that STIX validation (the
// `value` of ipv4-addr / ipv6-addr), the pattern engine (ISSUBSET / ISSUPERSET constants and
// observed values) and hunting (indicators and log values) use, so that they agree on what an
// address is. tests/data/ip/addresses.json holds the cases all three are checked against.
//
// The accepted grammar (ABNF, RFC 5234), nothing else: no white space, no [brackets], no %zone id.
//
//   ipv4-address  = dec-octet "." dec-octet "." dec-octet "." dec-octet
//   dec-octet     = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
//                   ; 0-255 in decimal without leading zeros (RFC 3986 §3.2.2): "010" is octal
//                   ; to inet_aton and decimal to others, so it is no address here
//   ipv6-address  = IPv6address of RFC 3986 §3.2.2, the text forms of RFC 4291 §2.2:
//                   eight groups of 1-4 hex digits (either case) separated by ":"; one "::" may
//                   stand for one or more groups of zeros; the last two groups may be written as
//                   an ipv4-address ("::ffff:192.0.2.1", "64:ff9b::198.51.100.7")
//   prefix-length = "0" / %x31-39 *2DIGIT      ; decimal without leading zeros
//   ipv4-network  = ipv4-address [ "/" prefix-length ]   ; 0..32, none means /32
//   ipv6-network  = ipv6-address [ "/" prefix-length ]   ; 0..128, none means /128
//
// For addresses this is what glibc's inet_pton accepts (common/ip_test.cpp checks every case
// against it); the rest (prefix lengths, what a network is) is stated here because no system
// function defines it. An IPv4-mapped IPv6 address ("::ffff:192.0.2.1") is an IPv6 address to
// this parser: whether it means the IPv4 address is for the caller to decide (hunting does, by
// IsV4Mapped). Callers that read addresses out of logs strip what surrounds them (white space,
// the brackets of a URL host, a link-local %zone) before calling, and say so in their headers.
//
// All functions are pure, allocation-free and thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tessera::ip {

// An IPv4 or IPv6 address: its bytes in network order (IPv4 in the first four, the rest zero).
struct Address {
  bool is_v6 = false;
  std::array<uint8_t, 16> bytes{};

  // The IPv4 address as a number in host byte order ("192.0.2.1" is 0xC0000201). !is_v6 only.
  uint32_t V4() const {
    return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | bytes[3];
  }
  bool operator==(const Address&) const = default;
};

// An address and a prefix length (0..32 for IPv4, 0..128 for IPv6); the bits of `address` below
// the prefix are zero.
struct Network {
  Address address;
  uint8_t prefix_length = 0;
  bool operator==(const Network&) const = default;
};

// The address that `text` is by ipv4-address / ipv6-address above; std::nullopt otherwise.
std::optional<Address> ParseAddress(std::string_view text);

// The IPv4 half of ParseAddress: the address that `text` is by ipv4-address above, as a number
// in host byte order (Address::V4), or std::nullopt (an IPv6 address included). For a caller that
// reads many addresses and keeps IPv4 ones as numbers (hunting).
std::optional<uint32_t> ParseV4Address(std::string_view text);

// The network that `text` is by ipv4-network / ipv6-network above; std::nullopt otherwise. An
// address alone is a network of one address (/32, /128). Host bits below the prefix are accepted
// and cleared ("10.1.2.3/8" is 10.0.0.0/8), as routers and the STIX examples write networks.
std::optional<Network> ParseNetwork(std::string_view text);

// The two halves of ParseNetwork, for a caller that finds the address and the prefix length
// apart: the prefix-length above (at most 32, or 128 when `is_v6`), and the network of `address`
// and `prefix_length` (at most that maximum) with the host bits cleared.
std::optional<uint8_t> ParsePrefixLength(std::string_view text, bool is_v6);
Network MakeNetwork(Address address, uint8_t prefix_length);

// Whether `address` is IPv4-mapped (RFC 4291 §2.5.5.2, ::ffff:0:0/96). The IPv4 address is then
// in bytes[12..15].
bool IsV4Mapped(const Address& address);

// Whether every address of `inner` is in `outer`. False when their families differ (an IPv4
// network and an IPv4-mapped IPv6 one included).
bool Contains(const Network& outer, const Network& inner);

}  // namespace tessera::ip
