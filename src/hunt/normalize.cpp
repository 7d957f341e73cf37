#include "hunt/normalize.h"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "common/hex.h"
#include "common/ip.h"
#include "common/text.h"

namespace tessera::hunt {
namespace {

// Longer than any address with its zone and brackets that a log writes; longer text is no address.
constexpr size_t kMaxIpTextLength = 64;

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

// What surrounds an address in a log or a URL host (normalize.h): white space, [brackets], and
// after an IPv6 address a %zone.
std::string_view UnwrapAddress(std::string_view text) {
  text = Trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.find(':') != std::string_view::npos) text = text.substr(0, text.find('%'));
  return text;
}

IpAddress FromCommon(const ip::Address& a) {
  IpAddress r;
  if (!a.is_v6) {
    r.v4 = a.V4();
    return r;
  }
  r.is_v6 = true;
  for (size_t k = 0; k < 8; ++k) r.v6.hi = (r.v6.hi << 8) | a.bytes[k];
  for (size_t k = 8; k < 16; ++k) r.v6.lo = (r.v6.lo << 8) | a.bytes[k];
  return r;
}

// The IPv4 address of an IPv4-mapped one (ip::IsV4Mapped).
uint32_t MappedV4(const ip::Address& a) {
  return uint32_t{a.bytes[12]} << 24 | uint32_t{a.bytes[13]} << 16 | uint32_t{a.bytes[14]} << 8 |
         a.bytes[15];
}

constexpr bool IsUnreserved(unsigned char c) {
  return IsAlpha(static_cast<char>(c)) || IsDigit(static_cast<char>(c)) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Appends `in` with percent-encodings normalized (RFC 3986 §6.2.2.1-2); literal characters are
// lower-cased when `lower`. A stray '%' (not followed by two hex digits, invalid in a URI) becomes
// "%25", so that decoding a neighbour can never form a new escape and normalizing twice changes
// nothing.
void AppendPercentNormalized(std::string_view in, std::string& out, bool lower) {
  if (!lower) {
    // The common case: no percent-encoding, nothing to change.
    size_t pct = in.find('%');
    if (pct == std::string_view::npos) {
      out.append(in);
      return;
    }
    out.append(in.substr(0, pct));
    in.remove_prefix(pct);
  }
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size() && HexDigitValue(in[i + 1]) >= 0 &&
        HexDigitValue(in[i + 2]) >= 0) {
      auto v = static_cast<unsigned char>(HexDigitValue(in[i + 1]) * 16 + HexDigitValue(in[i + 2]));
      if (IsUnreserved(v)) {
        char d = static_cast<char>(v);
        out.push_back(lower ? ToLower(d) : d);
      } else {
        out.push_back('%');
        out.push_back(ToUpper(in[i + 1]));
        out.push_back(ToUpper(in[i + 2]));
      }
      i += 2;
    } else if (c == '%') {
      out += "%25";
    } else {
      out.push_back(lower ? ToLower(c) : c);
    }
  }
}

// RFC 3986 §5.2.4 on out[start..], which is empty or begins with '/'.
void RemoveDotSegments(std::string& s, size_t start) {
  size_t end = s.size();
  if (start == end) {
    s.push_back('/');
    return;
  }
  // A dot-segment starts right after a '/': without "/." there is none.
  if (std::string_view(s).substr(start).find("/.") == std::string_view::npos) return;
  size_t r = start;
  size_t w = start;
  while (r < end) {
    // s[r] == '/' here.
    size_t seg_end = s.find('/', r + 1);
    if (seg_end == std::string::npos || seg_end > end) seg_end = end;
    std::string_view seg(s.data() + r + 1, seg_end - r - 1);
    bool last = seg_end == end;
    if (seg == "." || seg == "..") {
      if (seg == "..") {
        size_t slash = w;
        while (slash > start && s[slash - 1] != '/') --slash;
        w = slash > start ? slash - 1 : start;
      }
      if (last) s[w++] = '/';
    } else {
      std::copy(s.begin() + static_cast<std::ptrdiff_t>(r),
                s.begin() + static_cast<std::ptrdiff_t>(seg_end),
                s.begin() + static_cast<std::ptrdiff_t>(w));
      w += seg_end - r;
    }
    r = seg_end;
  }
  s.resize(w);
}

// Length of a syntactically valid scheme at the start of `s` (0 if none).
size_t SchemeLength(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return 0;
  size_t i = 1;
  while (i < s.size() &&
         (IsAlpha(s[i]) || IsDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
    ++i;
  return i;
}

std::string_view DefaultPort(std::string_view scheme) {
  if (EqualsIgnoreCase(scheme, "http") || EqualsIgnoreCase(scheme, "ws")) return "80";
  if (EqualsIgnoreCase(scheme, "https") || EqualsIgnoreCase(scheme, "wss")) return "443";
  if (EqualsIgnoreCase(scheme, "ftp")) return "21";
  return {};
}

// "8080", "8080/x", "443?q": what follows "host:" in a URL written without a scheme.
bool LooksLikePort(std::string_view s) {
  size_t end = s.find_first_of("/?#");
  std::string_view digits = s.substr(0, end);
  return !digits.empty() && std::all_of(digits.begin(), digits.end(), IsDigit);
}

// Splits a URL into scheme (empty if none) and the part after "scheme://", or reports an opaque
// URI ("mailto:x") through `opaque`.
std::string_view SplitScheme(std::string_view url, std::string_view* scheme, bool* opaque) {
  size_t n = SchemeLength(url);
  *opaque = false;
  *scheme = {};
  if (n > 0 && url.substr(n, 3) == "://") {
    *scheme = url.substr(0, n);
    return url.substr(n + 3);
  }
  if (n > 1 && n < url.size() && url[n] == ':' &&
      url.substr(0, n).find('.') == std::string_view::npos && !LooksLikePort(url.substr(n + 1))) {
    *scheme = url.substr(0, n);
    *opaque = true;
    return url.substr(n + 1);
  }
  return url;
}

bool ValidateDomainAscii(std::string_view s) {
  if (s.empty() || s.size() > kMaxDomainLength) return false;
  size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '_')) return false;
    if (++label > 63) return false;
  }
  return label > 0;
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  // Most values a log holds in an address field are IPv4 addresses written bare: read those
  // without the unwrapping and the 16-byte form an IPv6 address needs.
  if (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    if (const auto v4 = ip::ParseV4Address(text)) {
      IpAddress a;
      a.v4 = *v4;
      return a;
    }
  }
  text = UnwrapAddress(text);
  if (text.size() > kMaxIpTextLength) return std::nullopt;
  const auto a = ip::ParseAddress(text);
  if (!a) return std::nullopt;
  if (ip::IsV4Mapped(*a)) {
    IpAddress v4;
    v4.v4 = MappedV4(*a);
    return v4;
  }
  return FromCommon(*a);
}

std::optional<IpPrefix> ParseIpPrefix(std::string_view text) {
  text = Trim(text);
  const size_t slash = text.find('/');
  const std::string_view address_text = UnwrapAddress(text.substr(0, slash));
  if (address_text.size() > kMaxIpTextLength) return std::nullopt;
  const auto a = ip::ParseAddress(address_text);
  if (!a) return std::nullopt;
  uint8_t length = a->is_v6 ? 128 : 32;
  if (slash != std::string_view::npos) {
    const auto written = ip::ParsePrefixLength(text.substr(slash + 1), a->is_v6);
    if (!written) return std::nullopt;
    length = *written;
  }
  const ip::Network net = ip::MakeNetwork(*a, length);
  IpPrefix p;
  if (ip::IsV4Mapped(*a) && length >= 96) {
    p.address.v4 = MappedV4(net.address);
    p.length = static_cast<uint8_t>(length - 96);
    return p;
  }
  p.address = FromCommon(net.address);
  p.length = length;
  return p;
}

std::string FormatIpPrefix(const IpPrefix& prefix) {
  std::string out;
  const IpAddress& a = prefix.address;
  if (!a.is_v6) {
    for (int i = 3; i >= 0; --i) {
      out += std::to_string((a.v4 >> (i * 8)) & 0xff);
      if (i) out.push_back('.');
    }
  } else {
    std::array<uint16_t, 8> w{};
    for (int i = 0; i < 4; ++i) {
      w[static_cast<size_t>(i)] = static_cast<uint16_t>(a.v6.hi >> (48 - 16 * i));
      w[static_cast<size_t>(i + 4)] = static_cast<uint16_t>(a.v6.lo >> (48 - 16 * i));
    }
    // RFC 5952 §4.2: compress the longest run (first if tied) of two or more zero words.
    int best = -1;
    int best_len = 1;
    for (int i = 0; i < 8;) {
      if (w[static_cast<size_t>(i)] != 0) {
        ++i;
        continue;
      }
      int j = i;
      while (j < 8 && w[static_cast<size_t>(j)] == 0) ++j;
      if (j - i > best_len) {
        best = i;
        best_len = j - i;
      }
      i = j;
    }
    char buf[8];
    for (int i = 0; i < 8; ++i) {
      if (i == best) {
        out += "::";
        i += best_len - 1;
        continue;
      }
      if (!out.empty() && out.back() != ':') out.push_back(':');
      std::snprintf(buf, sizeof buf, "%x", w[static_cast<size_t>(i)]);
      out += buf;
    }
  }
  out.push_back('/');
  out += std::to_string(prefix.length);
  return out;
}

bool NormalizeDomain(std::string_view text, std::string& out) {
  out.clear();
  text = Trim(text);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 4 * kMaxDomainLength) return false;
  // ASCII names (nearly all) in one pass: lower-cased and checked as ValidateDomainAscii does;
  // a non-ASCII byte anywhere sends the whole name to libidn2 instead.
  bool ascii = true;
  bool valid = text.size() <= kMaxDomainLength;
  if (valid) out.resize(text.size());
  size_t label = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
    if (!valid) continue;
    if (c == '.') {
      valid = label > 0;
      label = 0;
    } else {
      valid = (IsAlpha(c) || IsDigit(c) || c == '-' || c == '_') && ++label <= 63;
    }
    out[i] = ToLower(c);
  }
  if (ascii) return valid && label > 0;
  std::string input(text);  // libidn2 wants a NUL-terminated string
  char* result = nullptr;
  int rc = idn2_to_ascii_8z(input.c_str(), &result, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK || result == nullptr) {
    idn2_free(result);
    return false;
  }
  out.assign(result);
  idn2_free(result);
  for (char& c : out) c = ToLower(c);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return ValidateDomainAscii(out);
}

bool NormalizeUrl(std::string_view text, std::string& out) {
  out.clear();
  text = Trim(text);
  if (text.empty() || text.size() > kMaxUrlLength) return false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  std::string_view scheme;
  bool opaque = false;
  std::string_view rest = SplitScheme(text, &scheme, &opaque);
  if (opaque) {
    for (char c : scheme) out.push_back(ToLower(c));
    out.push_back(':');
    if (rest.size() >= 3 && rest[0] == '%' && rest[1] == '3' && IsDigit(rest[2])) {
      // Keep a leading encoded digit encoded: decoded, "x:%38%30" would read as host "x", port 80.
      out += "%3";
      out.push_back(rest[2]);
      rest.remove_prefix(3);
    }
    AppendPercentNormalized(rest, out, false);
    return true;
  }
  if (scheme.empty()) scheme = "http";
  for (char c : scheme) out.push_back(ToLower(c));
  out += "://";

  size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view tail =
      auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);
  size_t at = authority.rfind('@');
  std::string_view hostport = authority;
  if (at != std::string_view::npos) {
    AppendPercentNormalized(authority.substr(0, at), out, false);
    out.push_back('@');
    hostport = authority.substr(at + 1);
  }
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return false;
    host = hostport.substr(0, close + 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return false;
      port = after.substr(1);
      has_port = true;
    }
  } else {
    size_t colon = hostport.rfind(':');
    host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (host.empty()) return false;
  if (host[0] == '[') {
    // IP literal: hex digits, ':' and '.' (an embedded IPv4) only.
    for (char c : host.substr(1, host.size() - 2)) {
      if (!(HexDigitValue(c) >= 0 || c == ':' || c == '.')) return false;
    }
  } else {
    // reg-name (RFC 3986 §3.2.2): unreserved, pct-encoded, sub-delims; non-ASCII for IDNs.
    static constexpr auto kRegName = [] {
      std::array<bool, 256> t{};
      for (int c = 0x80; c < 256; ++c) t[static_cast<size_t>(c)] = true;
      for (int c = 0; c < 0x80; ++c)
        t[static_cast<size_t>(c)] = IsUnreserved(static_cast<unsigned char>(c));
      for (char c : std::string_view("%!$&'()*+,;=")) t[static_cast<unsigned char>(c)] = true;
      return t;
    }();
    for (char c : host) {
      if (!kRegName[static_cast<unsigned char>(c)]) return false;
    }
  }
  bool ascii_plain = std::all_of(host.begin(), host.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && c != '%';
  });
  if (ascii_plain || host[0] == '[') {
    const size_t at_host = out.size();
    out.resize(at_host + host.size());
    for (size_t i = 0; i < host.size(); ++i) out[at_host + i] = ToLower(host[i]);
  } else {
    std::string decoded;
    AppendPercentNormalized(host, decoded, true);
    std::string idna;
    if (decoded.find('%') == std::string::npos && NormalizeDomain(decoded, idna)) {
      out += idna;
    } else {
      out += decoded;
    }
  }
  if (has_port) {
    while (port.size() > 1 && port[0] == '0') port.remove_prefix(1);
    if (port.size() > 5) return false;
    uint32_t value = 0;
    for (char c : port) {
      if (!IsDigit(c)) return false;
      value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value > 65535) return false;
    if (!port.empty() && port != DefaultPort(scheme)) {
      out.push_back(':');
      out += port;
    }
  }
  size_t path_end = tail.find_first_of("?#");
  std::string_view path = tail.substr(0, path_end);
  size_t path_start = out.size();
  AppendPercentNormalized(path, out, false);
  RemoveDotSegments(out, path_start);
  if (path_end != std::string_view::npos)
    AppendPercentNormalized(tail.substr(path_end), out, false);
  return true;
}

std::string_view UrlHost(std::string_view url) {
  url = Trim(url);
  std::string_view scheme;
  bool opaque = false;
  std::string_view rest = SplitScheme(url, &scheme, &opaque);
  if (opaque) return {};
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    return close == std::string_view::npos ? std::string_view() : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.rfind(':'));
}

bool NormalizeEmail(std::string_view text, std::string& out) {
  out.clear();
  text = Trim(text);
  size_t lt = text.rfind('<');
  if (lt != std::string_view::npos) {
    size_t gt = text.find('>', lt);
    if (gt == std::string_view::npos) return false;
    text = Trim(text.substr(lt + 1, gt - lt - 1));
  }
  if (text.size() > 7 && EqualsIgnoreCase(text.substr(0, 7), "mailto:")) text.remove_prefix(7);
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 * 4) return false;
  std::string_view local = text.substr(0, at);
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '@') return false;
  }
  std::string domain;
  if (!NormalizeDomain(text.substr(at + 1), domain)) return false;
  out.reserve(local.size() + 1 + domain.size());
  for (char c : local) out.push_back(ToLower(c));
  out.push_back('@');
  out += domain;
  return true;
}

bool NormalizeOtherValue(std::string_view object_path, std::string_view value, std::string& out) {
  if (object_path == "mac-addr:value") {
    out.clear();
    for (char c : Trim(value)) out.push_back(c == '-' ? ':' : ToLower(c));
    return true;
  }
  if (object_path == "windows-registry-key:key") {
    static constexpr std::pair<std::string_view, std::string_view> kHives[] = {
        {"hklm", "hkey_local_machine"},
        {"hkcu", "hkey_current_user"},
        {"hku", "hkey_users"},
        {"hkcr", "hkey_classes_root"},
        {"hkcc", "hkey_current_config"}};
    out.clear();
    for (char c : Trim(value)) out.push_back(ToLower(c));
    size_t end = out.find('\\');
    std::string_view hive = std::string_view(out).substr(0, end);
    for (const auto& [abbreviation, full] : kHives) {
      if (hive == abbreviation) {
        out.replace(0, hive.size(), full);
        break;
      }
    }
    return true;
  }
  return false;
}

std::optional<HashAlgorithm> HashAlgorithmFromName(std::string_view name) {
  name = Trim(name);
  if (name.size() >= 2 && name.front() == '\'' && name.back() == '\'') {
    name = name.substr(1, name.size() - 2);
  }
  std::array<char, 16> buf{};
  size_t n = 0;
  for (char c : name) {
    if (c == '-' || c == '_') continue;
    if (n == buf.size()) return std::nullopt;
    buf[n++] = ToUpper(c);
  }
  std::string_view key(buf.data(), n);
  if (key == "MD5") return HashAlgorithm::kMd5;
  if (key == "SHA1") return HashAlgorithm::kSha1;
  if (key == "SHA256") return HashAlgorithm::kSha256;
  if (key == "SHA512") return HashAlgorithm::kSha512;
  return std::nullopt;
}

std::string_view HashAlgorithmName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kMd5:
      return "MD5";
    case HashAlgorithm::kSha1:
      return "SHA-1";
    case HashAlgorithm::kSha256:
      return "SHA-256";
    case HashAlgorithm::kSha512:
      return "SHA-512";
  }
  return "?";
}

std::optional<HashAlgorithm> HashAlgorithmFromHexLength(size_t hex_digits) {
  switch (hex_digits) {
    case 32:
      return HashAlgorithm::kMd5;
    case 40:
      return HashAlgorithm::kSha1;
    case 64:
      return HashAlgorithm::kSha256;
    case 128:
      return HashAlgorithm::kSha512;
    default:
      return std::nullopt;
  }
}

std::optional<HashAlgorithm> HashAlgorithmOfDigest(std::string_view hex) {
  size_t digits = 0;
  for (char c : hex) digits += (c != ':' && c != ' ');
  return HashAlgorithmFromHexLength(digits);
}

size_t HashDigestBytes(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kMd5:
      return 16;
    case HashAlgorithm::kSha1:
      return 20;
    case HashAlgorithm::kSha256:
      return 32;
    case HashAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

bool DecodeHash(HashAlgorithm algorithm, std::string_view hex, std::string& out) {
  out.clear();
  hex = Trim(hex);
  size_t want = HashDigestBytes(algorithm);
  if (hex.size() == 2 * want) {
    // The common form: plain hex digits.
    out.resize(want);
    int bad = 0;
    for (size_t i = 0; i < want; ++i) {
      int h = HexDigitValue(hex[2 * i]);
      int l = HexDigitValue(hex[2 * i + 1]);
      bad |= h | l;
      out[i] = static_cast<char>((h << 4) | (l & 15));
    }
    if (bad >= 0) return true;
    out.clear();
    return false;
  }
  int high = -1;
  for (char c : hex) {
    if (c == ':' && high < 0) continue;
    int v = HexDigitValue(c);
    if (v < 0) return false;
    if (high < 0) {
      high = v;
    } else {
      if (out.size() == want) return false;
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return high < 0 && out.size() == want;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 15]);
  }
  return out;
}

}  // namespace tessera::hunt
