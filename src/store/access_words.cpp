#include "store/access_words.h"

#include <charconv>
#include <ostream>

namespace tessera::store {

bool IsValidGrantKey(const GrantKey& key) {
  switch (key.kind) {
    case GrantKind::kCollectionReaders:
      return key.id == 0;
    case GrantKind::kOrg:
    case GrantKind::kGroup:
      return key.id >= 0 && key.id <= kMaxGrantId;
  }
  return false;
}

void AppendGrantKey(const GrantKey& key, std::string& out) {
  switch (key.kind) {
    case GrantKind::kCollectionReaders:
      out += "coll";
      return;
    case GrantKind::kOrg:
      out += "org:";
      break;
    case GrantKind::kGroup:
      out += "group:";
      break;
  }
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, key.id);
  out.append(digits, ec == std::errc() ? end : digits);
}

std::string FormatGrantKey(const GrantKey& key) {
  std::string out;
  AppendGrantKey(key, out);
  return out;
}

std::optional<GrantKey> ParseGrantKey(std::string_view text) {
  if (text == "coll") return GrantKey::CollectionReaders();
  GrantKey key;
  std::string_view digits;
  if (text.starts_with("org:")) {
    key.kind = GrantKind::kOrg;
    digits = text.substr(4);
  } else if (text.starts_with("group:")) {
    key.kind = GrantKind::kGroup;
    digits = text.substr(6);
  } else {
    return std::nullopt;
  }
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::from_chars(digits.data(), digits.data() + digits.size(), key.id);
  return key;
}

std::ostream& operator<<(std::ostream& os, const GrantKey& key) {
  return os << FormatGrantKey(key);
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOrgAdmin:
      return "org-admin";
    case Role::kAnalyst:
      return "analyst";
    case Role::kReadOnly:
      return "read-only";
    case Role::kSync:
      return "sync";
  }
  return "read-only";  // unreachable: every enumerator is handled above
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kAll = {Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst,
                                         Role::kReadOnly, Role::kSync};
  return kAll;
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : AllRoles()) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view TlpName(stix::TlpLevel level) {
  switch (level) {
    case stix::TlpLevel::kClear:
      return "clear";
    case stix::TlpLevel::kGreen:
      return "green";
    case stix::TlpLevel::kAmber:
      return "amber";
    case stix::TlpLevel::kAmberStrict:
      return "amber+strict";
    case stix::TlpLevel::kRed:
      return "red";
  }
  return "red";  // unreachable: every enumerator is handled above
}

const std::vector<stix::TlpLevel>& AllTlpLevels() {
  static const std::vector<stix::TlpLevel> kAll = {
      stix::TlpLevel::kClear, stix::TlpLevel::kGreen, stix::TlpLevel::kAmber,
      stix::TlpLevel::kAmberStrict, stix::TlpLevel::kRed};
  return kAll;
}

std::optional<stix::TlpLevel> ParseTlpName(std::string_view name) {
  for (stix::TlpLevel level : AllTlpLevels()) {
    if (TlpName(level) == name) return level;
  }
  return std::nullopt;
}

}  // namespace tessera::store
