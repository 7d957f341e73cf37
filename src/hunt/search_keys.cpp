#include "hunt/search_keys.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/text.h"
#include "hunt/indicator_index.h"
#include "hunt/normalize.h"
#include "hunt/pattern_atoms.h"
#include "pattern/pattern.h"

namespace tessera::hunt {
namespace {

namespace json = boost::json;

// The key of a canonical atom (see the top of search_keys.h).
std::string KeyOf(const CanonicalAtom& a) {
  std::string key(IndicatorClassName(a.kind));
  key.push_back(':');
  switch (a.kind) {
    case IndicatorClass::kIpAddress:
      key += FormatIpPrefix(a.prefix);
      break;
    case IndicatorClass::kHash:
      key += HexEncode(a.value);
      break;
    default:
      key += a.value;
      break;
  }
  return key;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Collects keys up to kMaxSearchKeysPerObject.
class Keys {
 public:
  bool full() const { return keys_.size() >= kMaxSearchKeysPerObject; }
  void Add(std::string key) {
    if (!full()) keys_.push_back(std::move(key));
  }
  // `type`:`path` '`value`' as the hunt index files it; nothing when its class refuses it.
  void AddAtom(std::string_view type, std::string_view path, std::string_view value,
               AtomicOp op = AtomicOp::kEqual) {
    if (CanonicalizeAtom(type, path, value, op, atom_).ok()) Add(KeyOf(atom_));
  }
  std::vector<std::string> Take() && {
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
    return std::move(keys_);
  }

 private:
  std::vector<std::string> keys_;
  CanonicalAtom atom_;
};

void AddRef(const json::object& o, std::string_view property, Keys& keys) {
  const json::value* v = o.if_contains(property);
  if (v == nullptr) return;
  if (v->is_string()) {
    keys.Add(RefSearchKey(v->get_string()));
  } else if (v->is_array()) {
    for (const json::value& item : v->get_array()) {
      if (item.is_string()) keys.Add(RefSearchKey(item.get_string()));
    }
  }
}

// The values of a cyber-observable `o` of `type`.
void AddObservable(std::string_view type, const json::object& o, Keys& keys) {
  for (std::string_view property : {"value", "name", "key", "path", "number"}) {
    const json::value* v = o.if_contains(property);
    if (v == nullptr) continue;
    if (v->is_string()) {
      keys.AddAtom(type, property, v->get_string());
    } else if (v->is_int64()) {
      keys.AddAtom(type, property, std::to_string(v->get_int64()));
    }
  }
  if (const json::value* hashes = o.if_contains("hashes"); hashes && hashes->is_object()) {
    for (const auto& [algorithm, digest] : hashes->get_object()) {
      if (!digest.is_string()) continue;
      if (HashAlgorithmFromName(algorithm)) {
        keys.AddAtom(type, "hashes." + std::string(algorithm), digest.get_string());
      } else {
        keys.Add("hash:" + Lower(digest.get_string()));
      }
    }
  }
}

void AddPattern(std::string_view pattern, Keys& keys) {
  std::optional<std::vector<pattern::AtomicComparison>> simple =
      pattern::SimpleComparisons(pattern);
  std::optional<pattern::Pattern> compiled;
  std::span<const pattern::AtomicComparison> comparisons;
  if (simple) {
    comparisons = *simple;
  } else {
    auto c = pattern::Compile(pattern);
    if (!c.ok()) return;  // ingest refuses it (pattern::CheckIndicatorPattern)
    compiled = std::move(*c);
    comparisons = compiled->Comparisons();
  }
  VisitPatternAtoms(comparisons, [&keys](std::string_view type, std::string_view path,
                                         std::string_view value, AtomicOp op) {
    keys.AddAtom(type, path, value, op);
    return Status::Ok();
  });
}

}  // namespace

std::string RefSearchKey(std::string_view id) { return "ref:" + std::string(id); }

std::vector<std::string> ObjectSearchKeys(const stix::Object& object) {
  Keys keys;
  boost::system::error_code ec;
  const json::value parsed = json::parse(object.json, ec);
  if (ec || !parsed.is_object()) return {};
  const json::object& o = parsed.get_object();
  const std::string_view type = object.type;
  if (type == "indicator") {
    const json::value* pattern = o.if_contains("pattern");
    const json::value* pattern_type = o.if_contains("pattern_type");
    if (pattern && pattern->is_string() && pattern_type && pattern_type->is_string() &&
        pattern_type->get_string() == "stix") {
      AddPattern(pattern->get_string(), keys);
    }
  } else if (type == "observed-data") {
    if (const json::value* embedded = o.if_contains("objects"); embedded && embedded->is_object()) {
      for (const auto& [name, sco] : embedded->get_object()) {
        const json::object* e = sco.if_object();
        if (e == nullptr) continue;
        const json::value* t = e->if_contains("type");
        if (t && t->is_string()) AddObservable(t->get_string(), *e, keys);
      }
    }
    AddRef(o, "object_refs", keys);
  } else if (type == "sighting") {
    AddRef(o, "sighting_of_ref", keys);
    AddRef(o, "observed_data_refs", keys);
  } else if (type == "relationship") {
    AddRef(o, "source_ref", keys);
    AddRef(o, "target_ref", keys);
  } else if (!o.contains("created")) {
    AddObservable(type, o, keys);
  }
  return std::move(keys).Take();
}

Result<std::vector<std::string>> ValueSearchKeys(std::string_view text) {
  const std::string_view value = Trim(text);
  if (value.empty()) return InvalidArgument("a search value is empty");
  if (value.size() > kMaxSearchValueBytes) {
    return InvalidArgument("a search value is longer than " + std::to_string(kMaxSearchValueBytes) +
                           " bytes");
  }
  std::vector<std::string> keys;
  std::string canonical;
  if (auto prefix = ParseIpPrefix(value)) {
    // Its own network and every network that contains it.
    IpPrefix p = *prefix;
    while (true) {
      keys.push_back("ip:" + FormatIpPrefix(p));
      if (p.length == 0) break;
      --p.length;
      if (p.address.is_v6) {
        const unsigned bit = 127u - p.length;  // the bit that leaves the prefix
        if (bit >= 64) {
          p.address.v6.hi &= ~(uint64_t{1} << (bit - 64));
        } else {
          p.address.v6.lo &= ~(uint64_t{1} << bit);
        }
      } else {
        p.address.v4 &= ~(uint32_t{1} << (31u - p.length));
      }
    }
  }
  if (value.find('@') != std::string_view::npos && NormalizeEmail(value, canonical)) {
    keys.push_back("email:" + canonical);
  }
  if (auto algorithm = HashAlgorithmOfDigest(value);
      algorithm && DecodeHash(*algorithm, value, canonical)) {
    keys.push_back("hash:" + HexEncode(canonical));
  } else if (value.find_first_of(" \t") == std::string_view::npos) {
    keys.push_back("hash:" + Lower(value));  // a digest of another algorithm
  }
  if (NormalizeDomain(value, canonical)) {
    // It and each parent of two labels or more.
    std::string_view name = canonical;
    while (true) {
      keys.push_back("domain:" + std::string(name));
      const size_t dot = name.find('.');
      if (dot == std::string_view::npos) break;
      name.remove_prefix(dot + 1);
      if (name.find('.') == std::string_view::npos) break;
    }
  }
  if (value.find_first_of("/:") != std::string_view::npos && NormalizeUrl(value, canonical)) {
    keys.push_back("url:" + canonical);
  }
  keys.push_back("other:" + std::string(value));
  for (std::string_view path : {"mac-addr:value", "windows-registry-key:key"}) {
    if (NormalizeOtherValue(path, value, canonical)) keys.push_back("other:" + canonical);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace tessera::hunt
