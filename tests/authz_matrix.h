#pragma once
// The generated authorization matrix (tests/data/authz/matrix.json): the hand-written rules of
// who reads what, evaluated here, and the object ids the cases use. Nothing here calls the hub's
// policy code: the expected readers of an object come from the rules in the data file alone, so
// a hub that disagrees with docs/hub.md fails the matrix instead of teaching it.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tessera::testing {

// The id of an SCO with one ID-contributing property `value` (ipv4-addr, domain-name): STIX 2.1
// §2.9, UUIDv5 in the STIX namespace of the canonical JSON {"value": ...}. Values are plain
// ASCII without characters JSON escapes.
inline std::string ScoId(const std::string& type, const std::string& value) {
  static const boost::uuids::uuid kStixNamespace =
      boost::uuids::string_generator()("00abedb4-aa42-466c-9c01-fed23315a9b7");
  boost::uuids::name_generator_sha1 gen(kStixNamespace);
  return type + "--" + boost::uuids::to_string(gen("{\"value\":\"" + value + "\"}"));
}

// A stable UUIDv4-shaped id for an SDO or SRO named by `key` (the same case gets the same id in
// every run and every test process).
inline std::string MatrixId(const std::string& type, const std::string& key) {
  static const boost::uuids::uuid kMatrixNamespace =
      boost::uuids::string_generator()("5a1d0c3e-9b7f-4e21-8d6a-3c2b1a0f9e8d");
  boost::uuids::name_generator_sha1 gen(kMatrixNamespace);
  boost::uuids::uuid u = gen(key);
  u.data[6] = static_cast<uint8_t>((u.data[6] & 0x0F) | 0x40);  // version 4
  return type + "--" + boost::uuids::to_string(u);
}

// One marking class of the matrix: TLP markings (scenario names: clear ... red, white1 ... red1)
// and the audience the producer names.
struct MarkingClass {
  std::string key;
  std::vector<std::string> tlp;
  std::vector<std::string> recipients;         // organization keys, in the extension
  std::vector<std::string> header_recipients;  // organization keys, in X-Tessera-Recipients
  std::string sharing_group;                   // "", or "own": the contributor's first group
};

// A collection of the matrix: its hand-written access per organization and what its readers'
// rule needs (default TLP, audience group).
struct MatrixCollection {
  std::string key, default_tlp, audience_group;
  std::map<std::string, std::string> access;  // org -> "rw" / "r" / "w" / ""
  std::set<std::string> ReadingOrgs() const {
    std::set<std::string> out;
    for (const auto& [org, acc] : access)
      if (acc.find('r') != std::string::npos) out.insert(org);
    return out;
  }
};

// The rules of matrix.json "rules": TLP level -> readers expression.
class ReadRules {
 public:
  ReadRules() = default;
  explicit ReadRules(const boost::json::object& rules) {
    for (const auto& [level, rule] : rules.at("tlp").as_object()) {
      const auto& r = rule.as_object();
      if (r.contains("same_as"))
        same_as_[std::string(level)] = std::string(r.at("same_as").as_string());
      else
        readers_[std::string(level)] = std::string(r.at("readers").as_string());
    }
    for (const auto& s : rules.at("strictness").as_array())
      strictness_.push_back(std::string(s.as_string()));
  }

  // The TLP 2.0 level an object marked with `tlp` has in `collection`: the strictest of its
  // markings (TLP 1.0 through same_as), the collection's default when it has none.
  std::string LevelOf(const std::vector<std::string>& tlp, const MatrixCollection& c) const {
    if (tlp.empty()) return c.default_tlp;
    size_t best = 0;
    for (const auto& t : tlp) {
      auto it = same_as_.find(t);
      const std::string level = it == same_as_.end() ? t : it->second;
      size_t rank = Rank(level);
      best = std::max(best, rank);
    }
    return strictness_[best];
  }

  // The organizations that read a version marked `m`, provided by `provider` into `c`, whose
  // producer named `group_members` as its sharing group (empty: none) and `recipients` (the
  // extension's, else the request headers').
  std::set<std::string> Readers(const MarkingClass& m, const std::string& provider,
                                const MatrixCollection& c,
                                const std::vector<std::string>& recipients,
                                const std::set<std::string>& group_members,
                                const std::set<std::string>& audience_group_members) const {
    const std::string level = LevelOf(m.tlp, c);
    auto it = readers_.find(level);
    EXPECT_NE(it, readers_.end()) << "no rule for TLP level " << level;
    if (it == readers_.end()) return {};
    const std::set<std::string> collection = c.ReadingOrgs();
    std::set<std::string> audience;  // the first of recipients, group, audience group, readers
    if (!recipients.empty())
      audience.insert(recipients.begin(), recipients.end());
    else if (!m.sharing_group.empty())
      audience = group_members;
    else if (!c.audience_group.empty())
      audience = audience_group_members;
    else
      audience = collection;
    std::set<std::string> out;
    size_t start = 0;
    const std::string& expr = it->second;
    while (start <= expr.size()) {
      size_t end = expr.find('+', start);
      if (end == std::string::npos) end = expr.size();
      const std::string term = expr.substr(start, end - start);
      if (term == "collection") {
        out.insert(collection.begin(), collection.end());
      } else if (term == "provider") {
        out.insert(provider);
      } else if (term == "audience") {
        out.insert(audience.begin(), audience.end());
      } else if (term == "recipients") {
        out.insert(recipients.begin(), recipients.end());
      } else {
        ADD_FAILURE() << "unknown term '" << term << "' in readers rule '" << expr << "'";
      }
      start = end + 1;
    }
    std::set<std::string> readable;  // a reader must also read the collection
    for (const auto& org : out)
      if (collection.count(org)) readable.insert(org);
    return readable;
  }

  size_t RuleCount() const { return readers_.size() + same_as_.size(); }

 private:
  size_t Rank(const std::string& level) const {
    for (size_t i = 0; i < strictness_.size(); ++i)
      if (strictness_[i] == level) return i;
    ADD_FAILURE() << "TLP level " << level << " is not in the strictness order";
    return strictness_.size() - 1;
  }
  std::map<std::string, std::string> readers_, same_as_;
  std::vector<std::string> strictness_;
};

}  // namespace tessera::testing
