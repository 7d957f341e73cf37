#include "stix/types.h"

#include <algorithm>
#include <array>
#include <span>

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

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

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
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos) return false;
  const std::string_view type = id.substr(0, sep);
  const std::string_view uuid = id.substr(sep + 2);
  if (!IsValidTypeName(type) || uuid.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? uuid[i] != '-' : !IsHex(uuid[i])) return false;
  }
  // RFC 4122: version 1-5 and the 10xx variant.
  if (uuid[14] < '1' || uuid[14] > '5') return false;
  const char v = uuid[19];
  if (!(v == '8' || v == '9' || v == 'a' || v == 'b' || v == 'A' || v == 'B')) return false;
  if (type_out != nullptr) *type_out = type;
  return true;
}

}  // namespace tessera::stix
