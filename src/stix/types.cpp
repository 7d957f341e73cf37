#include "stix/types.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/ip.h"

namespace tessera::stix {
namespace {

constexpr std::string_view kSdos[] = {
    "attack-pattern", "campaign",      "course-of-action", "grouping",
    "identity",       "incident",      "indicator",        "infrastructure",
    "intrusion-set",  "location",      "malware",          "malware-analysis",
    "note",           "observed-data", "opinion",          "report",
    "threat-actor",   "tool",          "vulnerability"};
constexpr std::string_view kScos[] = {"artifact",
                                      "autonomous-system",
                                      "directory",
                                      "domain-name",
                                      "email-addr",
                                      "email-message",
                                      "file",
                                      "ipv4-addr",
                                      "ipv6-addr",
                                      "mac-addr",
                                      "mutex",
                                      "network-traffic",
                                      "process",
                                      "software",
                                      "url",
                                      "user-account",
                                      "windows-registry-key",
                                      "x509-certificate"};

bool Contains(std::span<const std::string_view> list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// 1 for the lower-case hex digits, 0 otherwise: an identifier's UUID is taken in its canonical
// (lower-case) form only (docs/stix.md, "Identifiers").
constexpr std::array<uint8_t, 256> kHex = [] {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = 1;
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<size_t>(c)] = 1;
  return t;
}();

// The edit distance (insertions, deletions, substitutions) between `a` and `b`, ASCII case
// ignored; both are short (type names).
size_t EditDistance(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

constexpr std::string_view kOthers[] = {"relationship", "sighting", "marking-definition",
                                        "language-content", "extension-definition"};

}  // namespace

std::string_view ClosestStixType(std::string_view text) {
  constexpr size_t kMaxEdits = 2;
  if (text.size() > 64) return {};  // no type name is that long; bounds the work
  std::string_view best;
  size_t best_distance = kMaxEdits + 1;
  for (std::span<const std::string_view> list :
       {std::span<const std::string_view>(kSdos), std::span<const std::string_view>(kScos),
        std::span<const std::string_view>(kOthers)}) {
    for (std::string_view name : list) {
      const size_t d = EditDistance(text, name);
      if (d < best_distance) {
        best = name;
        best_distance = d;
      }
    }
  }
  return best;
}

TypeFamily FamilyOf(std::string_view type) {
  if (type == "relationship" || type == "sighting") return TypeFamily::kSro;
  if (type == "marking-definition" || type == "language-content" ||
      type == "extension-definition") {
    return TypeFamily::kMeta;
  }
  if (type == "bundle") return TypeFamily::kBundle;
  if (Contains(kSdos, type)) return TypeFamily::kSdo;
  if (Contains(kScos, type)) return TypeFamily::kSco;
  return TypeFamily::kCustom;
}

bool IsValidTypeName(std::string_view type) {
  if (type.size() < 3 || type.size() > 250) return false;
  if (type[0] < 'a' || type[0] > 'z') return false;
  char prev = 0;
  for (char c : type) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

bool IsValidIdentifier(std::string_view id, std::string_view* type_out) {
  // "<type>--" + 36 characters of UUID: the separator sits 38 characters from the end.
  if (id.size() < 3 + 2 + 36) return false;
  const size_t sep = id.size() - 38;
  if (id[sep] != '-' || id[sep + 1] != '-') return false;
  const std::string_view type = id.substr(0, sep);
  const std::string_view uuid = id.substr(sep + 2);
  if (uuid[8] != '-' || uuid[13] != '-' || uuid[18] != '-' || uuid[23] != '-') return false;
  // Branch-free over the 32 hex digits: this runs for every identifier of every object.
  unsigned hex = 1;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    hex &= kHex[static_cast<unsigned char>(uuid[i])];
  }
  if (hex == 0) return false;
  // RFC 4122: version 1-5 and the 10xx variant.
  if (uuid[14] < '1' || uuid[14] > '5') return false;
  const char v = uuid[19];
  if (!(v == '8' || v == '9' || v == 'a' || v == 'b')) return false;
  if (!IsValidTypeName(type)) return false;
  if (type_out != nullptr) *type_out = type;
  return true;
}

bool IsIdentifierInOtherCase(std::string_view id) {
  if (id.size() > 300) return false;
  std::string lower(id);
  bool changed = false;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
      changed = true;
    }
  }
  return changed && IsValidIdentifier(lower);
}

std::string_view BadAddressValue(std::string_view type, std::string_view value) {
  if (type == "ipv4-addr" || type == "ipv6-addr") {
    const bool v6 = type == "ipv6-addr";
    const auto net = ip::ParseNetwork(value);
    if (net && net->address.is_v6 == v6) return "";
    return v6 ? "an IPv6 address or CIDR block" : "an IPv4 address or CIDR block";
  }
  if (type == "mac-addr") {
    bool valid = value.size() == 17;
    for (size_t i = 0; i < value.size() && valid; ++i) {
      const char c = value[i];
      valid = i % 3 == 2 ? c == ':' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    return valid ? "" : "a lower-case, colon-delimited MAC-48 address";
  }
  return "";
}

}  // namespace tessera::stix
