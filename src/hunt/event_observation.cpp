#include "hunt/event_observation.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "hunt/normalize.h"
#include "hunt/path_class.h"

namespace tessera::hunt {

namespace json = boost::json;

namespace {

using internal::ClassifyPath;
using internal::PathClass;
using internal::UnquotePath;
using pattern::PathStep;

// Whether `v` is the string `s`.
bool IsString(const json::value* v, std::string_view s) {
  return v != nullptr && v->is_string() && std::string_view(v->get_string()) == s;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "network-traffic:extensions.'http-request-ext'.request_header.User-Agent" -> type and steps.
// Keys may be quoted with single quotes; `[*]` and `[n]` follow a key. False when malformed.
bool ParseObjectPath(std::string_view text, std::string* type, std::vector<PathStep>* steps) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  *type = std::string(text.substr(0, colon));
  steps->clear();
  std::string_view rest = text.substr(colon + 1);
  size_t i = 0;
  bool expect_key = true;
  while (i < rest.size()) {
    if (rest[i] == '[') {
      const size_t close = rest.find(']', i);
      if (close == std::string_view::npos || steps->empty()) return false;
      std::string_view inside = rest.substr(i + 1, close - i - 1);
      PathStep step;
      if (inside == "*") {
        step.kind = PathStep::Kind::kAnyIndex;
      } else {
        if (inside.empty() || inside.size() > 9 ||
            inside.find_first_not_of("0123456789") != std::string_view::npos) {
          return false;
        }
        step.kind = PathStep::Kind::kIndex;
        step.index = std::stoll(std::string(inside));
      }
      steps->push_back(std::move(step));
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (rest[i] == '.') {
      if (expect_key) return false;
      ++i;
      expect_key = true;
      continue;
    }
    if (!expect_key) return false;
    PathStep step;
    if (rest[i] == '\'') {
      const size_t close = rest.find('\'', i + 1);
      if (close == std::string_view::npos) return false;
      step.key = std::string(rest.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      const size_t end = rest.find_first_of(".[", i);
      step.key =
          std::string(rest.substr(i, end == std::string_view::npos ? rest.size() - i : end - i));
      i = end == std::string_view::npos ? rest.size() : end;
    }
    if (step.key.empty()) return false;
    steps->push_back(std::move(step));
    expect_key = false;
  }
  return !steps->empty() && !expect_key && steps->front().kind == PathStep::Kind::kKey;
}

std::string AddressText(const IpAddress& ip) {
  std::string s = FormatIpPrefix(IpPrefix{ip, static_cast<uint8_t>(ip.is_v6 ? 128 : 32)});
  return s.substr(0, s.rfind('/'));
}

// The type of an SCO a `_ref` names when only the referenced value is known.
std::string TypeOfRefValue(const json::value& v) {
  if (!v.is_string()) return "x-tessera-unknown";
  std::string_view s = v.get_string();
  if (auto ip = ParseIpAddress(s)) return ip->is_v6 ? "ipv6-addr" : "ipv4-addr";
  if (s.find('@') != std::string_view::npos) return "email-addr";
  return "domain-name";
}

class ScoBuilder {
 public:
  explicit ScoBuilder(json::object& objects) : objects_(objects) {
    for (const auto& kv : objects_) {
      next_ = std::max(next_, static_cast<size_t>(std::stoul(std::string(kv.key()))) + 1);
    }
  }

  std::string New(std::string_view type) {
    std::string key = std::to_string(next_++);
    json::object o;
    o["type"] = type;
    objects_[key] = std::move(o);
    return key;
  }

  // The key of an SCO {type, value}, shared when one exists.
  std::string Value(std::string_view type, std::string_view value) {
    for (const auto& kv : objects_) {
      const json::object& o = kv.value().as_object();
      if (IsString(o.if_contains("type"), type) && IsString(o.if_contains("value"), value)) {
        return std::string(kv.key());
      }
    }
    std::string key = New(type);
    objects_[key].as_object()["value"] = value;
    return key;
  }

  // The first SCO of `type`, created when there is none.
  std::string FirstOfType(std::string_view type) {
    for (const auto& kv : objects_) {
      if (IsString(kv.value().as_object().if_contains("type"), type)) return std::string(kv.key());
    }
    return New(type);
  }

  json::object& At(const std::string& key) { return objects_[key].as_object(); }

  // Sets `value` at `steps` inside SCO `key`, following `_ref` / `_refs` to new SCOs and
  // appending to lists.
  void Set(const std::string& key, const std::vector<PathStep>& steps, json::value value) {
    json::value* current = &objects_[key];
    for (size_t i = 0; i < steps.size(); ++i) {
      const PathStep& step = steps[i];
      const bool last = i + 1 == steps.size();
      if (step.kind != PathStep::Kind::kKey) {
        // Into a list: a new element.
        if (!current->is_array()) *current = json::array();
        json::array& a = current->as_array();
        if (last) {
          a.push_back(std::move(value));
          return;
        }
        a.push_back(json::object());
        current = &a.back();
        continue;
      }
      if (!current->is_object()) *current = json::object();
      json::object& o = current->as_object();
      if (last) {
        o[step.key] = std::move(value);
        return;
      }
      const bool ref = EndsWith(step.key, "_ref");
      const bool refs = EndsWith(step.key, "_refs") && steps[i + 1].kind != PathStep::Kind::kKey;
      if (ref || refs) {
        // The rest of the path is in the referenced SCO.
        const size_t rest = ref ? i + 1 : i + 2;
        if (rest >= steps.size()) {
          o[step.key] = std::move(value);
          return;
        }
        std::vector<PathStep> tail(steps.begin() + static_cast<std::ptrdiff_t>(rest), steps.end());
        std::string target;
        const json::value* existing = o.if_contains(step.key);
        if (ref && existing != nullptr && existing->is_string() &&
            objects_.contains(existing->get_string())) {
          target = std::string(existing->get_string());
        } else {
          const std::string type =
              tail.size() == 1 && tail[0].key == "value" ? TypeOfRefValue(value) : "x-tessera-ref";
          target = New(type);
          if (ref) {
            objects_[key].as_object()[step.key] = target;
          } else {
            json::value& list = objects_[key].as_object()[step.key];
            if (!list.is_array()) list = json::array();
            list.as_array().push_back(json::string(target));
          }
        }
        Set(target, tail, std::move(value));
        return;
      }
      current = &o[step.key];
    }
  }

 private:
  json::object& objects_;
  size_t next_ = 0;
};

// The value at a path of plain keys, or nullptr (also for paths with lists or references).
const json::value* GetPlain(const json::object& sco, const std::vector<PathStep>& steps) {
  const json::object* o = &sco;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].kind != PathStep::Kind::kKey) return nullptr;
    const json::value* v = o->if_contains(steps[i].key);
    if (v == nullptr || i + 1 == steps.size()) return v;
    o = v->if_object();
    if (o == nullptr) return nullptr;
  }
  return nullptr;
}

json::value TypedValue(const std::vector<PathStep>& steps, std::string_view value) {
  if (IntegerProperty(steps.back().key) && !value.empty() && value.size() <= 18 &&
      value.find_first_not_of("0123456789") == std::string_view::npos) {
    return json::value(static_cast<int64_t>(std::stoll(std::string(value))));
  }
  return json::value(json::string(value));
}

std::string Unquoted(std::string_view s) {
  std::string out;
  UnquotePath(s, out);
  return out;
}

// "<type>:<path without quotes>" of an indexed kOther comparison: the index keys on the path
// alone, a hit does not say the type, so the key carries both.
std::string OtherPrefix(const pattern::ObjectPath& path) {
  return path.object_type + ":" + Unquoted(path.PropertyPath());
}

}  // namespace

bool IntegerProperty(std::string_view key) {
  return EndsWith(key, "_port") || key == "pid" || key == "number" || EndsWith(key, "_count");
}

bool EventValueCanEqual(const pattern::AtomicComparison& comparison,
                        const pattern::Constant& constant) {
  const pattern::PathStep& last = comparison.path.steps.back();
  const bool integer = last.kind == PathStep::Kind::kKey && IntegerProperty(last.key);
  if (constant.kind == pattern::ConstantKind::kInt) return integer;
  if (constant.kind != pattern::ConstantKind::kString) return true;
  const std::string& v = constant.value;
  const bool digits =
      !v.empty() && v.size() <= 18 && v.find_first_not_of("0123456789") == std::string::npos;
  return !(integer && digits);
}

EventScos BuildEventScos(const Event& event) {
  EventScos out;
  ScoBuilder b(out.objects);
  out.sco_of_observable.resize(event.observables.size());
  std::string canonical;
  std::string network_traffic;  // key, once created
  auto traffic = [&]() -> json::object& {
    if (network_traffic.empty()) network_traffic = b.New("network-traffic");
    return b.At(network_traffic);
  };
  std::string type;
  std::vector<PathStep> steps;

  for (size_t i = 0; i < event.observables.size(); ++i) {
    const Observable& o = event.observables[i];
    std::string& key = out.sco_of_observable[i];
    std::string_view value = o.value;
    auto address = [&](const IpAddress& ip) {
      key = b.Value(ip.is_v6 ? "ipv6-addr" : "ipv4-addr", AddressText(ip));
      if (o.role == AddressRole::kSource && !traffic().contains("src_ref")) {
        traffic()["src_ref"] = key;
      } else if (o.role == AddressRole::kDestination && !traffic().contains("dst_ref")) {
        traffic()["dst_ref"] = key;
      }
    };
    switch (o.kind) {
      case ObservableKind::kIpAddress:
        if (auto ip = ParseIpAddress(value)) address(*ip);
        break;
      case ObservableKind::kHost: {
        auto ip = ParseIpAddress(value);
        if (!ip) {
          const size_t colon = value.rfind(':');
          const bool port =
              colon != std::string_view::npos && colon + 1 < value.size() &&
              value.find_first_not_of("0123456789", colon + 1) == std::string_view::npos;
          if (port && (value.find(':') == colon ||
                       (value.front() == '[' && colon > 0 && value[colon - 1] == ']'))) {
            value = value.substr(0, colon);
            ip = ParseIpAddress(value);
          }
        }
        if (ip) {
          address(*ip);
        } else if (NormalizeDomain(value, canonical)) {
          key = b.Value("domain-name", canonical);
        }
        break;
      }
      case ObservableKind::kDomainName:
        if (NormalizeDomain(value, canonical)) key = b.Value("domain-name", canonical);
        break;
      case ObservableKind::kUrl:
        if (NormalizeUrl(value, canonical)) key = b.Value("url", canonical);
        break;
      case ObservableKind::kEmailAddress:
        if (NormalizeEmail(value, canonical)) key = b.Value("email-addr", canonical);
        break;
      case ObservableKind::kHash: {
        const std::optional<HashAlgorithm> algorithm =
            o.hash_algorithm ? o.hash_algorithm : HashAlgorithmOfDigest(value);
        if (!algorithm || !DecodeHash(*algorithm, value, canonical)) break;
        const std::string hex = HexEncode(canonical);
        const std::string name(HashAlgorithmName(*algorithm));
        // The first file whose hashes are free for this algorithm or hold this digest.
        for (const auto& kv : out.objects) {
          const json::object& sco = kv.value().as_object();
          if (!IsString(sco.if_contains("type"), "file")) continue;
          const json::value* hashes = sco.if_contains("hashes");
          const json::value* present = hashes != nullptr && hashes->is_object()
                                           ? hashes->as_object().if_contains(name)
                                           : nullptr;
          if (present == nullptr || IsString(present, hex)) {
            key = std::string(kv.key());
            break;
          }
        }
        if (key.empty()) key = b.New("file");
        json::value& hashes = b.At(key)["hashes"];
        if (!hashes.is_object()) hashes = json::object();
        hashes.as_object()[name] = hex;
        break;
      }
      case ObservableKind::kOther: {
        if (!ParseObjectPath(o.object_path, &type, &steps)) break;
        json::value v = TypedValue(steps, value);
        if (type == "network-traffic") {
          traffic();
          key = network_traffic;
        } else {
          // The first SCO of the type where the path is free or holds this value.
          for (const auto& kv : out.objects) {
            const json::object& sco = kv.value().as_object();
            if (!IsString(sco.if_contains("type"), type)) continue;
            const json::value* present = GetPlain(sco, steps);
            if (present == nullptr || *present == v) {
              key = std::string(kv.key());
              break;
            }
          }
          if (key.empty()) key = b.New(type);
        }
        b.Set(key, steps, std::move(v));
        break;
      }
    }
  }
  return out;
}

std::string HitKey(const Hit& hit) {
  switch (hit.kind) {
    case IndicatorClass::kIpAddress:
      return FormatIpPrefix(hit.prefix);
    case IndicatorClass::kHash:
      return std::string(HashAlgorithmName(hit.hash_algorithm)) + ":" + std::string(hit.matched);
    default:
      return std::string(hit.matched);
  }
}

IndicatorConstants IndexedConstants(const pattern::Pattern& pattern) {
  IndicatorConstants out;
  const std::vector<pattern::AtomicComparison>& comparisons = pattern.Comparisons();
  std::string canonical;
  for (size_t ci = 0; ci < comparisons.size(); ++ci) {
    const pattern::AtomicComparison& c = comparisons[ci];
    if (c.negated) continue;
    if (c.op != pattern::Op::kEqual && c.op != pattern::Op::kIn && c.op != pattern::Op::kIsSubset)
      continue;
    const std::string path = Unquoted(c.path.PropertyPath());
    HashAlgorithm algorithm = HashAlgorithm::kMd5;
    const PathClass cls = ClassifyPath(c.path.object_type, path, &algorithm);
    for (size_t k = 0; k < c.constants.size(); ++k) {
      const pattern::Constant& constant = c.constants[k];
      std::string value;
      if (constant.kind == pattern::ConstantKind::kString) {
        value = constant.value;
      } else if (constant.kind == pattern::ConstantKind::kInt) {
        value = std::to_string(constant.int_value);
      } else {
        continue;
      }
      if (!EventValueCanEqual(c, constant)) continue;
      IndexedConstant ic{ci, k, IndicatorClass::kOther, ""};
      switch (cls) {
        case PathClass::kIp:
        case PathClass::kIpSource:
        case PathClass::kIpDestination: {
          auto prefix = ParseIpPrefix(value);
          if (!prefix) continue;
          ic.kind = IndicatorClass::kIpAddress;
          ic.key = FormatIpPrefix(*prefix);
          break;
        }
        case PathClass::kDomain:
          if (c.op == pattern::Op::kIsSubset || !NormalizeDomain(value, canonical)) continue;
          ic.kind = IndicatorClass::kDomainName;
          ic.key = canonical;
          break;
        case PathClass::kUrl:
          if (c.op == pattern::Op::kIsSubset || !NormalizeUrl(value, canonical)) continue;
          ic.kind = IndicatorClass::kUrl;
          ic.key = canonical;
          break;
        case PathClass::kEmail:
          if (c.op == pattern::Op::kIsSubset || !NormalizeEmail(value, canonical)) continue;
          ic.kind = IndicatorClass::kEmailAddress;
          ic.key = canonical;
          break;
        case PathClass::kHash:
          if (c.op == pattern::Op::kIsSubset || !DecodeHash(algorithm, value, canonical)) continue;
          ic.kind = IndicatorClass::kHash;
          ic.key = std::string(HashAlgorithmName(algorithm)) + ":" + canonical;
          break;
        case PathClass::kOther:
          if (c.op == pattern::Op::kIsSubset) continue;
          ic.kind = IndicatorClass::kOther;
          if (NormalizeOtherValue(path, value, canonical)) value = canonical;
          ic.key = value;
          break;
      }
      out.push_back(std::move(ic));
    }
  }
  return out;
}

void ApplyIndexMatch(json::object& objects, const EventScos& scos, size_t observable,
                     const Observable& o, const Hit& hit, const pattern::Pattern& pattern,
                     const IndicatorConstants& constants) {
  if (observable >= scos.sco_of_observable.size()) return;
  const std::string& key = scos.sco_of_observable[observable];
  if (key.empty() || !objects.contains(key)) return;
  const std::string hit_key = HitKey(hit);
  ScoBuilder b(objects);
  std::string other_path;
  if (hit.kind == IndicatorClass::kOther) other_path = Unquoted(o.object_path);
  for (const IndexedConstant& ic : constants) {
    if (ic.kind != hit.kind || ic.key != hit_key) continue;
    const pattern::AtomicComparison& c = pattern.Comparisons()[ic.comparison];
    const pattern::Constant& k = c.constants[ic.constant];
    const std::string path = Unquoted(c.path.PropertyPath());
    if (hit.kind == IndicatorClass::kOther && other_path != OtherPrefix(c.path)) continue;
    json::value constant = k.kind == pattern::ConstantKind::kInt
                               ? json::value(k.int_value)
                               : json::value(json::string(k.value));
    HashAlgorithm algorithm = HashAlgorithm::kMd5;
    const PathClass cls = ClassifyPath(c.path.object_type, path, &algorithm);
    json::object& sco = b.At(key);
    switch (cls) {
      case PathClass::kIp:
      case PathClass::kDomain:
      case PathClass::kUrl:
        sco["type"] = c.path.object_type;
        // An address hit by ISSUBSET keeps the observed address, which the engine tests itself.
        if (c.op != pattern::Op::kIsSubset) sco["value"] = constant;
        break;
      case PathClass::kIpSource:
      case PathClass::kIpDestination: {
        if (c.op != pattern::Op::kIsSubset) sco["value"] = constant;
        const std::string traffic = b.FirstOfType("network-traffic");
        b.At(traffic)[cls == PathClass::kIpSource ? "src_ref" : "dst_ref"] = key;
        break;
      }
      case PathClass::kEmail: {
        sco["value"] = constant;
        if (c.path.object_type != "email-message") {
          sco["type"] = c.path.object_type;
          break;
        }
        const std::string message = b.FirstOfType("email-message");
        const std::string& property = c.path.steps.front().key;
        if (EndsWith(property, "_refs")) {
          json::value& list = b.At(message)[property];
          if (!list.is_array()) list = json::array();
          list.as_array().push_back(json::string(key));
        } else {
          b.At(message)[property] = key;
        }
        break;
      }
      case PathClass::kHash: {
        const std::string& name = c.path.steps.back().key;
        std::string target = key;
        if (!IsString(sco.if_contains("type"), c.path.object_type)) {
          target = b.New(c.path.object_type);
        }
        json::value& hashes = b.At(target)["hashes"];
        if (!hashes.is_object()) hashes = json::object();
        hashes.as_object()[name] = constant;
        break;
      }
      case PathClass::kOther:
        b.Set(key, c.path.steps, constant);
        break;
    }
  }
}

}  // namespace tessera::hunt
