// One pass over a STIX object, driven by the tables in schema.cpp. The happy path allocates
// nothing: strings are views into the simdjson document, the JSON path is a small stack of
// views, and text is only built when a problem is recorded.

#include "stix/validate.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "common/base64.h"
#include "common/time.h"
#include "stix/handling.h"
#include "stix/incident_extensions.h"
#include "stix/schema.h"
#include "stix/tlp.h"
#include "stix/types.h"

namespace tessera::stix {
namespace {

using schema::Check;
using schema::Kind;
using schema::Prop;
using schema::RefClass;
using schema::Shape;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr size_t kMaxPathDepth = 32;  // the tables nest at most 5 levels
// Explicit bounds on work and output for one object (hostile input).
constexpr size_t kSelectorBudget = 1u << 20;  // steps to resolve all granular-marking selectors
constexpr size_t kMaxProblemsPerObject = 1000;
constexpr std::string_view kReserved[] = {"severity", "action", "username", "phone_numbers"};

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool AllHex(std::string_view s) { return std::all_of(s.begin(), s.end(), IsHexDigit); }

// §3.1: property names are ASCII letters, digits and '_', 3 to 250 characters, starting with a
// letter.
bool IsValidPropertyName(std::string_view name) {
  if (name.size() < 3 || name.size() > 250) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return IsAlnum(c) || c == '_'; });
}

// §2.7: dictionary keys are ASCII letters, digits, '_' and '-', at most 250 characters.
bool IsValidDictionaryKey(std::string_view key) {
  if (key.empty() || key.size() > 250) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

bool Contains(std::span<const std::string_view> list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  out += "'";
  return out;
}

std::string JoinTypes(std::span<const std::string_view> types) {
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += i + 1 == types.size() ? " or " : ", ";
    out.append(types[i]);
  }
  return out;
}

// The expected format of a hash value by algorithm name, or false for an unknown algorithm.
bool HashValueValid(std::string_view algo, std::string_view v, bool& known) {
  known = true;
  if (algo == "MD5") return v.size() == 32 && AllHex(v);
  if (algo == "SHA-1") return v.size() == 40 && AllHex(v);
  if (algo == "SHA-256" || algo == "SHA3-256") return v.size() == 64 && AllHex(v);
  if (algo == "SHA-512" || algo == "SHA3-512") return v.size() == 128 && AllHex(v);
  if (algo == "SSDEEP") {
    return !v.empty() && v.size() <= 148 && std::all_of(v.begin(), v.end(), [](char c) {
      return IsAlnum(c) || c == '/' || c == '+' || c == ':' || c == '.';
    });
  }
  if (algo == "TLSH") {
    // 70 hex digits (TLSH 3.x) or "T1" followed by 70 hex digits (TLSH 4.x).
    if (v.size() == 72 && (v[0] == 'T' || v[0] == 't') && v[1] == '1') v.remove_prefix(2);
    return v.size() == 70 && AllHex(v);
  }
  known = false;
  return true;
}

const char* HashExpectation(std::string_view algo) {
  if (algo == "MD5") return "32 hex digits";
  if (algo == "SHA-1") return "40 hex digits";
  if (algo == "SHA-256" || algo == "SHA3-256") return "64 hex digits";
  if (algo == "SHA-512" || algo == "SHA3-512") return "128 hex digits";
  if (algo == "SSDEEP") return "an ssdeep digest (blocksize:hash:hash)";
  return "70 hex digits, optionally prefixed by 'T1'";
}

bool IsStrictNumber(element_type t) {
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
bool HasUriScheme(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  const char first = s[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    if (!(IsAlnum(c) || c == '+' || c == '-' || c == '.')) return false;
  }
  return true;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

class Validator {
 public:
  Validator(object root, std::string_view object_id, const ReadOptions& options,
            std::vector<Problem>& problems)
      : root_(root), object_id_(object_id), strict_(options.strict), problems_(problems) {}

  // After Run: the top-level created and modified it parsed (CheckedTimes).
  CheckedTimes Times() const {
    const Timestamp* created = ParsedTimestamp("created");
    const Timestamp* modified = ParsedTimestamp("modified");
    return {created ? std::optional<Timestamp>(*created) : std::nullopt,
            modified ? std::optional<Timestamp>(*modified) : std::nullopt};
  }

  void Run() {
    CheckDuplicateKeys(root_);
    std::string_view type;
    const auto type_error = root_["type"].get_string().get(type);
    if (type_error != simdjson::SUCCESS) {
      Push("type");
      if (type_error == simdjson::NO_SUCH_FIELD) {
        Error("required-property", "required property 'type' is missing");
      } else {
        Error("property-type", "'type' must be a string");
      }
      Pop();
      return;
    }
    type_ = type;
    if (!IsValidTypeName(type)) {
      Push("type");
      Error("type-format", "type " + Quote(type) +
                               " is not a STIX type name (3-250 characters of a-z, 0-9 and '-', "
                               "starting with a letter)");
      Pop();
    }
    const TypeFamily family = FamilyOf(type);
    if (family == TypeFamily::kBundle) {
      Error("object-type", "a bundle cannot be an object inside a bundle or list");
      return;
    }
    CheckId();

    const Shape* shape = schema::FindShape(type);
    if (shape == nullptr) shape = DefinedObjectShape(type);
    if (shape == nullptr) {
      custom_object_ = true;
      const bool sdo_like = root_["created"].error() == simdjson::SUCCESS ||
                            root_["modified"].error() == simdjson::SUCCESS;
      shape = sdo_like ? &schema::CustomSdoShape() : &schema::CustomScoShape();
      if (!DeclaresNewObjectType()) {
        Warn("custom-object", "type " + Quote(type) +
                                  " is not defined by STIX 2.1 and no extension-definition of a "
                                  "new object type is named in 'extensions'");
      }
    }
    Walk(root_, *shape, /*top=*/true);
    CheckOrders(*shape);
  }

 private:
  struct Segment {
    std::string_view key;
    int64_t index;  // -1: `key` is used
  };

  // ---- problems and paths ----
  void Push(std::string_view key) {
    if (depth_ < kMaxPathDepth) path_[depth_] = Segment{key, -1};
    ++depth_;
  }
  void Push(size_t index) {
    if (depth_ < kMaxPathDepth) path_[depth_] = Segment{{}, static_cast<int64_t>(index)};
    ++depth_;
  }
  void Pop() { --depth_; }

  std::string Path() const {
    std::string out = "$";
    for (size_t i = 0; i < std::min(depth_, kMaxPathDepth); ++i) {
      const Segment& s = path_[i];
      if (s.index >= 0) {
        out += "[" + std::to_string(s.index) + "]";
      } else if (!s.key.empty() && std::all_of(s.key.begin(), s.key.end(),
                                               [](char c) { return IsAlnum(c) || c == '_'; })) {
        out += ".";
        out.append(s.key);
      } else {
        out += "['";
        for (char c : s.key) {
          if (c == '\'' || c == '\\') out += '\\';
          out += c;
        }
        out += "']";
      }
    }
    return out;
  }

  void Add(Severity severity, std::string_view rule, std::string message) {
    if (strict_) severity = Severity::kError;
    if (++recorded_ > kMaxProblemsPerObject) {
      if (severity == Severity::kError && !truncated_) {
        // Keep the object invalid even though the rest of its problems are not listed.
        truncated_ = true;
        problems_.push_back(Problem{Severity::kError, std::string(object_id_), "$",
                                    "too-many-problems",
                                    "more than " + std::to_string(kMaxProblemsPerObject) +
                                        " problems; the rest are not listed"});
      }
      return;
    }
    problems_.push_back(
        Problem{severity, std::string(object_id_), Path(), std::string(rule), std::move(message)});
  }
  void Error(std::string_view rule, std::string message) {
    Add(Severity::kError, rule, std::move(message));
  }
  void Warn(std::string_view rule, std::string message) {
    Add(Severity::kWarning, rule, std::move(message));
  }
  // An error about property `name` of the current object.
  void ErrorAt(std::string_view name, std::string_view rule, std::string message) {
    Push(name);
    Error(rule, std::move(message));
    Pop();
  }

  // ---- duplicate keys ----
  // A key that appears twice in one JSON object is refused, at any depth: JSON readers disagree
  // on which one counts (simdjson and a substring search take the first, Boost.JSON and most
  // others the last), so two tools would read two different objects, e.g. two different
  // object_marking_refs. Keys are compared as read (unescaped): "a\u005f" and "a_" are one key.
  void CheckDuplicateKeys(element e) {
    object o;
    array a;
    if (e.get_object().get(o) == simdjson::SUCCESS) {
      CheckDuplicateKeys(o);
    } else if (e.get_array().get(a) == simdjson::SUCCESS) {
      size_t i = 0;
      for (element item : a) {
        if (item.is_object() || item.is_array()) {
          Push(i);
          CheckDuplicateKeys(item);
          Pop();
        }
        ++i;
      }
    }
  }
  void CheckDuplicateKeys(object o) {
    // Small objects (nearly all) compare against a 64-bit filter of the keys seen and look back
    // only on a hit; large ones sort their keys once, so that no object costs quadratic time.
    constexpr size_t kSmall = 32;
    const size_t n = o.size();
    if (n > kSmall) {
      std::vector<std::string_view> keys;
      keys.reserve(n);
      for (auto field : o) keys.push_back(field.key);
      std::sort(keys.begin(), keys.end());
      for (size_t i = 1; i < keys.size(); ++i) {
        if (keys[i] == keys[i - 1] && (i + 1 == keys.size() || keys[i + 1] != keys[i])) {
          DuplicateKey(keys[i]);
        }
      }
    }
    uint64_t filter = 0;
    size_t index = 0;
    for (auto field : o) {
      const std::string_view key = field.key;
      if (n <= kSmall) {
        const uint64_t bit = uint64_t{1}
                             << ((key.size() * 31 + (key.empty() ? 0 : key.back())) & 63);
        if ((filter & bit) != 0 && SeenBefore(o, key, index)) DuplicateKey(key);
        filter |= bit;
      }
      if (field.value.is_object() || field.value.is_array()) {
        Push(key);
        CheckDuplicateKeys(field.value);
        Pop();
      }
      ++index;
    }
  }
  // Whether `key` is among the first `count` keys of `o`, and not already reported (only the
  // second occurrence of a key is reported).
  static bool SeenBefore(object o, std::string_view key, size_t count) {
    size_t seen = 0, i = 0;
    for (auto field : o) {
      if (i++ == count) break;
      if (field.key == key) ++seen;
    }
    return seen == 1;
  }
  void DuplicateKey(std::string_view key) {
    Push(key);
    Error("duplicate-key", "the key " + Quote(key) +
                               " appears more than once in this JSON object; JSON readers "
                               "disagree on which one counts, so the object is refused");
    Pop();
  }

  // ---- identifiers ----
  void CheckId() {
    element id_el;
    Push("id");
    if (root_["id"].get(id_el) != simdjson::SUCCESS) {
      // Every shape requires 'id': MissingRequired reports its absence, once.
    } else if (!id_el.is_string()) {
      Error("property-type", "'id' must be a string");
    } else {
      const std::string_view id = id_el.get_string().value_unsafe();
      std::string_view id_type;
      if (!IsValidIdentifier(id, &id_type)) {
        IdentifierError("id " + Quote(id), id,
                        "is not '" + std::string(type_) + "--' followed by an RFC 4122 UUID");
      } else if (id_type != type_) {
        Error("identifier-type", "id " + Quote(id) + " must start with '" + std::string(type_) +
                                     "--', the object's type");
      }
    }
    Pop();
  }

  // `what` (e.g. "id 'x--...'") is not a valid identifier: says why, naming the canonical
  // spelling when only the case is wrong (an identifier is refused, never lower-cased:
  // docs/stix.md).
  void IdentifierError(const std::string& what, std::string_view id, std::string_view otherwise) {
    if (IsIdentifierInOtherCase(id)) {
      Error("identifier-case", what +
                                   " has upper-case letters: identifiers are taken in their "
                                   "canonical lower-case form only (STIX compares them as text)");
    } else {
      Error("identifier-format", what + " " + std::string(otherwise));
    }
  }

  bool RefAllowed(const Prop& p, std::string_view target) const {
    const TypeFamily f = FamilyOf(target);
    switch (p.ref) {
      case RefClass::kListed:
        return Contains(p.values, target);
      case RefClass::kSdo:
        return f == TypeFamily::kSdo || f == TypeFamily::kCustom;
      case RefClass::kSdoOrSco:
        return f == TypeFamily::kSdo || f == TypeFamily::kSco || f == TypeFamily::kCustom;
      case RefClass::kSco:
        return f == TypeFamily::kSco || f == TypeFamily::kCustom;
      case RefClass::kScoOrSro:
        return f == TypeFamily::kSco || f == TypeFamily::kSro || f == TypeFamily::kCustom;
      case RefClass::kAnyButBundle:
        return f != TypeFamily::kBundle;
    }
    return false;
  }

  std::string RefExpectation(const Prop& p) const {
    switch (p.ref) {
      case RefClass::kListed:
        return JoinTypes(p.values);
      case RefClass::kSdo:
        return "an SDO";
      case RefClass::kSdoOrSco:
        return "an SDO or SCO";
      case RefClass::kSco:
        return "an SCO";
      case RefClass::kScoOrSro:
        return "an SCO or SRO";
      case RefClass::kAnyButBundle:
        return "a STIX object (not a bundle)";
    }
    return "";
  }

  void CheckRef(element e, const Prop& p) {
    std::string_view id;
    if (e.get_string().get(id) != simdjson::SUCCESS) {
      Error("property-type", "'" + std::string(p.name) + "' must be an identifier string");
      return;
    }
    std::string_view target;
    if (!IsValidIdentifier(id, &target)) {
      IdentifierError(Quote(id), id,
                      "is not an identifier ('<type>--' followed by an RFC 4122 UUID)");
      return;
    }
    if (!RefAllowed(p, target)) {
      Error("reference-type", "'" + std::string(p.name) + "' must refer to " + RefExpectation(p) +
                                  ", not " + std::string(target));
    }
  }

  // ---- values ----
  void TypeError(const Prop& p, std::string_view what) {
    Error("property-type", "'" + std::string(p.name) + "' must be " + std::string(what));
  }

  // Returns the array if `e` is a non-empty array; records the problem otherwise.
  bool NonEmptyArray(element e, const Prop& p, array& out) {
    if (e.get_array().get(out) != simdjson::SUCCESS) {
      TypeError(p, "a list");
      return false;
    }
    if (out.size() == 0) {
      Error("empty-list", "'" + std::string(p.name) + "' must not be an empty list");
      return false;
    }
    return true;
  }

  void CheckTimestamp(element e, const Prop& p, bool millis) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      TypeError(p, "a timestamp string");
      return;
    }
    auto ts = ParseTimestamp(s);
    if (!ts.ok()) {
      Error("timestamp-format", ts.status().message());
      return;
    }
    if (depth_ == 1 && parsed_count_ < parsed_.size()) parsed_[parsed_count_++] = {p.name, *ts};
    if (millis) {
      size_t digits = 0;
      for (size_t i = 20; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++digits;
      if (s.size() < 20 || s[19] != '.' || digits < 3) {
        Error("timestamp-precision", "'" + std::string(p.name) + "' " + Quote(s) +
                                         " must be precise to the millisecond (at least 3 "
                                         "fraction digits)");
      }
    }
  }

  void CheckVocab(element e, const Prop& p, bool open) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      TypeError(p, "a string");
      return;
    }
    if (Contains(p.values, s)) return;
    if (open) {
      Warn("open-vocabulary",
           Quote(s) + " is not a value of the open vocabulary of '" + std::string(p.name) + "'");
    } else {
      Error("enum-value", Quote(s) + " is not one of " + JoinTypes(p.values) + " for '" +
                              std::string(p.name) + "'");
    }
  }

  void CheckHashes(element e, const Prop& p) {
    object hashes;
    if (e.get_object().get(hashes) != simdjson::SUCCESS) {
      TypeError(p, "a hashes dictionary");
      return;
    }
    if (hashes.size() == 0) {
      Error("empty-dictionary", "'" + std::string(p.name) + "' must contain at least one hash");
      return;
    }
    for (auto field : hashes) {
      Push(field.key);
      std::string_view value;
      if (!IsValidDictionaryKey(field.key) || field.key.size() < 3) {
        Error("dictionary-key",
              "hash algorithm name " + Quote(field.key) +
                  " must be 3-250 characters of ASCII letters, digits, '_' and '-'");
      } else if (field.value.get_string().get(value) != simdjson::SUCCESS) {
        Error("property-type", "a hash value must be a string");
      } else {
        bool known = false;
        if (!HashValueValid(field.key, value, known)) {
          Error("hash-value", std::string(field.key) + " hash " + Quote(value) + " must be " +
                                  HashExpectation(field.key));
        } else if (!known && !p.values.empty()) {
          Error("hash-algorithm",
                "hash algorithm " + Quote(field.key) + " must be one of hash-algorithm-ov here");
        } else if (!known) {
          Warn("open-vocabulary",
               "hash algorithm " + Quote(field.key) + " is not in hash-algorithm-ov");
        }
      }
      Pop();
    }
  }

  void CheckDictionary(element e, const Prop& p) {
    object dict;
    if (e.get_object().get(dict) != simdjson::SUCCESS) {
      TypeError(p, "a dictionary");
      return;
    }
    if (dict.size() == 0) {
      Warn("empty-dictionary", "'" + std::string(p.name) + "' is an empty dictionary");
      return;
    }
    for (auto field : dict) {
      if (!IsValidDictionaryKey(field.key)) {
        Push(field.key);
        Error("dictionary-key", "dictionary key " + Quote(field.key) +
                                    " must be 1-250 ASCII letters, digits, '_' or '-'");
        Pop();
      }
    }
  }

  void CheckExtensions(element e, const Prop& p, const Shape& owner) {
    object exts;
    if (e.get_object().get(exts) != simdjson::SUCCESS) {
      TypeError(p, "a dictionary of extensions");
      return;
    }
    if (exts.size() == 0) {
      Error("empty-dictionary", "'extensions' must not be empty");
      return;
    }
    for (auto field : exts) {
      Push(field.key);
      object ext;
      if (field.value.get_object().get(ext) != simdjson::SUCCESS) {
        Error("property-type", "an extension must be a JSON object");
        Pop();
        continue;
      }
      if (field.key.starts_with("extension-definition--")) {
        if (!IsValidIdentifier(field.key)) {
          if (IsIdentifierInOtherCase(field.key)) {
            IdentifierError("extension key " + Quote(field.key), field.key, "");
          } else {
            Error("extension-name", "extension key " + Quote(field.key) +
                                        " is not an extension-definition identifier");
          }
        }
        if (const schema::DefinedExtension* defined = schema::FindDefinedExtension(field.key)) {
          CheckDefinedExtension(ext, *defined);
          Pop();
          continue;
        }
        std::string_view ext_type;
        const auto err = ext["extension_type"].get_string().get(ext_type);
        Push("extension_type");
        if (err == simdjson::NO_SUCH_FIELD) {
          Error("required-property",
                "an extension named by an extension-definition must have 'extension_type'");
        } else if (err != simdjson::SUCCESS) {
          Error("property-type", "'extension_type' must be a string");
        } else {
          static constexpr std::string_view kTypes[] = {
              "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"};
          if (!Contains(kTypes, ext_type)) {
            Error("enum-value",
                  Quote(ext_type) + " is not an extension type (" + JoinTypes(kTypes) + ")");
          }
        }
        Pop();
        if (field.key == kTesseraExtensionId) CheckTesseraExtension(ext);
      } else {
        const schema::ExtensionShape* predefined = nullptr;
        for (const auto& x : owner.extensions) {
          if (x.name == field.key) predefined = &x;
        }
        if (predefined != nullptr) {
          Walk(ext, *predefined->shape, /*top=*/false);
        } else if (field.key.ends_with("-ext") && IsValidTypeName(field.key)) {
          Warn("custom-extension", "extension " + Quote(field.key) + " is not predefined for " +
                                       std::string(type_) +
                                       " (custom extensions should use an extension-definition)");
        } else {
          Error("extension-name", "extension key " + Quote(field.key) +
                                      " is neither a predefined extension of " +
                                      std::string(type_) + " nor an extension-definition id");
        }
      }
      Pop();
    }
  }

  // The shape of an object whose type a known new-sdo extension-definition named in its
  // `extensions` defines (task, event, impact), or nullptr.
  const Shape* DefinedObjectShape(std::string_view type) {
    object exts;
    if (root_["extensions"].get_object().get(exts) != simdjson::SUCCESS) return nullptr;
    for (auto field : exts) {
      const schema::DefinedExtension* d = schema::FindDefinedExtension(field.key);
      if (d != nullptr && d->extension_type == "new-sdo" && d->shapes.size() == 1 &&
          d->shapes[0].type == type) {
        return d->shapes[0].shape;
      }
    }
    return nullptr;
  }

  // An extension whose extension-definition the validator knows (stix/incident_extensions.h):
  // it must apply to this object's type and hold what its definition says.
  void CheckDefinedExtension(object ext, const schema::DefinedExtension& d) {
    const Shape* own = nullptr;
    std::array<std::string_view, 4> types{};
    size_t n = 0;
    for (const schema::TypedShape& t : d.shapes) {
      if (t.type == type_) own = t.shape;
      if (n < types.size()) types[n++] = t.type;
    }
    if (own == nullptr) {
      Error("extension-object-type",
            std::string(d.name) + " " +
                (d.extension_type == "new-sdo" ? "defines objects of type "
                                               : "applies to objects of type ") +
                JoinTypes(std::span<const std::string_view>(types.data(), n)) + ", not " +
                Quote(type_));
      return;
    }
    Walk(ext, d.extension_type == "new-sdo" ? schema::NewSdoExtensionShape() : *own, false);
  }

  // The Tessera extension names who may read the object (stix/handling.h): anything in it that
  // is not what it must be is an error, never ignored (ignoring it would widen the audience).
  void CheckTesseraExtension(object ext) {
    for (auto field : ext) {
      if (field.key == "recipients") {
        Push("recipients");
        array list;
        if (field.value.get_array().get(list) != simdjson::SUCCESS) {
          Error("property-type", "'recipients' must be a list of identity ids");
        } else if (list.size() > kMaxRecipients) {
          Error("limit-exceeded", "'recipients' names more than " + std::to_string(kMaxRecipients) +
                                      " organizations");
        } else {
          size_t i = 0;
          for (element item : list) {
            Push(i++);
            std::string_view id, id_type;
            if (item.get_string().get(id) != simdjson::SUCCESS) {
              Error("property-type", "a recipient must be an identity id (a string)");
            } else if (!IsValidIdentifier(id, &id_type)) {
              IdentifierError("recipient " + Quote(id), id,
                              "is not an identity id ('identity--' followed by a UUID)");
            } else if (id_type != "identity") {
              Error("reference-type",
                    "a recipient must be an identity id, not " + std::string(id_type));
            }
            Pop();
          }
        }
        Pop();
      } else if (field.key == "sharing_group") {
        std::string_view name;
        if (field.value.get_string().get(name) != simdjson::SUCCESS || name.empty() ||
            name.size() > kMaxSharingGroupBytes) {
          ErrorAt("sharing_group", "property-type",
                  "'sharing_group' must be the name of a sharing group (1 to " +
                      std::to_string(kMaxSharingGroupBytes) + " bytes)");
        }
      }
    }
  }

  void CheckObservedObjects(element e, const Prop& p) {
    object objs;
    if (e.get_object().get(objs) != simdjson::SUCCESS) {
      TypeError(p, "a dictionary of cyber-observable objects");
      return;
    }
    Warn("deprecated", "'objects' is deprecated in STIX 2.1; use 'object_refs'");
    if (objs.size() == 0) {
      Error("empty-dictionary", "'objects' must not be empty");
      return;
    }
    for (auto field : objs) {
      Push(field.key);
      object o;
      std::string_view t;
      if (field.value.get_object().get(o) != simdjson::SUCCESS ||
          o["type"].get_string().get(t) != simdjson::SUCCESS) {
        Error("property-type", "each entry of 'objects' must be an object with a 'type'");
      }
      Pop();
    }
  }

  void CheckLanguageContents(element e, const Prop& p) {
    object langs;
    if (e.get_object().get(langs) != simdjson::SUCCESS) {
      TypeError(p, "a dictionary of language codes to translated properties");
      return;
    }
    if (langs.size() == 0) {
      Error("empty-dictionary", "'contents' must not be empty");
      return;
    }
    for (auto field : langs) {
      Push(field.key);
      object translated;
      if (field.value.get_object().get(translated) != simdjson::SUCCESS) {
        Error("property-type", "each language in 'contents' must map to a dictionary");
      } else if (translated.size() == 0) {
        Error("empty-dictionary", "the translations of a language must not be empty");
      }
      Pop();
    }
  }

  // entity-count (the incident extensions' `impacted_entity_counts`): entity type -> count.
  void CheckCountDictionary(element e, const Prop& p) {
    object dict;
    if (e.get_object().get(dict) != simdjson::SUCCESS) {
      TypeError(p, "a dictionary of entity types to counts");
      return;
    }
    for (auto field : dict) {
      Push(field.key);
      const std::string_view key = field.key;
      int64_t count = 0;
      if (key.empty() || key.size() > 250 || !std::all_of(key.begin(), key.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || c == '-';
          })) {
        Error("dictionary-key",
              "entity type " + Quote(key) +
                  " must be lower-case letters separated by '-' (entity-type-ov)");
      } else if (field.value.type() == element_type::UINT64) {
        // above INT64_MAX: still a non-negative integer
      } else if (field.value.get_int64().get(count) != simdjson::SUCCESS) {
        Error("property-type", "the count of " + Quote(key) + " must be an integer");
      } else if (count < 0) {
        Error("value-range", "the count of " + Quote(key) + " must not be negative");
      }
      Pop();
    }
  }

  void CheckValue(element e, const Prop& p, const Shape& owner) {
    switch (p.kind) {
      case Kind::kString:
        if (!e.is_string()) TypeError(p, "a string");
        break;
      case Kind::kBoolean:
        if (!e.is_bool()) TypeError(p, "a boolean");
        break;
      case Kind::kInteger: {
        int64_t v = 0;
        if (e.type() == element_type::UINT64) {
          if (p.max < std::numeric_limits<int64_t>::max()) {
            Error("value-range", "'" + std::string(p.name) + "' is out of range");
          }
        } else if (e.get_int64().get(v) != simdjson::SUCCESS) {
          TypeError(p, "an integer");
        } else if (v < p.min || v > p.max) {
          Error("value-range", "'" + std::string(p.name) + "' must be between " +
                                   std::to_string(p.min) + " and " + std::to_string(p.max));
        }
        break;
      }
      case Kind::kNumber: {
        if (!IsStrictNumber(e.type())) {
          TypeError(p, "a number");
          break;
        }
        double v = 0;
        if (e.get_double().get(v) == simdjson::SUCCESS &&
            (v < static_cast<double>(p.min) || v > static_cast<double>(p.max))) {
          Error("value-range", "'" + std::string(p.name) + "' must be between " +
                                   std::to_string(p.min) + " and " + std::to_string(p.max));
        }
        break;
      }
      case Kind::kTimestamp:
        CheckTimestamp(e, p, false);
        break;
      case Kind::kTimestampMillis:
        CheckTimestamp(e, p, true);
        break;
      case Kind::kRef:
        CheckRef(e, p);
        break;
      case Kind::kRefList: {
        array a;
        if (!NonEmptyArray(e, p, a)) break;
        size_t i = 0;
        for (element item : a) {
          Push(i++);
          CheckRef(item, p);
          Pop();
        }
        break;
      }
      case Kind::kStringList: {
        array a;
        if (!NonEmptyArray(e, p, a)) break;
        size_t i = 0;
        for (element item : a) {
          if (!item.is_string()) {
            Push(i);
            Error("property-type", "'" + std::string(p.name) + "' must be a list of strings");
            Pop();
          }
          ++i;
        }
        break;
      }
      case Kind::kOpenVocab:
        CheckVocab(e, p, true);
        break;
      case Kind::kEnum:
        CheckVocab(e, p, false);
        break;
      case Kind::kOpenVocabList:
      case Kind::kEnumList: {
        array a;
        if (!NonEmptyArray(e, p, a)) break;
        size_t i = 0;
        for (element item : a) {
          Push(i++);
          CheckVocab(item, p, p.kind == Kind::kOpenVocabList);
          Pop();
        }
        break;
      }
      case Kind::kHashes:
        CheckHashes(e, p);
        break;
      case Kind::kDictionary:
        CheckDictionary(e, p);
        break;
      case Kind::kBinary: {
        std::string_view s;
        if (e.get_string().get(s) != simdjson::SUCCESS) {
          TypeError(p, "a base64 string");
        } else if (!IsBase64(s)) {
          Error("binary-format", "'" + std::string(p.name) + "' must be base64 (RFC 4648)");
        }
        break;
      }
      case Kind::kHex: {
        std::string_view s;
        if (e.get_string().get(s) != simdjson::SUCCESS) {
          TypeError(p, "a hex string");
        } else if (s.size() % 2 != 0 || !AllHex(s)) {
          Error("hex-format", "'" + std::string(p.name) + "' must be an even number of hex digits");
        }
        break;
      }
      case Kind::kObject: {
        object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) {
          TypeError(p, "an object");
        } else {
          Walk(o, *p.shape, false);
        }
        break;
      }
      case Kind::kObjectList: {
        array a;
        if (!NonEmptyArray(e, p, a)) break;
        size_t i = 0;
        for (element item : a) {
          Push(i++);
          object o;
          if (item.get_object().get(o) != simdjson::SUCCESS) {
            Error("property-type", "each entry of '" + std::string(p.name) + "' must be a " +
                                       std::string(p.shape->name) + " object");
          } else {
            Walk(o, *p.shape, false);
          }
          Pop();
        }
        break;
      }
      case Kind::kExtensions:
        CheckExtensions(e, p, owner);
        break;
      case Kind::kAny:
        break;
      case Kind::kObservedObjects:
        CheckObservedObjects(e, p);
        break;
      case Kind::kLanguageContents:
        CheckLanguageContents(e, p);
        break;
      case Kind::kCountDictionary:
        CheckCountDictionary(e, p);
        break;
    }
  }

  // ---- objects ----
  static int FindProp(std::span<const Prop> props, std::string_view key) {
    for (size_t i = 0; i < props.size(); ++i) {
      if (props[i].name == key) return static_cast<int>(i);
    }
    return -1;
  }

  void Walk(object obj, const Shape& shape, bool top) {
    uint64_t seen = 0;
    uint64_t seen_base = 0;
    for (auto field : obj) {
      const Prop* prop = nullptr;
      int i = FindProp(shape.props, field.key);
      if (i >= 0) {
        seen |= uint64_t{1} << i;
        prop = &shape.props[static_cast<size_t>(i)];
      } else if (shape.base != nullptr && (i = FindProp(shape.base->props, field.key)) >= 0) {
        seen_base |= uint64_t{1} << i;
        prop = &shape.base->props[static_cast<size_t>(i)];
      }
      Push(field.key);
      if (prop != nullptr) {
        CheckValue(field.value, *prop, shape);
      } else {
        UnknownProperty(field.key, top, shape);
      }
      Pop();
    }
    MissingRequired(shape.props, seen);
    if (shape.base != nullptr) MissingRequired(shape.base->props, seen_base);
    if (shape.check != Check::kNone) RunCheck(shape, obj, seen);
  }

  void MissingRequired(std::span<const Prop> props, uint64_t seen) {
    for (size_t i = 0; i < props.size(); ++i) {
      if (props[i].required && (seen & (uint64_t{1} << i)) == 0) {
        ErrorAt(props[i].name, "required-property",
                "required property '" + std::string(props[i].name) + "' is missing");
      }
    }
  }

  void UnknownProperty(std::string_view key, bool top, const Shape& shape) {
    if (top && Contains(kReserved, key)) {
      Error("reserved-property", "'" + std::string(key) + "' is a reserved property name");
      return;
    }
    if (!IsValidPropertyName(key)) {
      Error("property-name",
            "property name " + Quote(key) +
                " must be 3-250 ASCII letters, digits or '_', starting with a letter");
      return;
    }
    if (top && (custom_object_ || DeclaresToplevelExtension())) return;
    Warn("custom-property", "'" + std::string(key) + "' is not a property of " +
                                std::string(shape.name) + " in STIX 2.1 (custom property)");
  }

  // True when the object names an extension-definition that adds top-level properties.
  bool DeclaresToplevelExtension() {
    if (toplevel_ext_ < 0) toplevel_ext_ = HasExtensionType("toplevel-property-extension") ? 1 : 0;
    return toplevel_ext_ == 1;
  }
  bool DeclaresNewObjectType() {
    return HasExtensionType("new-sdo") || HasExtensionType("new-sco") ||
           HasExtensionType("new-sro");
  }
  bool HasExtensionType(std::string_view wanted) {
    object exts;
    if (root_["extensions"].get_object().get(exts) != simdjson::SUCCESS) return false;
    for (auto field : exts) {
      std::string_view t;
      if (field.value["extension_type"].get_string().get(t) == simdjson::SUCCESS && t == wanted) {
        return true;
      }
    }
    return false;
  }

  // ---- rules between properties ----
  void CheckOrders(const Shape& shape) {
    for (const schema::TimeOrder& o : shape.orders) {
      const Timestamp* ta = ParsedTimestamp(o.earlier);
      const Timestamp* tb = ParsedTimestamp(o.later);
      if (ta == nullptr || tb == nullptr) continue;  // absent, or already reported
      const bool bad = o.strict ? !(*tb > *ta) : *tb < *ta;
      if (!bad) continue;
      const bool created = o.earlier == "created";
      ErrorAt(o.later, created ? "modified-before-created" : "timestamp-order",
              "'" + std::string(o.later) + "' (" + FormatTimestamp(*tb, TimePrecision::kShortest) +
                  ") must be " + (o.strict ? "later than" : "no earlier than") + " '" +
                  std::string(o.earlier) + "' (" + FormatTimestamp(*ta, TimePrecision::kShortest) +
                  ")");
    }
  }

  // A top-level timestamp property that CheckTimestamp parsed, or nullptr.
  const Timestamp* ParsedTimestamp(std::string_view name) const {
    for (size_t i = 0; i < parsed_count_; ++i) {
      if (parsed_[i].name == name) return &parsed_[i].value;
    }
    return nullptr;
  }

  static bool Has(object o, std::string_view key) { return o[key].error() == simdjson::SUCCESS; }

  void RunCheck(const Shape& shape, object o, uint64_t seen) {
    switch (shape.check) {
      case Check::kNone:
      case Check::kKillChainPhase:
      case Check::kIndicator:
        break;
      case Check::kExternalReference:
        CheckExternalReference(o);
        break;
      case Check::kGranularMarking:
        CheckGranularMarking(o);
        break;
      case Check::kLocation:
        if (!Has(o, "region") && !Has(o, "country") &&
            !(Has(o, "latitude") && Has(o, "longitude"))) {
          ErrorAt("region", "required-property",
                  "a location needs 'region', 'country', or 'latitude' and 'longitude'");
        }
        if (Has(o, "latitude") != Has(o, "longitude")) {
          ErrorAt(Has(o, "latitude") ? "longitude" : "latitude", "dependent-property",
                  "'latitude' and 'longitude' must be present together");
        }
        if (Has(o, "precision") && !Has(o, "latitude")) {
          ErrorAt("precision", "dependent-property",
                  "'precision' requires 'latitude' and 'longitude'");
        }
        break;
      case Check::kMalware: {
        bool is_family = false;
        if (o["is_family"].get_bool().get(is_family) == simdjson::SUCCESS && is_family &&
            !Has(o, "name")) {
          ErrorAt("name", "required-property", "'name' is required when 'is_family' is true");
        }
        break;
      }
      case Check::kMalwareAnalysis:
        if (!Has(o, "result") && !Has(o, "analysis_sco_refs")) {
          ErrorAt("result", "required-property",
                  "a malware-analysis needs 'result' or 'analysis_sco_refs'");
        }
        break;
      case Check::kObservedData:
        if (Has(o, "objects") && Has(o, "object_refs")) {
          ErrorAt("objects", "mutually-exclusive",
                  "'objects' and 'object_refs' must not both be present");
        } else if (!Has(o, "objects") && !Has(o, "object_refs")) {
          ErrorAt("object_refs", "required-property", "required property 'object_refs' is missing");
        }
        break;
      case Check::kMarkingDefinition:
        CheckMarkingDefinition(o);
        break;
      case Check::kExtensionDefinition: {
        if (!Has(o, "created_by_ref")) {
          ErrorAt("created_by_ref", "required-property",
                  "an extension-definition requires 'created_by_ref'");
        }
        bool toplevel = false;
        array types;
        if (o["extension_types"].get_array().get(types) == simdjson::SUCCESS) {
          for (element t : types) {
            std::string_view s;
            if (t.get_string().get(s) == simdjson::SUCCESS && s == "toplevel-property-extension") {
              toplevel = true;
            }
          }
        }
        if (Has(o, "extension_properties") && !toplevel) {
          ErrorAt("extension_properties", "dependent-property",
                  "'extension_properties' is only allowed with 'toplevel-property-extension'");
        }
        break;
      }
      case Check::kArtifact:
        if (Has(o, "payload_bin") && Has(o, "url")) {
          ErrorAt("url", "mutually-exclusive", "'payload_bin' and 'url' must not both be present");
        } else if (!Has(o, "payload_bin") && !Has(o, "url")) {
          ErrorAt("payload_bin", "required-property", "an artifact needs 'payload_bin' or 'url'");
        }
        if (Has(o, "url") && !Has(o, "hashes")) {
          ErrorAt("hashes", "required-property", "'hashes' is required when 'url' is present");
        }
        if (Has(o, "decryption_key") && !Has(o, "encryption_algorithm")) {
          ErrorAt("decryption_key", "dependent-property",
                  "'decryption_key' requires 'encryption_algorithm'");
        }
        break;
      case Check::kEmailMessage: {
        bool multipart = false;
        if (o["is_multipart"].get_bool().get(multipart) != simdjson::SUCCESS) break;
        if (multipart && Has(o, "body")) {
          ErrorAt("body", "mutually-exclusive", "'body' must not be present when 'is_multipart'");
        }
        if (!multipart && Has(o, "body_multipart")) {
          ErrorAt("body_multipart", "mutually-exclusive",
                  "'body_multipart' must not be present unless 'is_multipart'");
        }
        break;
      }
      case Check::kMimePart:
        if (Has(o, "body") == Has(o, "body_raw_ref")) {
          ErrorAt("body", Has(o, "body") ? "mutually-exclusive" : "required-property",
                  "a MIME part must have exactly one of 'body' and 'body_raw_ref'");
        }
        break;
      case Check::kFile:
        if (!Has(o, "hashes") && !Has(o, "name")) {
          ErrorAt("name", "required-property", "a file needs 'hashes' or 'name'");
        }
        break;
      case Check::kNetworkTraffic: {
        if (!Has(o, "src_ref") && !Has(o, "dst_ref")) {
          ErrorAt("src_ref", "required-property", "network-traffic needs 'src_ref' or 'dst_ref'");
        }
        bool active = false;
        if (o["is_active"].get_bool().get(active) == simdjson::SUCCESS && active && Has(o, "end")) {
          ErrorAt("end", "mutually-exclusive", "'end' must not be present when 'is_active'");
        }
        break;
      }
      case Check::kWindowsRegistryKey:
        CheckRegistryHive(o);
        if (seen == 0 && !Has(o, "extensions")) {
          Error("at-least-one-property",
                "a " + std::string(shape.name) + " must have at least one of its own properties");
        }
        break;
      case Check::kAtLeastOneProperty:
        if (seen == 0 && !Has(o, "extensions")) {
          Error("at-least-one-property",
                "a " + std::string(shape.name) + " must have at least one of its own properties");
        }
        break;
      case Check::kAtLeastOneExtensionProperty:
        if (seen == 0) {
          Error("at-least-one-property",
                "a " + std::string(shape.name) + " must have at least one of its own properties");
        }
        break;
      case Check::kIncidentCore:
        CheckSequence(o, "events", "event_ref");
        CheckSequence(o, "tasks", "task_ref");
        break;
      case Check::kIncidentImpact:
        CheckImpact(o);
        break;
      case Check::kStateChange:
        CheckStateChange(o);
        break;
      case Check::kConfidentialityImpact:
        RequiredUnlessNone(o, "loss_type", "information_type");
        break;
      case Check::kIntegrityImpact:
        RequiredUnlessNone(o, "alteration", "information_type");
        break;
      case Check::kPhysicalImpact:
        RequiredUnlessNone(o, "impact_type", "asset_type");
        break;
      case Check::kMonetaryImpact:
        CheckMonetaryImpact(o);
        break;
      case Check::kTesseraIncident:
        CheckTesseraIncident(o);
        break;
      case Check::kParticipant:
        CheckParticipantTimes(o);
        break;
      case Check::kIpv4Value:
      case Check::kIpv6Value:
      case Check::kMacValue:
        CheckAddressValue(o, shape.name);
        break;
      case Check::kUrlValue:
        CheckObservableValue(o, HasUriScheme, "a URL (RFC 3986) with a scheme");
        break;
      case Check::kEmailAddrValue:
        CheckObservableValue(
            o,
            [](std::string_view v) {
              const size_t at = v.rfind('@');
              return at != std::string_view::npos && at > 0 && at + 1 < v.size() &&
                     v.find_first_of("<>\r\n") == std::string_view::npos;
            },
            "a single e-mail address (addr-spec, no display name)");
        break;
    }
  }

  // ---- the incident extensions ----
  // An incident's `events` or `tasks` (prose §3.2-3.7): each next step names an entry of the same
  // list, and a sequence starts somewhere (not every entry has sequence_start false).
  void CheckSequence(object o, std::string_view list, std::string_view ref) {
    array entries;
    if (o[list].get_array().get(entries) != simdjson::SUCCESS || entries.size() == 0) return;
    std::vector<std::string_view> refs;
    refs.reserve(entries.size());
    bool any_start = false;
    for (element e : entries) {
      std::string_view r;
      if (e[ref].get_string().get(r) == simdjson::SUCCESS) refs.push_back(r);
      bool start = true;  // the default
      if (e["sequence_start"].get_bool().get(start) != simdjson::SUCCESS) start = true;
      any_start = any_start || start;
    }
    std::sort(refs.begin(), refs.end());
    Push(list);
    if (!any_start) {
      Error("sequence-start",
            "a sequence must begin with an entry whose 'sequence_start' is true "
            "(the default); every entry of '" +
                std::string(list) + "' sets it false");
    }
    size_t i = 0;
    for (element e : entries) {
      array steps;
      if (e["next_steps"].get_array().get(steps) == simdjson::SUCCESS) {
        size_t j = 0;
        for (element step : steps) {
          std::string_view r;
          if (step[ref].get_string().get(r) == simdjson::SUCCESS &&
              !std::binary_search(refs.begin(), refs.end(), r)) {
            Push(i);
            Push("next_steps");
            Push(j);
            Push(ref);
            Error("sequence-reference", "next step " + Quote(r) + " is not the '" +
                                            std::string(ref) + "' of an entry of '" +
                                            std::string(list) + "'");
            Pop();
            Pop();
            Pop();
            Pop();
          }
          ++j;
        }
      }
      ++i;
    }
    Pop();
  }

  // Impact (prose §2.3): impact_category names one of the object's extensions, with or without
  // "-ext"; superseded_by_ref comes with end_time (the pinned schema does not say so and one of
  // the pinned examples breaks it: a warning).
  void CheckImpact(object o) {
    std::string_view category;
    if (o["impact_category"].get_string().get(category) == simdjson::SUCCESS) {
      object exts;
      bool found = false;
      if (o["extensions"].get_object().get(exts) == simdjson::SUCCESS) {
        for (auto f : exts) {
          if (f.key == category || (f.key.size() == category.size() + 4 &&
                                    f.key.starts_with(category) && f.key.ends_with("-ext"))) {
            found = true;
          }
        }
      }
      if (!found) {
        ErrorAt("impact_category", "impact-category",
                "impact_category " + Quote(category) +
                    " must name an extension of this impact (e.g. '" + std::string(category) +
                    (category.ends_with("-ext") ? "" : "-ext") + "' in 'extensions')");
      }
    }
    if (Has(o, "superseded_by_ref") && !Has(o, "end_time")) {
      Push("end_time");
      Warn("dependent-property", "'end_time' must be present when 'superseded_by_ref' is");
      Pop();
    }
  }

  // state-change (prose §3.5).
  void CheckStateChange(object o) {
    const bool initial = Has(o, "initial_ref");
    const bool result = Has(o, "result_ref");
    if (!initial && !result) {
      ErrorAt("initial_ref", "required-property",
              "a state change needs 'initial_ref' or 'result_ref'");
    }
    std::string_view kind;
    if (o["state_change_type"].get_string().get(kind) == simdjson::SUCCESS) {
      if (kind == "input" && !initial && result) {
        ErrorAt("initial_ref", "required-property",
                "'initial_ref' is required when 'state_change_type' is 'input'");
      }
      if (kind == "output" && !result && initial) {
        ErrorAt("result_ref", "required-property",
                "'result_ref' is required when 'state_change_type' is 'output'");
      }
    }
    std::string_view a, b, ta, tb;
    if (o["initial_ref"].get_string().get(a) == simdjson::SUCCESS &&
        o["result_ref"].get_string().get(b) == simdjson::SUCCESS && IsValidIdentifier(a, &ta) &&
        IsValidIdentifier(b, &tb) && ta != tb) {
      ErrorAt("result_ref", "reference-type",
              "'result_ref' must refer to the same type as 'initial_ref' (" + std::string(ta) +
                  "), not " + std::string(tb));
    }
  }

  // confidentiality-ext, integrity-ext, physical-ext: `needed` unless `kind` is "none".
  void RequiredUnlessNone(object o, std::string_view kind, std::string_view needed) {
    std::string_view value;
    if (o[kind].get_string().get(value) != simdjson::SUCCESS || value == "none") return;
    if (!Has(o, needed)) {
      ErrorAt(
          needed, "required-property",
          "'" + std::string(needed) + "' is required unless '" + std::string(kind) + "' is 'none'");
    }
  }

  // monetary-ext (prose §2.3.2.5, the pinned schema's oneOf).
  void CheckMonetaryImpact(object o) {
    const bool min = Has(o, "min_amount");
    const bool max = Has(o, "max_amount");
    if (min != max) {
      ErrorAt(min ? "max_amount" : "min_amount", "dependent-property",
              "'min_amount' and 'max_amount' must be present together");
    }
    if ((min || max) && !Has(o, "currency")) {
      ErrorAt("currency", "required-property",
              "'currency' is required with 'min_amount' and 'max_amount'");
    }
    if (Has(o, "conversion_rate")) {
      if (!Has(o, "currency_actual")) {
        ErrorAt("currency_actual", "dependent-property",
                "'conversion_rate' requires 'currency_actual'");
      }
      if (!Has(o, "conversion_time")) {
        ErrorAt("conversion_time", "dependent-property",
                "'conversion_rate' requires 'conversion_time'");
      }
    }
    double lo = 0, hi = 0;
    if (o["min_amount"].get_double().get(lo) == simdjson::SUCCESS &&
        o["max_amount"].get_double().get(hi) == simdjson::SUCCESS && hi < lo) {
      ErrorAt("max_amount", "value-range", "'max_amount' must not be less than 'min_amount'");
    }
  }

  // Tessera's incident extension on an incident (docs/incidents.md).
  void CheckTesseraIncident(object o) {
    array parts;
    if (o["participants"].get_array().get(parts) == simdjson::SUCCESS) {
      size_t leads = 0;
      std::string_view lead_of;
      std::vector<std::string_view> orgs;
      orgs.reserve(parts.size());
      for (element p : parts) {
        std::string_view org, role;
        if (p["organization_ref"].get_string().get(org) != simdjson::SUCCESS) continue;
        orgs.push_back(org);
        if (p["role"].get_string().get(role) == simdjson::SUCCESS && role == "lead") {
          ++leads;
          lead_of = org;
        }
      }
      std::string_view lead_ref;
      const bool has_lead_ref =
          o["lead_organization_ref"].get_string().get(lead_ref) == simdjson::SUCCESS;
      if (leads != 1) {
        ErrorAt("participants", "participant-lead",
                "exactly one participant must have the role 'lead' (found " +
                    std::to_string(leads) + ")");
      } else if (has_lead_ref && lead_of != lead_ref) {
        ErrorAt("lead_organization_ref", "participant-lead",
                "'lead_organization_ref' must be the organization of the participant whose role "
                "is 'lead' (" +
                    std::string(lead_of) + ")");
      }
      std::sort(orgs.begin(), orgs.end());
      const auto dup = std::adjacent_find(orgs.begin(), orgs.end());
      if (dup != orgs.end()) {
        ErrorAt("participants", "duplicate-participant",
                "organization " + Quote(*dup) + " is a participant more than once");
      }
    }
    std::string_view stage;
    if (o["stage"].get_string().get(stage) != simdjson::SUCCESS) return;
    object core;
    if (root_["extensions"][kIncidentCoreExtensionId].get_object().get(core) != simdjson::SUCCESS) {
      Error("required-extension",
            "Tessera's incident extension needs the OASIS Incident Core extension (" +
                std::string(kIncidentCoreExtensionId) +
                ") beside it: the stage maps onto its 'investigation_status'");
      return;
    }
    const std::string_view expected = stage == "new"      ? "new"
                                      : stage == "closed" ? "closed"
                                                          : "open";
    std::string_view status;
    if (core["investigation_status"].get_string().get(status) == simdjson::SUCCESS &&
        status != expected) {
      ErrorAt("stage", "stage-status",
              "stage " + Quote(stage) + " means investigation_status " + Quote(expected) +
                  " in the Incident Core extension, not " + Quote(status));
    }
  }

  // A participant of Tessera's incident extension: seen and acknowledged not before invited.
  void CheckParticipantTimes(object o) {
    auto read = [&](std::string_view name) -> std::optional<Timestamp> {
      std::string_view s;
      if (o[name].get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
      auto t = ParseTimestamp(s);
      if (!t.ok()) return std::nullopt;  // reported by the table
      return *t;
    };
    const std::optional<Timestamp> invited = read("invited");
    if (!invited) return;
    for (std::string_view name : {std::string_view("seen"), std::string_view("acknowledged")}) {
      const std::optional<Timestamp> t = read(name);
      if (t && *t < *invited) {
        ErrorAt(name, "timestamp-order",
                "'" + std::string(name) + "' must be no earlier than 'invited'");
      }
    }
  }

  void CheckRegistryHive(object o) {
    std::string_view key;
    if (o["key"].get_string().get(key) != simdjson::SUCCESS) return;
    for (std::string_view abbrev : {"HKLM", "HKCU", "HKCR", "HKCC", "HKU"}) {
      if (StartsWithNoCase(key, abbrev) &&
          (key.size() == abbrev.size() || key[abbrev.size()] == '\\')) {
        ErrorAt("key", "registry-hive",
                "the hive of 'key' must be written in full (e.g. HKEY_LOCAL_MACHINE), not "
                "abbreviated");
        return;
      }
    }
  }

  void CheckObservableValue(object o, bool (*valid)(std::string_view), std::string_view what) {
    std::string_view v;
    if (o["value"].get_string().get(v) != simdjson::SUCCESS) return;  // reported by the table
    if (!valid(v)) {
      ErrorAt("value", "observable-value", "'value' " + Quote(v) + " must be " + std::string(what));
    }
  }

  // ipv4-addr, ipv6-addr, mac-addr: the form BadAddressValue (stix/types.h) requires.
  void CheckAddressValue(object o, std::string_view type) {
    std::string_view v;
    if (o["value"].get_string().get(v) != simdjson::SUCCESS) return;  // reported by the table
    const std::string_view form = BadAddressValue(type, v);
    if (!form.empty()) {
      ErrorAt("value", "observable-value", "'value' " + Quote(v) + " must be " + std::string(form));
    }
  }

  void CheckExternalReference(object o) {
    if (!Has(o, "description") && !Has(o, "url") && !Has(o, "external_id")) {
      Error("external-reference",
            "an external reference needs 'description', 'url' or 'external_id' besides "
            "'source_name'");
    }
    std::string_view source, ext_id;
    if (o["source_name"].get_string().get(source) != simdjson::SUCCESS ||
        o["external_id"].get_string().get(ext_id) != simdjson::SUCCESS) {
      return;
    }
    auto digits = [](std::string_view s) {
      return !s.empty() &&
             std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (source == "cve") {
      // CVE-YYYY-NNNN with at least four digits in the sequence number.
      const bool ok = ext_id.size() >= 13 && ext_id.starts_with("CVE-") &&
                      digits(ext_id.substr(4, 4)) && ext_id[8] == '-' && digits(ext_id.substr(9));
      if (!ok) {
        ErrorAt(
            "external_id", "external-id-format",
            "a 'cve' external_id must be a CVE identifier (CVE-YYYY-NNNN), not " + Quote(ext_id));
      }
    } else if (source == "capec") {
      if (!(ext_id.starts_with("CAPEC-") && digits(ext_id.substr(6)))) {
        ErrorAt("external_id", "external-id-format",
                "a 'capec' external_id must be a CAPEC identifier (CAPEC-N), not " + Quote(ext_id));
      }
    }
  }

  // A selector resolves when each '.'-separated step names a property of an object, or "[n]"
  // an index of a list, starting from the object itself (§7.2.3.1). simdjson finds keys and
  // indexes by walking, so the walk is charged to selector_budget_: hostile input with many
  // selectors into a long list cannot make validation quadratic.
  enum class Resolution { kResolved, kUnresolved, kOverBudget };
  Resolution ResolveSelector(std::string_view selector) {
    if (selector.empty()) return Resolution::kUnresolved;
    element cur;
    bool at_root = true;
    size_t pos = 0;
    while (pos <= selector.size()) {
      size_t dot = selector.find('.', pos);
      if (dot == std::string_view::npos) dot = selector.size();
      const std::string_view step = selector.substr(pos, dot - pos);
      if (step.empty()) return Resolution::kUnresolved;
      if (at_root) {
        if (!Charge(root_.size())) return Resolution::kOverBudget;
        if (root_[step].get(cur) != simdjson::SUCCESS) return Resolution::kUnresolved;
        at_root = false;
      } else if (step.front() == '[' && step.back() == ']' && step.size() > 2) {
        size_t index = 0;
        for (char c : step.substr(1, step.size() - 2)) {
          if (c < '0' || c > '9' || index > 1'000'000'000) return Resolution::kUnresolved;
          index = index * 10 + static_cast<size_t>(c - '0');
        }
        array a;
        if (cur.get_array().get(a) != simdjson::SUCCESS) return Resolution::kUnresolved;
        if (index >= a.size()) return Resolution::kUnresolved;
        if (!Charge(index + 1)) return Resolution::kOverBudget;
        if (a.at(index).get(cur) != simdjson::SUCCESS) return Resolution::kUnresolved;
      } else {
        object o;
        if (cur.get_object().get(o) != simdjson::SUCCESS) return Resolution::kUnresolved;
        if (!Charge(o.size())) return Resolution::kOverBudget;
        if (o[step].get(cur) != simdjson::SUCCESS) return Resolution::kUnresolved;
      }
      pos = dot + 1;
    }
    return Resolution::kResolved;
  }

  bool Charge(size_t steps) {
    if (steps > selector_budget_) {
      selector_budget_ = 0;
      return false;
    }
    selector_budget_ -= steps;
    return true;
  }

  void CheckGranularMarking(object o) {
    const bool has_ref = Has(o, "marking_ref");
    const bool has_lang = Has(o, "lang");
    if (has_ref == has_lang) {
      Error("granular-marking",
            "a granular marking must have exactly one of 'marking_ref' and 'lang'");
    }
    array selectors;
    if (o["selectors"].get_array().get(selectors) != simdjson::SUCCESS) return;
    Push("selectors");
    size_t i = 0;
    for (element s : selectors) {
      std::string_view sel;
      if (s.get_string().get(sel) == simdjson::SUCCESS) {
        const Resolution r = ResolveSelector(sel);
        if (r == Resolution::kOverBudget) {
          Push(i);
          Error("limit-exceeded", "the granular-marking selectors of this object take more than " +
                                      std::to_string(kSelectorBudget) +
                                      " steps to resolve; not resolved");
          Pop();
          break;
        }
        if (r == Resolution::kUnresolved) {
          Push(i);
          Error("marking-selector",
                "selector " + Quote(sel) + " does not resolve to a property of this object");
          Pop();
        }
      }
      ++i;
    }
    Pop();
  }

  void CheckMarkingDefinition(object o) {
    const bool has_ext = Has(o, "extensions");
    if (!has_ext) {
      if (!Has(o, "definition_type")) {
        ErrorAt("definition_type", "required-property",
                "'definition_type' is required when 'extensions' is absent");
      }
      if (!Has(o, "definition")) {
        ErrorAt("definition", "required-property",
                "'definition' is required when 'extensions' is absent");
      }
    }
    std::string_view def_type;
    if (o["definition_type"].get_string().get(def_type) == simdjson::SUCCESS) {
      object def;
      if (o["definition"].get_object().get(def) != simdjson::SUCCESS) {
        if (Has(o, "definition")) {
          ErrorAt("definition", "property-type", "'definition' must be an object");
        }
      } else if (def_type == "tlp") {
        std::string_view tlp;
        if (def["tlp"].get_string().get(tlp) != simdjson::SUCCESS ||
            !(tlp == "white" || tlp == "green" || tlp == "amber" || tlp == "red")) {
          ErrorAt("definition", "tlp-definition",
                  "a TLP definition must be {\"tlp\": \"white\"|\"green\"|\"amber\"|\"red\"}");
        }
      } else if (def_type == "statement") {
        if (!def["statement"].is_string()) {
          ErrorAt("definition", "required-property",
                  "a statement definition must have a 'statement' string");
        }
      }
    }
    // The predefined TLP markings are fixed: an object with one of their ids must be that marking.
    std::string_view id;
    if (o["id"].get_string().get(id) != simdjson::SUCCESS) return;
    const TlpMarking* tlp = FindTlpMarking(id);
    if (tlp == nullptr) return;
    std::string_view name, created, value;
    const bool name_ok = o["name"].get_string().get(name) == simdjson::SUCCESS && name == tlp->name;
    const bool created_ok =
        o["created"].get_string().get(created) == simdjson::SUCCESS &&
        created == (tlp->version == TlpVersion::k1 ? "2017-01-20T00:00:00.000Z"
                                                   : "2022-10-01T00:00:00.000Z");
    bool value_ok = false;
    if (tlp->version == TlpVersion::k1) {
      value_ok = o["definition_type"].get_string().get(def_type) == simdjson::SUCCESS &&
                 def_type == "tlp" &&
                 o["definition"]["tlp"].get_string().get(value) == simdjson::SUCCESS &&
                 value == tlp->tlp;
    } else {
      value_ok = o["extensions"][kTlp2ExtensionDefinitionId]["tlp_2_0"].get_string().get(value) ==
                     simdjson::SUCCESS &&
                 value == tlp->tlp;
    }
    if (!name_ok || !created_ok || !value_ok) {
      Error("tlp-definition", "identifier " + Quote(id) + " is the predefined " +
                                  std::string(tlp->name) + " marking (TLP " +
                                  (tlp->version == TlpVersion::k1 ? "1.0" : "2.0") +
                                  ") and must have exactly its name, created and definition");
    }
  }

  object root_;
  std::string_view object_id_;
  std::string_view type_;
  bool strict_;
  bool custom_object_ = false;
  int toplevel_ext_ = -1;  // unknown until asked
  std::vector<Problem>& problems_;
  std::array<Segment, kMaxPathDepth> path_{};
  struct ParsedTime {
    std::string_view name;
    Timestamp value;
  };
  std::array<ParsedTime, 8> parsed_{};  // top-level timestamps, for the ordering rules
  size_t parsed_count_ = 0;
  size_t selector_budget_ = kSelectorBudget;
  size_t recorded_ = 0;
  bool truncated_ = false;
  size_t depth_ = 0;
};

}  // namespace

void ValidateObject(simdjson::dom::object object, std::string_view object_id,
                    const ReadOptions& options, std::vector<Problem>& problems,
                    CheckedTimes* times) {
  Validator v(object, object_id, options, problems);
  v.Run();
  if (times != nullptr) *times = v.Times();
}

}  // namespace tessera::stix
