#include "stix/sco_id.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/uuid.h"

namespace tessera::stix {
namespace {

using SV = std::string_view;

struct Contributing {
  SV type;
  std::span<const SV> props;
};

// STIX 2.1 §6, "ID Contributing Properties" of each SCO.
constexpr SV kArtifact[] = {"hashes", "payload_bin"};
constexpr SV kAutonomousSystem[] = {"number"};
constexpr SV kDirectory[] = {"path"};
constexpr SV kValue[] = {"value"};
constexpr SV kEmailMessage[] = {"from_ref", "subject", "body"};
constexpr SV kFile[] = {"hashes", "name", "extensions", "parent_directory_ref"};
constexpr SV kMutex[] = {"name"};
constexpr SV kNetworkTraffic[] = {"start",    "end",      "src_ref",   "dst_ref",
                                  "src_port", "dst_port", "protocols", "extensions"};
constexpr SV kSoftware[] = {"name", "cpe", "swid", "vendor", "version"};
constexpr SV kUserAccount[] = {"account_type", "user_id", "account_login"};
constexpr SV kRegistryKey[] = {"key", "values"};
constexpr SV kX509[] = {"hashes", "serial_number"};

constexpr Contributing kContributing[] = {
    {"artifact", kArtifact},
    {"autonomous-system", kAutonomousSystem},
    {"directory", kDirectory},
    {"domain-name", kValue},
    {"email-addr", kValue},
    {"email-message", kEmailMessage},
    {"file", kFile},
    {"ipv4-addr", kValue},
    {"ipv6-addr", kValue},
    {"mac-addr", kValue},
    {"mutex", kMutex},
    {"network-traffic", kNetworkTraffic},
    {"software", kSoftware},
    {"url", kValue},
    {"user-account", kUserAccount},
    {"windows-registry-key", kRegistryKey},
    {"x509-certificate", kX509},
};

constexpr SV kHashPreference[] = {"MD5",      "SHA-1",    "SHA-256", "SHA-512",
                                  "SHA3-256", "SHA3-512", "SSDEEP",  "TLSH"};

// UTF-8 to UTF-16 code units, for RFC 8785 §3.2.3 member ordering. Invalid sequences map to
// U+FFFD, which keeps the order total.
std::u16string Utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 0x6 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      len = 2;
    } else if ((c >> 4) == 0xE && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      len = 3;
    } else if ((c >> 3) == 0x1E && i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      len = 4;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// ECMAScript Number::toString (ECMA-262 §7.1.12.1), which RFC 8785 §3.2.2.3 prescribes.
void AppendDouble(std::string& out, double d) {
  if (!std::isfinite(d)) {  // not representable in JSON; Boost.JSON never yields these
    out += "null";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  if (d < 0) {
    out += '-';
    d = -d;
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp);
  const int k = static_cast<int>(digits.size());
  const int n = exp + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out += '.';
    out.append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
}

void AppendCanonical(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      break;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      break;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      break;
    case boost::json::kind::double_:
      AppendDouble(out, v.get_double());
      break;
    case boost::json::kind::string:
      AppendString(out, v.get_string());
      break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        AppendCanonical(out, item);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      const auto& obj = v.get_object();
      std::vector<std::pair<std::u16string, const boost::json::key_value_pair*>> members;
      members.reserve(obj.size());
      for (const auto& kv : obj) members.emplace_back(Utf16(kv.key()), &kv);
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (const auto& [key16, kv] : members) {
        if (!first) out += ',';
        first = false;
        AppendString(out, kv->key());
        out += ':';
        AppendCanonical(out, kv->value());
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string CanonicalJson(const boost::json::value& value) {
  std::string out;
  AppendCanonical(out, value);
  return out;
}

std::span<const std::string_view> IdContributingProperties(std::string_view type) {
  for (const Contributing& c : kContributing) {
    if (c.type == type) return c.props;
  }
  return {};
}

Result<std::string> DeterministicScoId(const boost::json::object& sco) {
  const auto* type_v = sco.if_contains("type");
  if (type_v == nullptr || !type_v->is_string()) {
    return InvalidArgument("an SCO needs a string 'type' to derive its identifier");
  }
  const std::string_view type = type_v->get_string();
  const auto props = IdContributingProperties(type);
  if (props.empty()) {
    return InvalidArgument("type '" + std::string(type) +
                           "' has no ID Contributing Properties; use a UUIDv4 identifier");
  }
  boost::json::object contributing;
  for (std::string_view name : props) {
    const auto* v = sco.if_contains(name);
    if (v == nullptr) continue;
    if (name == "hashes" && v->is_object() && !v->get_object().empty()) {
      const auto& hashes = v->get_object();
      const boost::json::key_value_pair* chosen = nullptr;
      for (std::string_view algo : kHashPreference) {
        for (const auto& kv : hashes) {
          if (chosen == nullptr && kv.key() == algo) chosen = &kv;
        }
      }
      if (chosen == nullptr) {
        for (const auto& kv : hashes) {
          if (chosen == nullptr || kv.key() < chosen->key()) chosen = &kv;
        }
      }
      boost::json::object one;
      one[chosen->key()] = chosen->value();
      contributing[name] = std::move(one);
    } else {
      contributing[name] = *v;
    }
  }
  if (contributing.empty()) {
    return InvalidArgument("the " + std::string(type) +
                           " carries none of its ID Contributing Properties; use a UUIDv4");
  }
  const Uuid uuid = Uuid::V5(StixScoNamespace(), CanonicalJson(contributing));
  return std::string(type) + "--" + uuid.ToString();
}

}  // namespace tessera::stix
