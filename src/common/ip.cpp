#include "common/ip.h"

#include <cassert>

#include "common/hex.h"

namespace tessera::ip {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ipv4-address in one pass (every address of a log comes here); the value in host byte order.
bool ParseV4(std::string_view s, uint32_t* out) {
  const char* p = s.data();
  const char* const end = p + s.size();
  auto digit = [&](const char* q) { return q != end && IsDigit(*q); };
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    if (!digit(p)) return false;
    uint32_t octet = static_cast<uint32_t>(*p++ - '0');
    if (digit(p)) {
      if (octet == 0) return false;  // a leading zero
      octet = octet * 10 + static_cast<uint32_t>(*p++ - '0');
      if (digit(p)) {
        octet = octet * 10 + static_cast<uint32_t>(*p++ - '0');
        if (digit(p) || octet > 255) return false;
      }
    }
    value = (value << 8) | octet;
  }
  if (p != end) return false;
  *out = value;
  return true;
}

void PutV4(uint32_t v, uint8_t* out) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}

// ipv6-address into 16 bytes.
bool ParseV6(std::string_view s, uint8_t* out) {
  std::array<uint16_t, 8> groups{};
  int n = 0;
  int gap = -1;  // the index of the group "::" stands before, if any
  size_t i = 0;
  if (s.empty()) return false;
  if (s[0] == ':') {
    if (s.size() < 2 || s[1] != ':') return false;
    gap = 0;
    i = 2;
  }
  while (i < s.size()) {
    const size_t start = i;
    uint32_t v = 0;
    while (i < s.size() && i - start < 5 && HexDigitValue(s[i]) >= 0) {
      v = v * 16 + static_cast<uint32_t>(HexDigitValue(s[i]));
      ++i;
    }
    if (i < s.size() && s[i] == '.') {
      // The last two groups written as an IPv4 address.
      uint32_t v4 = 0;
      if (n > 6 || !ParseV4(s.substr(start), &v4)) return false;
      groups[static_cast<size_t>(n++)] = static_cast<uint16_t>(v4 >> 16);
      groups[static_cast<size_t>(n++)] = static_cast<uint16_t>(v4 & 0xffff);
      break;
    }
    const size_t digits = i - start;
    if (digits == 0 || digits > 4 || n == 8) return false;
    groups[static_cast<size_t>(n++)] = static_cast<uint16_t>(v);
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return false;
      gap = n;
      ++i;
    } else if (i == s.size()) {
      return false;  // a single trailing colon
    }
  }
  std::array<uint16_t, 8> full{};
  if (gap < 0) {
    if (n != 8) return false;
    full = groups;
  } else {
    if (n > 7) return false;  // "::" stands for at least one group
    const int tail = n - gap;
    for (int k = 0; k < gap; ++k) full[static_cast<size_t>(k)] = groups[static_cast<size_t>(k)];
    for (int k = 0; k < tail; ++k) {
      full[static_cast<size_t>(8 - tail + k)] = groups[static_cast<size_t>(gap + k)];
    }
  }
  for (size_t k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<uint8_t>(full[k] >> 8);
    out[2 * k + 1] = static_cast<uint8_t>(full[k] & 0xff);
  }
  return true;
}

}  // namespace

std::optional<Address> ParseAddress(std::string_view text) {
  Address a;
  if (text.find(':') == std::string_view::npos) {
    uint32_t v4 = 0;
    if (!ParseV4(text, &v4)) return std::nullopt;
    PutV4(v4, a.bytes.data());
    return a;
  }
  if (!ParseV6(text, a.bytes.data())) return std::nullopt;
  a.is_v6 = true;
  return a;
}

std::optional<uint32_t> ParseV4Address(std::string_view text) {
  uint32_t v4 = 0;
  if (!ParseV4(text, &v4)) return std::nullopt;
  return v4;
}

std::optional<Network> ParseNetwork(std::string_view text) {
  const size_t slash = text.find('/');
  const auto address = ParseAddress(text.substr(0, slash));
  if (!address) return std::nullopt;
  uint8_t length = address->is_v6 ? 128 : 32;
  if (slash != std::string_view::npos) {
    const auto written = ParsePrefixLength(text.substr(slash + 1), address->is_v6);
    if (!written) return std::nullopt;
    length = *written;
  }
  return MakeNetwork(*address, length);
}

std::optional<uint8_t> ParsePrefixLength(std::string_view text, bool is_v6) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  unsigned v = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > (is_v6 ? 128u : 32u)) return std::nullopt;
  return static_cast<uint8_t>(v);
}

Network MakeNetwork(Address address, uint8_t prefix_length) {
  assert(prefix_length <= (address.is_v6 ? 128 : 32));
  const size_t full = prefix_length / 8;
  const unsigned rest = prefix_length % 8;
  for (size_t k = full; k < address.bytes.size(); ++k) {
    address.bytes[k] = k == full ? static_cast<uint8_t>(address.bytes[k] & (0xff00 >> rest)) : 0;
  }
  return Network{address, prefix_length};
}

bool IsV4Mapped(const Address& address) {
  if (!address.is_v6) return false;
  for (size_t k = 0; k < 10; ++k) {
    if (address.bytes[k] != 0) return false;
  }
  return address.bytes[10] == 0xff && address.bytes[11] == 0xff;
}

bool Contains(const Network& outer, const Network& inner) {
  if (outer.address.is_v6 != inner.address.is_v6 || outer.prefix_length > inner.prefix_length) {
    return false;
  }
  const size_t full = outer.prefix_length / 8;
  const unsigned rest = outer.prefix_length % 8;
  for (size_t k = 0; k < full; ++k) {
    if (outer.address.bytes[k] != inner.address.bytes[k]) return false;
  }
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (outer.address.bytes[full] & mask) == (inner.address.bytes[full] & mask);
}

}  // namespace tessera::ip
